"""Setting plans: a new version from a start day, the old ones kept; undo withdraws the newest."""

from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

from django.db import connection, transaction

from kratomlog.core.bounds import MAX_SPAN_DAYS, check_day
from kratomlog.core.days import local_day, parse_day, zone
from kratomlog.core.errors import InputError
from kratomlog.core.plan import (
    EARLIER_NAMES,
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


def versions_from(person: Person, from_day: date | None = None):  # type: ignore[no-untyped-def]
    """The live plan versions that can be in force on `from_day` or later (all when None): those
    starting from it on, and those of the latest start before it (the one set last wins), in
    the order they were set.

    Every status and every write reads the plans; reading every version ever set made a patient
    whose old plan held 10,000 rules slow on each request long after a one-rule plan replaced it
    (each old version was read and parsed rule by rule, though no day asked for it)."""
    if from_day is None:
        return person.plan_versions.filter(withdrawn=False).order_by("set_at", "id")
    # Every dose logged asks this (in the clinic, each API write): written out, the query costs
    # its process 0.12 ms rather than the 0.69 ms of building the same OR and subquery through
    # the ORM, about a twentieth of a write's CPU in all.
    table = connection.ops.quote_name(PlanVersion._meta.db_table)
    return PlanVersion.objects.raw(
        f"SELECT * FROM {table} WHERE person_id = %s AND NOT withdrawn AND (start >= %s OR start ="
        f" (SELECT MAX(start) FROM {table} WHERE person_id = %s AND NOT withdrawn AND start < %s))"
        " ORDER BY set_at, id",
        [person.id, from_day, person.id, from_day],
    )


def plan_history(person: Person, from_day: date | None = None) -> PlanHistory:
    """The plan versions in force from `from_day` on (every one when None); one stored before
    plans were checked that no longer reads as a plan (a window of a billion days) is left out
    rather than fail every status."""
    plans = []
    for version in versions_from(person, from_day):
        try:
            plans.append(stored_plan(version))
        except (InputError, KeyError, TypeError, ValueError, AttributeError):
            continue
    return PlanHistory(plans)


def stored_plan(version: PlanVersion) -> Plan:
    """A clinician's plan judges only what was taken once it was set (a person's own plan,
    which they may start in the past, judges every day it is in force). `set_by` names the
    clinician on the clinic and in a local journal that brought the plan back by sync."""
    plan = plan_from_dict(
        {
            "name": version.name,
            "start": version.start.isoformat(),
            "rules": version.rules,
            "source": version.source or None,
            "evidence": version.evidence or None,
        }
    )
    if not version.set_by:
        return plan
    return replace(plan, judged_from=version.set_at)


def start_day(person: Person, start: str | None, now: datetime) -> date:
    today = local_day(now, zone(person.timezone))
    if start is None:
        return today
    return check_start(parse_day(start, "--start"), today, "--start")


def check_start(day: date, today: date, field: str) -> date:
    """A plan starts between 1970 and ten years from today."""
    return check_day(day, field, today + timedelta(days=MAX_SPAN_DAYS))


def read_plan(person: Person, preset_or_file: str, start: str | None, now: datetime) -> Plan:
    """A preset by name, or a TOML plan file; --start wins over the file's own start."""
    default_start = start_day(person, start, now)
    if preset_or_file in PRESETS or preset_or_file in EARLIER_NAMES:
        return preset_plan(preset_or_file, default_start)
    path = Path(preset_or_file)
    try:
        if not path.is_file():
            raise InputError(
                "PRESET|FILE",
                f"{preset_or_file!r} is neither a preset ({', '.join(PRESETS)}) nor a plan file",
            )
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError("PRESET|FILE", f"{path} is not a plan file (TOML is UTF-8 text)") from None
    except OSError as error:
        raise InputError("PRESET|FILE", f"cannot read {path} ({error.strerror})") from None
    return plan_from_text(person, text, start, now)


def plan_from_text(person: Person, text: str, start: str | None, now: datetime) -> Plan:
    """A plan file's text (TOML); --start wins over the file's own start."""
    default_start = start_day(person, start, now)
    plan = plan_from_toml(text, default_start)
    if start is not None:
        plan = Plan(plan.name, default_start, plan.rules, plan.source, plan.evidence)
    check_start(plan.start, local_day(now, zone(person.timezone)), "start")
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


def preset_to_set(*, person: Person, name: str, now: datetime, start: str | None = None) -> Plan:
    """A preset by name only (the web): never a file on this computer. Not yet saved."""
    if name not in PRESETS and name not in EARLIER_NAMES:
        raise InputError("preset", f"{name!r} is not a preset; choose {', '.join(PRESETS)}")
    return preset_plan(name, start_day(person, start, now))


def set_preset(*, person: Person, name: str, now: datetime, start: str | None = None) -> Plan:
    plan = preset_to_set(person=person, name=name, now=now, start=start)
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


def changed_taper(person: Person, now: datetime, hold_days: int | None) -> Plan:
    """Today's taper held `hold_days` more days, or (None) stepped back; not yet saved. The plan
    in force today is changed from today; a step back from the first step of a plan that was
    itself a hold or a step back goes to the allowance in force before that plan began."""
    from kratomlog.core.taper import allowance_on
    from kratomlog.core.taper_change import hold, step_back

    today = local_day(now, zone(person.timezone))
    history = plan_history(person)
    current = history.in_force(today)
    field = "days" if hold_days is not None else "step back"
    if current is None or current.taper is None:
        raise InputError(field, "no taper is in force today; there is no step to change")
    if hold_days is not None:
        return hold(current, today, hold_days)
    before = history.in_force(current.start - timedelta(days=1))
    earlier = (
        allowance_on(before.taper, before.start, current.start - timedelta(days=1))
        if before is not None and before.taper is not None
        else None
    )
    return step_back(current, today, earlier)
