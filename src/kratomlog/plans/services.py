"""Setting plans: a new version from a start day, the old ones kept; undo withdraws the newest."""

from datetime import date, datetime
from pathlib import Path

from django.db import transaction

from kratomlog.core.days import local_day, parse_day, zone
from kratomlog.core.errors import InputError
from kratomlog.core.plan import (
    PRESETS,
    Plan,
    PlanHistory,
    plan_from_dict,
    plan_from_toml,
    preset_plan,
    taper_plan,
)
from kratomlog.journal.models import Change, Person
from kratomlog.plans.models import PlanVersion


def plan_history(person: Person) -> PlanHistory:
    versions = person.plan_versions.filter(withdrawn=False).order_by("set_at", "id")
    return PlanHistory([stored_plan(version) for version in versions])


def stored_plan(version: PlanVersion) -> Plan:
    return plan_from_dict(
        {
            "name": version.name,
            "start": version.start.isoformat(),
            "rules": version.rules,
            "source": version.source or None,
            "evidence": version.evidence or None,
        }
    )


def start_day(person: Person, start: str | None, now: datetime) -> date:
    if start is None:
        return local_day(now, zone(person.timezone))
    return parse_day(start, "--start")


def read_plan(person: Person, preset_or_file: str, start: str | None, now: datetime) -> Plan:
    """A preset by name, or a TOML plan file; --start wins over the file's own start."""
    default_start = start_day(person, start, now)
    if preset_or_file in PRESETS:
        return preset_plan(preset_or_file, default_start)
    path = Path(preset_or_file)
    if not path.is_file():
        raise InputError(
            "PRESET|FILE",
            f"{preset_or_file!r} is neither a preset ({', '.join(PRESETS)}) nor a plan file",
        )
    plan = plan_from_toml(path.read_text(encoding="utf-8"), default_start)
    if start is not None:
        plan = Plan(plan.name, default_start, plan.rules, plan.source, plan.evidence)
    return plan


@transaction.atomic
def save_plan(
    person: Person,
    plan: Plan,
    now: datetime,
    set_by: str = "",
    set_by_user_id: int | None = None,
) -> PlanVersion:
    """Save `plan` as the newest version; `set_by` names a clinician who set it (else: self)."""
    stored = plan.as_dict()
    version = PlanVersion.objects.create(
        person=person,
        name=plan.name,
        start=plan.start,
        rules=stored["rules"],
        source=plan.source or "",
        evidence=plan.evidence or "",
        set_at=now,
        set_by=set_by,
        set_by_user_id=set_by_user_id,
    )
    Change.objects.create(
        person=person,
        at=now,
        action="plan",
        summary=f"set plan {plan.name!r} from {plan.start}",
        after={"plan_version": str(version.uid)},
    )
    return version


def set_plan(
    *, person: Person, preset_or_file: str, now: datetime, start: str | None = None
) -> Plan:
    plan = read_plan(person, preset_or_file, start, now)
    save_plan(person, plan, now)
    return plan


def build_taper(
    *,
    person: Person,
    start_grams: float,
    step: str,
    every_days: int,
    floor_grams: float | None,
    now: datetime,
    start: str | None = None,
    save: bool = True,
) -> Plan:
    plan = taper_plan(start_grams, step, every_days, floor_grams, start_day(person, start, now))
    if save:
        save_plan(person, plan, now)
    return plan


def plan_versions(person: Person) -> list[PlanVersion]:
    return list(person.plan_versions.order_by("start", "set_at", "id"))


def version_in_force(person: Person, day: date) -> PlanVersion | None:
    """The stored version PlanHistory.in_force(day) reads: the latest start on or before `day`,
    and of the versions with that start the one set last (for who set it, and when)."""
    live = person.plan_versions.filter(withdrawn=False, start__lte=day)
    start = live.order_by("-start").values_list("start", flat=True).first()
    if start is None:
        return None
    return live.filter(start=start).order_by("-set_at", "-id").first()
