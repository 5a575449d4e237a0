"""Every sign-in and failed sign-in goes to the audit log, through Django's own signals.

Signals rather than the sign-in view: Django sends them for every way in (the clinic's page, the
admin, a test client), so none is missed.
"""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.http import HttpRequest

from kratomlog.clinic import audit
from kratomlog.clinic.policy import role_of


def signed_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    audit.record(
        action="sign-in", actor=user, role=role_of(user) or "",
        address=audit.client_address(request),
    )  # fmt: skip


def sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # The email tried is kept (not the password): it shows who is being guessed at.
    audit.record(
        action="sign-in-failed", what=f"as {credentials.get('username', '')}",
        address=audit.client_address(request),
    )  # fmt: skip


def connect() -> None:
    user_logged_in.connect(signed_in, dispatch_uid="clinic-audit-sign-in")
    user_login_failed.connect(sign_in_failed, dispatch_uid="clinic-audit-sign-in-failed")
