"""API tokens: random, shown once, stored as SHA-256, with an expiry; every use is audited."""

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction

from kratomlog.clinic import audit, people
from kratomlog.clinic.models import ApiToken
from kratomlog.clinic.policy import role_of
from kratomlog.core.errors import InputError

PREFIX = "klc_"  # recognisable in logs and secret scanners


@transaction.atomic
def issue(user: Any, now: datetime, days: int = 30, address: str | None = None) -> str:
    """A new token for `user`, valid `days` days; the token itself is returned once."""
    if not 1 <= days <= 3653:
        raise InputError("--days", f"{days} is out of range; a whole number of days, 1 to 3653")
    token = PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user,
        token_hash=people.digest(token),
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    audit.record(
        action="token-issued", actor=user, role=role_of(user) or "", what=f"valid {days} days",
        address=address, at=now,
    )  # fmt: skip
    return token


def user_for(token: str, now: datetime, address: str | None = None) -> Any | None:
    """The active user whose live token this is, or None; the use is audited."""
    found = (
        ApiToken.objects.select_related("user", "user__account")
        .filter(token_hash=people.digest(token), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if found is None or not found.user.is_active:
        return None
    ApiToken.objects.filter(id=found.id).update(last_used_at=now)
    audit.record(
        action="token-used", actor=found.user, role=role_of(found.user) or "",
        address=address, at=now,
    )  # fmt: skip
    return found.user


def revoke_all(user: Any, now: datetime) -> int:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
