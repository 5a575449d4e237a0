"""API tokens: random, shown once, stored as SHA-256, with an expiry; every use is audited.

A token is revoked by its holder (`DELETE /api/v1/me/token`, which `kratomlog unlink` calls),
by its owner on their account page, by an admin (the admin pages, `clinic token EMAIL
--revoke`), and with every other token of its user when the user is deactivated. A revoked
token answers 401 from the next request on; each revocation is audited.
"""

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


LAST_USED_EVERY = timedelta(minutes=1)


def user_for(
    token: str, now: datetime, address: str | None = None, audit_use: bool = True
) -> Any | None:
    """The active user whose live token this is, or None; the use is audited (here, or by the
    caller when `audit_use` is false: see api_auth.account_for_use)."""
    found = (
        # A patient's record and journal come with the token: every patient endpoint reads
        # them, and here they cost a join rather than two more queries.
        ApiToken.objects.select_related("user", "user__account", "user__patient__person")
        .filter(token_hash=people.digest(token), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if found is None or not found.user.is_active:
        return None
    # "Last used" is shown to the minute: a client writing every second does not rewrite the
    # token's row (one UPDATE and its lock) on every request.
    if found.last_used_at is None or now - found.last_used_at >= LAST_USED_EVERY:
        ApiToken.objects.filter(id=found.id).update(last_used_at=now)
    if audit_use:
        audit_token_use(found.user, address, now)
    return found.user


def audit_token_use(user: Any, address: str | None, now: datetime) -> None:
    audit.record(
        action="token-used", actor=user, role=role_of(user) or "", address=address, at=now
    )


def live(user: Any, now: datetime) -> Any:
    """`user`'s tokens that still work, newest first (the token itself is never kept)."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=now).order_by(
        "-created_at", "-id"
    )


def _audit_revoked(owner: Any, by: Any, count: int, why: str, address: str | None,
                   now: datetime) -> None:  # fmt: skip
    audit.record(
        action="token-revoked", actor=by, role=(role_of(by) or "") if by is not None else "",
        what=f"{count} token{'s' if count != 1 else ''} of {owner.get_username()}: {why}",
        address=address, at=now,
    )  # fmt: skip


@transaction.atomic
def revoke_own(token: str, now: datetime, address: str | None = None) -> bool:
    """Revoke the token presented (its holder gives it up); whether it was live."""
    found = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=people.digest(token), revoked_at__isnull=True)
        .first()
    )
    if found is None or not ApiToken.objects.filter(id=found.id, revoked_at__isnull=True).update(
        revoked_at=now
    ):
        return False
    _audit_revoked(found.user, found.user, 1, "given up by its holder", address, now)
    return True


@transaction.atomic
def revoke_one(owner: Any, token_id: int, now: datetime, by: Any,
               address: str | None = None) -> bool:  # fmt: skip
    """Revoke `owner`'s token `token_id` (on their account page, or an admin's); whether it was."""
    revoked = ApiToken.objects.filter(id=token_id, user=owner, revoked_at__isnull=True).update(
        revoked_at=now
    )
    if revoked:
        why = "revoked by its owner" if by == owner else "revoked by an admin"
        _audit_revoked(owner, by, 1, why, address, now)
    return bool(revoked)


@transaction.atomic
def revoke_all(user: Any, now: datetime, by: Any = None, why: str = "revoked",
               address: str | None = None) -> int:  # fmt: skip
    """Revoke every token of `user` not yet revoked; how many (audited when any)."""
    count = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
    if count:
        _audit_revoked(user, by, count, why, address, now)
    return count


def revoke_when_deactivated(sender: Any, instance: Any, **kwargs: Any) -> None:
    """post_save of a user: a deactivated user's tokens are revoked, wherever it was done."""
    if not instance.is_active and instance.pk is not None:
        from django.utils import timezone

        revoke_all(instance, timezone.now(), why="the account was deactivated")
