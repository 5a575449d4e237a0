"""A plan not yet saved, judged against the journal: what it would do to today."""

from datetime import datetime

from kratomlog import standing
from kratomlog.core.plan import Plan, PlanHistory
from kratomlog.core.plan_change import what_changes
from kratomlog.journal.models import Person
from kratomlog.plans.services import plan_history


def preview_plan(person: Person, plan: Plan, now: datetime) -> list[str]:
    history = plan_history(person)
    before = standing.status(person, now)
    after = standing.status(person, now, PlanHistory([*history.plans, plan]))
    return what_changes(before, after, plan)
