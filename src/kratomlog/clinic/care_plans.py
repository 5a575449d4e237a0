"""Plans a clinician sets for a patient: the same plan versions, signed with who set them.

A clinician's plan starts today or later in the patient's zone (the past keeps the plans that
were in force then), and it judges only what was taken once it was set.
"""

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from django.db import transaction

from kratomlog.clinic import audit
from kratomlog.clinic.models import CLINICIAN, Patient
from kratomlog.core.days import local_day, zone
from kratomlog.core.errors import InputError
from kratomlog.core.plan import Plan
from kratomlog.core.rules import grams
from kratomlog.core.taper import TaperStep, schedule
from kratomlog.plans.models import PlanVersion
from kratomlog.plans.preview import preview_plan
from kratomlog.plans.services import save_plan

# Past these a plan is asked about in words before it is set (kratomlog's own choice: a daily
# allowance above 100 g or a taper longer than a year is far more often a typo than meant).
GRAMS_TO_CONFIRM = 100.0
TAPER_DAYS_TO_CONFIRM = 365


def author_name(user: Any) -> str:
    account = getattr(user, "account", None)
    return (account.display_name if account else "") or user.get_username()


def patient_today(patient: Patient, now: datetime) -> date:
    return local_day(now, zone(patient.person.timezone))


def check_start(patient: Patient, plan: Plan, now: datetime) -> None:
    today = patient_today(patient, now)
    if plan.start < today:
        raise InputError(
            "start",
            f"{plan.start:%-d %b %Y} is in the past; a plan you set starts today or later "
            f"(today is {today:%-d %b %Y} in the patient's time zone): the days before keep "
            "the plans that were in force then",
        )


def questions(plan: Plan) -> list[str]:
    """What to ask in words before setting `plan`: values that are allowed but unusual."""
    asked = []
    for rule in plan.rules:
        if rule.kind == "taper" and rule.start_grams_per_day > GRAMS_TO_CONFIRM:  # type: ignore[attr-defined]
            asked.append(
                f"The taper starts at {grams(rule.start_grams_per_day)} a day, "  # type: ignore[attr-defined]
                f"above {GRAMS_TO_CONFIRM:g} g: is that the daily amount you mean?"
            )
        if rule.kind in ("max_grams_per_day", "max_grams_per_dose"):
            most = rule.max_grams  # type: ignore[attr-defined]
            if most > GRAMS_TO_CONFIRM:
                what = "a day" if rule.kind == "max_grams_per_day" else "a dose"
                asked.append(
                    f"The ceiling is {grams(most)} {what}, above {GRAMS_TO_CONFIRM:g} g: "
                    "is that the ceiling you mean?"
                )
    steps = taper_steps(plan)
    if steps and (steps[-1].first_day - plan.start).days > TAPER_DAYS_TO_CONFIRM:
        asked.append(
            f"The taper reaches 0 g on {steps[-1].first_day:%-d %b %Y}, "
            f"{(steps[-1].first_day - plan.start).days} days from its start: over a year. "
            "Is that the length you mean?"
        )
    return asked


def taper_steps(plan: Plan) -> list[TaperStep]:
    return schedule(plan.taper, plan.start) if plan.taper else []


@dataclass(frozen=True)
class Preview:
    """A plan a clinician is about to set, as the page shows it before asking to confirm."""

    plan: Plan
    steps: list[TaperStep]
    effects: list[str]  # what it does to the patient's today
    questions: list[str]


def preview(patient: Patient, plan: Plan, now: datetime) -> Preview:
    check_start(patient, plan, now)
    judged = replace(plan, judged_from=now)
    return Preview(
        plan, taper_steps(plan), preview_plan(patient.person, judged, now), questions(plan)
    )


@transaction.atomic
def set_for_patient(
    clinician: Any, patient: Patient, plan: Plan, now: datetime, address: str | None = None
) -> PlanVersion:
    """Save `plan` for `patient` as set by `clinician` (who must be allowed to see them)."""
    check_start(patient, plan, now)
    version = save_plan(
        patient.person, plan, now, set_by=author_name(clinician), set_by_user_id=clinician.id
    )
    audit.record(
        action="plan", actor=clinician, role=CLINICIAN,
        what=f"set plan {plan.name!r} from {plan.start}", patient=patient, address=address, at=now,
    )  # fmt: skip
    return version


def changed_taper(patient: Patient, now: datetime, hold_days: int | None) -> Plan:
    """The taper in force held `hold_days` more days, or (None) stepped back, from the
    patient's today; not yet set (see plans.services.changed_taper)."""
    from kratomlog.plans.services import changed_taper as changed

    return changed(patient.person, now, hold_days)
