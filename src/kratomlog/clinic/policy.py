"""Who may see what: the one place access is decided. Every view, endpoint and export asks here.

A clinician sees the patients of their own teams who consent now; a patient sees their own
journal; an admin manages people and reads the audit log; a researcher sees only their studies'
de-identified data. Whatever is refused answers exactly like what does not exist (404), so a
probe cannot tell a forbidden patient from an unknown one.
"""

from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404

from kratomlog.clinic.models import ADMIN, CLINICIAN, PATIENT, STAFF_ROLES, Patient, Team


def role_of(user: Any) -> str | None:
    """The user's clinic role, or None for anonymous users and users with no account."""
    if user is None or not user.is_authenticated:
        return None
    account = getattr(user, "account", None)
    return account.role if account is not None else None


def is_staff_role(user: Any) -> bool:
    return role_of(user) in STAFF_ROLES


def require_role(user: Any, *roles: str) -> str:
    """The user's role if it is one of `roles`; otherwise 404, as if the page did not exist."""
    role = role_of(user)
    if role not in roles:
        raise Http404
    return role  # type: ignore[return-value]


def visible_patients(user: Any) -> QuerySet[Patient]:
    """The patients whose journals `user` may read now: a clinician's own teams, consenting."""
    if role_of(user) != CLINICIAN:
        return Patient.objects.none()
    return Patient.objects.filter(team__members__user=user, sharing=True).distinct()


def patient_for_clinician(user: Any, public_id: UUID | str) -> Patient:
    """The patient `public_id` if `user` may see them now; otherwise 404 (unknown or not)."""
    try:
        key = public_id if isinstance(public_id, UUID) else UUID(str(public_id))
    except ValueError:
        raise Http404 from None
    patient = visible_patients(user).filter(public_id=key).select_related("person").first()
    if patient is None:
        raise Http404
    return patient


def team_for_clinician(user: Any, team_id: int) -> Team:
    """A team `user` is a clinician of; otherwise 404 (unknown or not theirs)."""
    if role_of(user) != CLINICIAN:
        raise Http404
    team = Team.objects.filter(id=team_id, members__user=user).first()
    if team is None:
        raise Http404
    return team


def teams_of(user: Any) -> QuerySet[Team]:
    """The teams a clinician belongs to (none for any other role)."""
    if role_of(user) != CLINICIAN:
        return Team.objects.none()
    return Team.objects.filter(members__user=user).order_by("name")


def own_patient(user: Any) -> Patient:
    """The signed-in patient's own record; 404 for anyone who is not a patient."""
    require_role(user, PATIENT)
    return user.patient  # type: ignore[no-any-return]


def may_read_audit_log(user: Any) -> bool:
    return role_of(user) == ADMIN


def clinicians_of(patient: Patient) -> QuerySet[Any]:
    """The users who should hear about `patient`: the clinicians of the patient's team."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(
        account__role=CLINICIAN, account__teams=patient.team_id, is_active=True
    )
