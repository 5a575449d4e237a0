"""A person's API tokens on their own page (the account page for staff, /sharing for patients):
when each was made, last used and expires (never the token), and a button to revoke it."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from kratomlog.clinic import audit, tokens

FIELD = "revoke_token"


def revoke_asked(request: HttpRequest) -> bool:
    return FIELD in request.POST


def revoke_from_form(request: HttpRequest) -> str:
    """Revoke the signed-in person's token the form names; the sentence to show them."""
    user = request.user  # type: ignore[attr-defined]
    text = request.POST.get(FIELD, "")
    if not text.isdigit() or len(text) > 18:
        return "Nothing revoked: that is not one of your tokens."
    if tokens.revoke_one(user, int(text), timezone.now(), by=user,
                         address=audit.client_address(request)):  # fmt: skip
        return "Token revoked: it no longer works, from its next request on."
    return "Nothing revoked: that token is not one of yours, or no longer works."


def listed(user: Any) -> dict[str, Any]:
    """The template's `api_tokens`: the person's tokens that still work, newest first."""
    return {"api_tokens": list(tokens.live(user, timezone.now()))}
