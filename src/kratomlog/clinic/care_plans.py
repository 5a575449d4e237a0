"""Plans a clinician sets for a patient: the same plan versions, signed with who set them."""

from datetime import datetime
from typing import Any

from django.db import transaction

from kratomlog.clinic import audit
from kratomlog.clinic.models import CLINICIAN, Patient
from kratomlog.core.plan import Plan
from kratomlog.plans.models import PlanVersion
from kratomlog.plans.services import save_plan


def author_name(user: Any) -> str:
    account = getattr(user, "account", None)
    return (account.display_name if account else "") or user.get_username()


@transaction.atomic
def set_for_patient(
    clinician: Any, patient: Patient, plan: Plan, now: datetime, address: str | None = None
) -> PlanVersion:
    """Save `plan` for `patient` as set by `clinician` (who must be allowed to see them)."""
    version = save_plan(
        patient.person, plan, now, set_by=author_name(clinician), set_by_user_id=clinician.id
    )
    audit.record(
        action="plan", actor=clinician, role=CLINICIAN,
        what=f"set plan {plan.name!r} from {plan.start}", patient=patient, address=address, at=now,
    )  # fmt: skip
    return version
