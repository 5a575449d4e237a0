"""The staff's second factor: a TOTP authenticator app (django-otp), enrolled by a set-up link.

A device is made unconfirmed when set-up starts and confirmed only when the person types a code
from their app, so a half-finished enrolment never counts as a second factor.
"""

from base64 import b32encode
from dataclasses import dataclass
from datetime import timedelta
from math import ceil
from typing import Any

import segno
from django.utils import timezone
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "authenticator app"


@dataclass(frozen=True)
class Enrolment:
    device: TOTPDevice
    uri: str  # otpauth://totp/...: what the QR code holds
    secret: str  # the same key in base32, in groups of four, for typing by hand
    qr_svg: str  # inline SVG (no image request, nothing for the CSP to refuse)


def confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def enrolment(user: Any) -> Enrolment:
    """The user's unconfirmed device (made on first call, then the same one) and how to add it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    secret = b32encode(device.bin_key).decode()
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return Enrolment(device, device.config_url, grouped, qr_svg(device.config_url))


def qr_svg(text: str, title: str = "QR code for your authenticator app") -> str:
    return str(
        segno.make(text, error="m").svg_inline(
            scale=5, border=2, title=title, svgclass="qr", dark="#000", light="#fff"
        )
    )


def check_code(device: TOTPDevice, code: str) -> bool:
    """Whether `code` (spaces allowed) is the device's current code; wrong codes are throttled."""
    cleaned = "".join(code.split())
    if not cleaned.isdigit():
        return False
    return verify_token(device.user, device.persistent_id, cleaned) is not None


def wait_seconds(device: TOTPDevice) -> int | None:
    """Seconds to wait before another code is checked, after wrong ones (None: no wait).

    django-otp doubles the wait after each wrong code (1, 2, 4... seconds), which makes
    guessing six digits hopeless without locking the person out.
    """
    allowed, _ = device.verify_is_allowed()
    if allowed or device.throttling_failure_timestamp is None:
        return None
    delay = device.get_throttle_factor() * 2 ** (device.throttling_failure_count - 1)
    ready = device.throttling_failure_timestamp + timedelta(seconds=delay)
    return max(1, ceil((ready - timezone.now()).total_seconds()))
