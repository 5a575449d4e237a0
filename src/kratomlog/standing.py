"""Where a person stands: status, daily history, and what a new entry means."""

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from kratomlog.checkins import signals as checkin_signals
from kratomlog.core.breaches import Breach, find_breaches
from kratomlog.core.days import local_day, zone
from kratomlog.core.history import DayRow, daily_rows
from kratomlog.core.interactions import notices_for
from kratomlog.core.journal import Dose, UseIndex
from kratomlog.core.plan import PlanHistory
from kratomlog.core.status import Status, judge
from kratomlog.journal import queries
from kratomlog.journal.models import KRATOM, MAGNESIUM, Person
from kratomlog.plans.services import plan_history

if TYPE_CHECKING:  # status alone never loads the recording side
    from kratomlog.journal.services import Logged


def status(person: Person, as_of: datetime, plans: PlanHistory | None = None) -> Status:
    """The journal judged as of `as_of`: only entries taken by then count. `plans`: the plans
    to judge by (a plan not yet saved, previewed), else those saved."""
    return status_and_recent(person, as_of, days=1, plans=plans)[0]


def status_and_recent(
    person: Person, as_of: datetime, days: int, plans: PlanHistory | None = None
) -> tuple[Status, list[DayRow]]:
    """Status and the rows of the last `days` days from one reading of the journal (Today)."""
    today = local_day(as_of, zone(person.timezone))
    first = today - timedelta(days=days - 1)
    journal = queries.use_index(person, as_of)
    plans = plans if plans is not None else plan_history(person)
    magnesium = queries.magnesium_by_day(person, first, today, as_of)
    result = judge(
        as_of,
        person.timezone,
        plans,
        journal,
        magnesium.get(today, 0.0),
        checkin_signals.signals(person, journal, as_of),
        recorded_from=queries.recorded_from(person),
    )
    return result, daily_rows(first, today, journal, plans, magnesium)


def history(person: Person, first: date, last: date, now: datetime) -> list[DayRow]:
    magnesium = queries.magnesium_by_day(person, first, last, now)
    return daily_rows(first, last, queries.use_index(person, now), plan_history(person), magnesium)


def what_it_means(logged: "Logged", now: datetime, replaced: Dose | None = None) -> "Logged":
    """Fill in the limits an entry breaks and its interactions within 24 hours.

    A breach is reported when it holds the entry, or when it is new because of the entry (a
    backdated dose can lengthen a run of use days that ends today). `replaced` is the dose as
    it was before an edit.
    """
    entry, person = logged.entry, logged.entry.person
    plans = plan_history(person)
    in_force = plans.in_force(entry.local_day)
    if in_force:
        logged.plan = in_force.name
        logged.plan_source = f"{in_force.source} ({in_force.evidence})"
    if entry.substance == KRATOM or replaced is not None:
        logged.breaches = _breaches_from(person, plans, entry.id, entry.local_day, now, replaced)
    magnesium_today = 0.0
    if entry.substance == MAGNESIUM:
        day = entry.local_day
        magnesium_today = queries.magnesium_by_day(person, day, day, now).get(day, 0.0)
    logged.notices = notices_for(
        queries.intake_of(entry), queries.intakes_near(person, entry.taken_at), magnesium_today
    )
    return logged


def _breaches_from(
    person: Person,
    plans: PlanHistory,
    entry_id: int,
    day: date,
    now: datetime,
    replaced: Dose | None,
) -> list[Breach]:
    after = queries.use_index(person, now)
    before = UseIndex(
        [dose for dose in after.doses if dose.id != entry_id] + ([replaced] if replaced else [])
    )
    first = min(day, replaced.day) if replaced else day
    today = local_day(now, zone(person.timezone))
    last = max(today, first) + timedelta(days=1)

    def key(breach: Breach) -> tuple[object, ...]:
        return (breach.plan, breach.rule, breach.day, breach.entries)

    earlier = {key(breach) for breach in find_breaches(plans, before, first, last)}
    return [
        breach
        for breach in find_breaches(plans, after, first, last)
        if entry_id in breach.entries or key(breach) not in earlier
    ]
