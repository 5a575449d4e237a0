"""Who may call an endpoint, decided before its body is read: a bearer token of the right role.

No token or a bad one: 401. A good token of another role: 404, exactly as for an address that
does not exist, and before the body is parsed, so a probe learns nothing from a 400 or 422.
"""

from datetime import UTC, datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja.security import HttpBearer

from kratomlog.clinic import audit, tokens
from kratomlog.clinic.models import CLINICIAN
from kratomlog.clinic.policy import patient_for_clinician, role_of


class Bearer(HttpBearer):
    """An API token (`Authorization: Bearer klc_...`); tokens.user_for audits each use."""

    def __init__(self, *roles: str, patient_in_path: bool = False) -> None:
        super().__init__()
        self.roles = roles  # none: any signed-in user
        # The path names a patient ({patient_id}): the caller must be allowed to see them now.
        self.patient_in_path = patient_in_path

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        now, address = datetime.now(UTC), audit.client_address(request)
        user = tokens.user_for(token, now, address, audit_use=False)
        if user is None:
            return None
        request.token_use = (user, address, now)  # type: ignore[attr-defined]
        if self.roles and role_of(user) not in self.roles:
            raise Http404
        if self.patient_in_path:
            match = request.resolver_match
            patient_for_clinician(user, match.kwargs.get("patient_id", "") if match else "")
        request.user = user
        request.api_token = token  # type: ignore[attr-defined]  # for DELETE /me/token
        return user


def account_for_use(request: HttpRequest) -> None:
    """This request's own audit row (a patient's write) stands for its token's use: one row a
    request, not two (each row is a turn of that person's chain and its lock)."""
    request.token_use = None  # type: ignore[attr-defined]


def audit_token_use(request: HttpRequest) -> None:
    """After the endpoint: the token's use, unless a row of the request's own accounted for it.
    Written even when the endpoint failed, so every use is in the log."""
    use = getattr(request, "token_use", None)
    if use is not None:
        request.token_use = None  # type: ignore[attr-defined]
        tokens.audit_token_use(*use)


# A clinician of the patient named in the path, who consents now.
OF_PATIENT = Bearer(CLINICIAN, patient_in_path=True)
