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
        user = tokens.user_for(token, datetime.now(UTC), audit.client_address(request))
        if user is None:
            return None
        if self.roles and role_of(user) not in self.roles:
            raise Http404
        if self.patient_in_path:
            match = request.resolver_match
            patient_for_clinician(user, match.kwargs.get("patient_id", "") if match else "")
        request.user = user
        request.api_token = token  # type: ignore[attr-defined]  # for DELETE /me/token
        return user


# A clinician of the patient named in the path, who consents now.
OF_PATIENT = Bearer(CLINICIAN, patient_in_path=True)
