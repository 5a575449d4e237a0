"""No log line holds a one-time code, a token or a password.

Django's request logger writes every refused request with its path ("Bad Request:
/setup/TOKEN"), and a path can carry a set-up link, an invitation code or a sign-in link; a
query string can carry anything. Every handler of both logging configurations (the local app's
and the clinic's) runs this filter, so a record is cleaned whichever logger wrote it.
"""

import logging
import re

REDACTED = "[redacted]"

# The paths whose last segment is a secret: a staff set-up link, a patient's invitation, the
# local app's one-time sign-in link, the demo clinic's sign-in link and a patient's calendar
# subscription.
_SECRET_PATH = re.compile(r"(/(?:setup|invite|login|accounts/demo|calendar)/)[^\s/?#\"'<>]+")
# A query string after a path: the part after "?" up to the next space or quote.
_QUERY = re.compile(r"(/[^\s?\"'<>]*)\?[^\s\"'<>]+")
_BEARER = re.compile(r"\b(Bearer|Token)\s+[\w\-.~+/=]+", re.IGNORECASE)
_PASSWORD = re.compile(
    r"(\b(?:password|password_again|code|token|secret)[\"']?\s*[=:]\s*[\"']?)[^\s&\"',}]+",
    re.IGNORECASE,
)


def redact(text: str) -> str:
    """`text` with every secret it may hold replaced by [redacted]."""
    text = _SECRET_PATH.sub(rf"\1{REDACTED}", text)
    text = _QUERY.sub(rf"\1?{REDACTED}", text)
    text = _BEARER.sub(rf"\1 {REDACTED}", text)
    return _PASSWORD.sub(rf"\1{REDACTED}", text)


class RedactSecrets(logging.Filter):
    """Rewrites the record's message (and its traceback) in place; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a record whose arguments do not fit its format: keep the format
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


FILTERS = {"redact": {"()": "kratomlog.log_redaction.RedactSecrets"}}
