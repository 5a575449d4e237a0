"""The taper review of a person's plan: the journal's records handed to core.taper_review."""

from datetime import datetime
from typing import Any

from kratomlog.checkins.queries import live_checkins, live_nights
from kratomlog.checkins.services import night_of
from kratomlog.core.days import local_day, zone
from kratomlog.core.plan import Plan
from kratomlog.core.sources import DOSE_ADJUSTMENT
from kratomlog.core.taper_review import Checkin, Note, StepReview, review, taper_course
from kratomlog.journal import queries
from kratomlog.journal.models import Person
from kratomlog.plans.services import plan_history


def taper_in_review(person: Person, now: datetime) -> Plan | None:
    """The taper in force today, else the latest plan with a taper that has begun."""
    today = local_day(now, zone(person.timezone))
    history = plan_history(person)
    found = history.in_force(today)
    if found is not None and found.taper is not None:
        return found
    begun = [plan for plan in history.plans if plan.taper is not None and plan.start <= today]
    return begun[-1] if begun else None


def taper_review(person: Person, now: datetime) -> tuple[Plan | None, list[StepReview]]:
    """The plan in review and every step of its taper, with those of the versions it was held
    or stepped back from."""
    plan = taper_in_review(person, now)
    if plan is None:
        return None, []
    today = local_day(now, zone(person.timezone))
    earlier = taper_course(plan_history(person), plan)
    began = earlier[0].start if earlier else plan.start
    checks = live_checkins(person, now).filter(local_day__gte=began)
    checkins = [Checkin(day, key, total) for day, key, total in checks.values_list(
        "local_day", "instrument", "total"
    )]  # fmt: skip
    nights = [night_of(diary) for diary in live_nights(person).filter(night__gte=began)]
    entry_notes = (
        queries.live_entries(person)
        .filter(local_day__gte=began, taken_at__lte=now)
        .exclude(note="")
        .values_list("local_day", "note")
    )
    notes = [Note(day, text) for day, text in entry_notes]
    notes += [
        Note(day, text) for day, text in checks.exclude(note="").values_list("local_day", "note")
    ]
    journal = queries.use_index(person, now)
    return plan, review(plan, journal, checkins, nights, notes, today, earlier)


def review_document(plan: Plan | None, steps: list[StepReview]) -> dict[str, Any]:
    """The review as `kratomlog plan review --json` and the API give it."""
    return {
        "plan": plan.name if plan else None,
        "source": DOSE_ADJUSTMENT.citation,
        "steps": [step.as_dict() for step in steps],
    }
