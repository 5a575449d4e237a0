"""Sending one mail: tried again after a passing fault (the mail server restarting, a network
blip), logged at every failed try, and when it still fails, logged as an error and raised, so
the task that sends it fails visibly and its delivery stays unsent for the next run. A mail is
never dropped in silence."""

import logging
import time
from collections.abc import Callable

from django.core.mail import send_mail

# Seconds to wait before each try: at once, then twice more a little later.
TRIES_APART = (0.0, 2.0, 10.0)
_log = logging.getLogger("kratomlog.mail")


class MailNotSent(Exception):
    """Every try failed; the message says to whom and why."""


def send(
    subject: str,
    body: str,
    to: list[str],
    *,
    about: str,
    wait: Callable[[float], None] = time.sleep,
) -> None:
    """Send `subject` and `body` to `to` through the clinic's mailer; `about` names the mail in
    the log ("alert 12, first round")."""
    tries = len(TRIES_APART)
    for number, delay in enumerate(TRIES_APART, start=1):
        if delay:
            wait(delay)
        try:
            send_mail(subject, body, None, to)
        except Exception as error:  # SMTP refusals, sockets, a full disk for the file mailer
            _log.warning("mail (%s) to %s: try %d of %d failed: %s",
                         about, ", ".join(to), number, tries, error)  # fmt: skip
            failure = error
        else:
            return
    _log.error("mail (%s) to %s was not sent after %d tries: %s",
               about, ", ".join(to), tries, failure)  # fmt: skip
    raise MailNotSent(f"mail ({about}) to {', '.join(to)}: {failure}") from failure
