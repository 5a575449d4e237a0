"""Help now and the person's plan for hard moments: read, set, and what the button shows."""

from dataclasses import dataclass
from typing import Any

from kratomlog.checkins.services import resources
from kratomlog.core import crisis
from kratomlog.core.coping import CopingPlan, plan_from_document
from kratomlog.journal.models import Person


@dataclass(frozen=True)
class HelpNow:
    resources: tuple[crisis.Resource, ...]  # the crisis resources in force
    plan: CopingPlan

    def as_dict(self) -> dict[str, Any]:
        return {
            "crisis_resources": [vars(r) for r in self.resources],
            "coping_plan": self.plan.as_dict(),
        }


def coping_plan(person: Person) -> CopingPlan:
    return plan_from_document(person.coping_plan or {})


def set_coping_plan(person: Person, plan: CopingPlan) -> CopingPlan:
    person.coping_plan = plan.as_dict() if not plan.empty else {}
    person.save(update_fields=["coping_plan"])
    return plan


def help_now(person: Person) -> HelpNow:
    return HelpNow(resources(person), coping_plan(person))
