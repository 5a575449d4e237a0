"""Web Push: the clinic's notifications to a patient's installed app, through the push service of
their browser (VAPID, RFC 8292; the payload encrypted with aes128gcm, RFC 8291), by pywebpush.

Push is on only when KRATOMLOG_VAPID_SUBJECT is set (`clinic serve` refuses a placeholder). A
subscription's endpoint must be on a known push service, or on an origin the clinic lists in
KRATOMLOG_PUSH_EXTRA_ORIGINS, so the clinic never sends a request to an address a patient makes
up. Every notification says only that something is waiting and links to it: what a lock screen
shows must not reveal a condition, a score or kratom use.
"""

import base64
import json
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from py_vapid import Vapid02

from kratomlog.clinic.models import PushSubscription
from kratomlog.core.errors import InputError

_log = logging.getLogger("kratomlog.push")

# The push services of Chrome (and Edge on Android), Firefox, Safari and Edge on Windows.
KNOWN_HOSTS = ("fcm.googleapis.com", "updates.push.services.mozilla.com", "web.push.apple.com")
KNOWN_HOST_SUFFIXES = (".push.services.mozilla.com", ".notify.windows.com")
# Seconds to wait before each try after a 429 or 5xx (or no answer): about 3 s in all.
TRIES_APART = (0.0, 0.5, 2.5)
TIMEOUT = 5.0  # seconds for one request to the push service
TTL = 24 * 60 * 60  # a push not delivered within a day is of no more use
KEY_FILE = "vapid_private_key"
DEFAULT_TITLE = "Reminder"


@dataclass(frozen=True)
class Delivery:
    """What one subscription's push service answered: its HTTP status (None: no answer), and
    whether the subscription was removed (the service said it is gone: 404 or 410)."""

    endpoint: str
    status: int | None
    removed: bool
    error: str = ""


def enabled() -> bool:
    """Push is on when the clinic has a VAPID subject (`clinic serve` has refused placeholders)."""
    return bool(getattr(settings, "VAPID_SUBJECT", ""))


def notification_title() -> str:
    """The clinic's display name, or "Reminder": never the app's name (it names kratom)."""
    return getattr(settings, "CLINIC_NAME", "") or DEFAULT_TITLE


@cache
def _vapid_for(private_key: str, data_dir: str) -> Vapid02:
    if private_key:
        return Vapid02.from_string(private_key)
    return Vapid02.from_string(_key_made_once(data_dir))


def _key_made_once(data_dir: str) -> str:
    """The data directory's VAPID key (base64url DER), made at first use, readable only by us."""
    key_file = os.path.join(data_dir, KEY_FILE)
    if not os.path.exists(key_file):
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ec

        der = ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        # Whole or not at all, as the secret key file: of several processes starting at once,
        # each reads the one key that won.
        draft = f"{key_file}.{os.getpid()}"
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as out:
            out.write(base64.urlsafe_b64encode(der).decode().rstrip("="))
        try:
            os.link(draft, key_file)
        except FileExistsError:
            pass
        finally:
            os.unlink(draft)
    with open(key_file) as key:
        return key.read().strip()


def vapid() -> Vapid02:
    """The clinic's VAPID key: KRATOMLOG_VAPID_PRIVATE_KEY, or the data directory's own."""
    return _vapid_for(settings.VAPID_PRIVATE_KEY, str(settings.DATA_DIR))


def public_key() -> str:
    """The application server key a browser subscribes with: the uncompressed P-256 point,
    base64url without padding."""
    from cryptography.hazmat.primitives import serialization

    point = vapid().public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(point).decode().rstrip("=")


def endpoint_problem(endpoint: str) -> str | None:
    """Why the clinic will not send to `endpoint`, or None when it is on an allowed service."""
    try:
        parts = urlsplit(endpoint)
        host, port = (parts.hostname or "").lower(), parts.port
    except ValueError:  # a port that is not a number, brackets that do not close
        parts, host, port = urlsplit(""), "", None
    origin = f"{parts.scheme}://{parts.netloc}".lower()
    if parts.netloc and origin in getattr(settings, "PUSH_EXTRA_ORIGINS", ()):
        return None
    known = host in KNOWN_HOSTS or host.endswith(KNOWN_HOST_SUFFIXES)
    if parts.scheme != "https" or not known or port not in (None, 443) or parts.username:
        return (
            "not on a known push service (an https address of Google's, Mozilla's, Apple's or "
            "Microsoft's push service, as the browser's PushSubscription gives it)"
        )
    return None


def _key_bytes(text: str, field: str, size: int, form: str) -> str:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except ValueError:
        raw = b""
    if len(raw) != size or (size == 65 and raw[0] != 4):
        raise InputError(field, f"not {form}, base64url, as the browser's PushSubscription has it")
    return text


def subscribe(user: Any, endpoint: str, p256dh: str, auth: str, now: datetime) -> PushSubscription:
    """Keep the browser's subscription for `user`; an endpoint already kept is theirs now (the
    browser re-subscribed, or another user signed in on the same device)."""
    endpoint = endpoint.strip()
    problem = endpoint_problem(endpoint)
    if problem:
        raise InputError("endpoint", problem)
    if len(endpoint) > 2048:
        raise InputError("endpoint", "longer than 2048 characters")
    keys = {
        "p256dh": _key_bytes(p256dh, "keys.p256dh", 65, "an uncompressed P-256 public key"),
        "auth": _key_bytes(auth, "keys.auth", 16, "a 16-byte secret"),
    }
    subscription, _ = PushSubscription.objects.update_or_create(
        endpoint=endpoint, defaults={"user": user, **keys}, create_defaults={"user": user,
        **keys, "created_at": now},
    )  # fmt: skip
    return subscription


def unsubscribe(user: Any, endpoint: str) -> bool:
    """Forget the user's subscription at `endpoint`; whether there was one."""
    removed, _ = PushSubscription.objects.filter(user=user, endpoint=endpoint.strip()).delete()
    return bool(removed)


def has_subscription(user: Any) -> bool:
    return PushSubscription.objects.filter(user=user).exists()


SIGNED_FOR = 12 * 60 * 60  # a VAPID token's life (push services accept up to 24 hours)
REUSED_FOR = 60 * 60  # one token serves every push to its push service for an hour
_signed: dict[tuple[str, str, str, str], tuple[float, dict[str, str]]] = {}


def vapid_headers(audience: str) -> dict[str, str]:
    """The Authorization header for pushes to `audience` (a push service's origin): signed once
    an hour, not once a push (the signature is a third of a push's cost)."""
    key = (audience, settings.VAPID_SUBJECT, settings.VAPID_PRIVATE_KEY, str(settings.DATA_DIR))
    now = time.time()
    made = _signed.get(key)
    if made is None or made[0] < now:
        claims = {"sub": settings.VAPID_SUBJECT, "aud": audience, "exp": int(now) + SIGNED_FOR}
        made = (now + REUSED_FOR, dict(vapid().sign(claims)))
        _signed[key] = made
    return made[1]


def _push_once(
    subscription: PushSubscription, payload: str, session: Any = None
) -> tuple[int | None, str]:
    """(status, error) of one request to the push service; status None when it did not answer."""
    from pywebpush import WebPushException, webpush

    info = {"endpoint": subscription.endpoint,
            "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth}}  # fmt: skip
    parts = urlsplit(subscription.endpoint)
    headers = {"Urgency": "normal", **vapid_headers(f"{parts.scheme}://{parts.netloc}")}
    try:
        response: Any = webpush(
            info, payload, content_encoding="aes128gcm", ttl=TTL, timeout=TIMEOUT,
            headers=headers, requests_session=session,
        )  # fmt: skip
    except WebPushException as error:
        if error.response is None:
            return None, str(error).splitlines()[0]
        return error.response.status_code, f"{error.response.status_code} {error.response.reason}"
    except Exception as error:  # refused connections, timeouts, TLS faults
        return None, f"{type(error).__name__}: {error}"
    return response.status_code, ""


def _retry_wait(status: int | None, delay: float) -> float:
    return delay if status is None or status == 429 or status >= 500 else -1.0


def push_to(
    subscription: PushSubscription,
    payload: str,
    *,
    wait: Callable[[float], None] = time.sleep,
    session: Any = None,
) -> Delivery:
    """One notification to one subscription: a 404 or 410 removes it; a 429, a 5xx or no answer
    is tried again (TRIES_APART), then reported in `error`."""
    status, error = None, ""
    for number, delay in enumerate(TRIES_APART):
        if number and _retry_wait(status, delay) < 0:
            break
        if delay and number:
            wait(delay)
        status, error = _push_once(subscription, payload, session)
        if status is not None and status < 300:
            error = ""
            break
        _log.warning("push to %s: try %d of %d: %s", urlsplit(subscription.endpoint).netloc,
                     number + 1, len(TRIES_APART), error)  # fmt: skip
    gone = status in (404, 410)
    if gone:
        subscription.delete()
    else:
        PushSubscription.objects.filter(id=subscription.id).update(
            last_sent_at=datetime.now(UTC), last_status=status
        )
    return Delivery(subscription.endpoint, status, gone, error)


def payload(*, title: str, body: str, url: str) -> str:
    """What the service worker shows: a title, one line, and where a tap leads."""
    return json.dumps({"title": title, "body": body, "url": url}, separators=(",", ":"))


_sessions = threading.local()


def kept_session() -> Any:
    """This thread's HTTP session: one connection a push service, kept alive from one push to
    the next (a new TCP connection, and for a real push service a TLS handshake, per push
    would cost more than the push itself). A connection the service closed is opened again,
    and a push that failed on it is tried again (TRIES_APART)."""
    session = getattr(_sessions, "session", None)
    if session is None:
        import requests

        session = _sessions.session = requests.Session()
    return session


def send(
    user: Any, *, title: str, body: str, url: str,
    subscriptions: list[PushSubscription] | None = None,
) -> list[Delivery]:  # fmt: skip
    """One push to each of `user`'s subscriptions (`subscriptions`, when the caller read them
    already); what each push service answered. Nothing is sent while push is off. `title` and
    `body` are shown on a lock screen: say only that something is waiting
    (notification_title(), "You have a new message"), never what."""
    if not enabled():
        return []
    message = payload(title=title, body=body, url=url)
    found = PushSubscription.objects.filter(user=user) if subscriptions is None else subscriptions
    return [push_to(sub, message, session=kept_session()) for sub in found]
