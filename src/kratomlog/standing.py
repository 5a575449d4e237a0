"""Where a person stands: status, daily history, and what a new entry means."""

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from kratomlog.checkins import signals as checkin_signals
from kratomlog.core.breaches import Breach, find_breaches, reach_days
from kratomlog.core.course import STRETCH_DAYS
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


# What a bounded reading covers besides the rows asked for: status's 30-day totals (the
# escalation signal reads 28 days, frequent use 7).
TOTALS_DAYS = 30


def status_and_recent(
    person: Person,
    as_of: datetime,
    days: int,
    plans: PlanHistory | None = None,
    judged_days: int | None = None,
) -> tuple[Status, list[DayRow]]:
    """Status and the rows of the last `days` days from one reading of the journal (Today).

    `judged_days`: breaches are judged over the last so many days only (not from the plan's
    start), and the journal is read from the earliest day that judgement, the rows and the
    totals need (with the fortnight before the last dose, for a stop in progress): what it
    costs no longer grows with the length of the record (the clinic's standing, on every
    write). None: every breach of the plan in force, from the whole journal."""
    today = local_day(as_of, zone(person.timezone))
    first = today - timedelta(days=days - 1)
    if judged_days is None:
        journal = queries.use_index(person, as_of)
        # The plan in force today is judged from its start: no earlier version is asked for.
        plans = plans if plans is not None else plan_history(person, from_day=first)
        judged_from = start = None
    else:
        judged_from = today - timedelta(days=judged_days - 1)
        start = min(first, judged_from, today - timedelta(days=TOTALS_DAYS - 1))
        plans = plans if plans is not None else plan_history(person, from_day=start)
        since = start - timedelta(days=reach_days(plans, start))
        last = queries.last_dose_day(person, as_of)
        if last is not None:  # a day more: the latest dose in time can fall a local day earlier
            since = min(since, last - timedelta(days=STRETCH_DAYS))
        journal = queries.use_index(person, as_of, since=since)
    magnesium = queries.magnesium_by_day(person, first, today, as_of)
    result = judge(
        as_of,
        person.timezone,
        plans,
        journal,
        magnesium.get(today, 0.0),
        checkin_signals.signals(person, journal, as_of, bounded=judged_days is not None),
        recorded_from=queries.recorded_from(person, after=start),
        judged_from=judged_from,
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
    # Only the plans in force from the first day judged: not every version ever set.
    first = min(entry.local_day, replaced.day) if replaced else entry.local_day
    plans = plan_history(person, from_day=first)
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
    first = min(day, replaced.day) if replaced else day
    today = local_day(now, zone(person.timezone))
    last = max(today, first) + timedelta(days=1)
    if not any(plan.rules for plan, _, _ in plans.periods(first, last)):
        return []  # no rule in force on the days judged: no dose to read
    # The days from `first` are judged: the journal is read from as far before it as the rules
    # look, not from its beginning (a write costs the same on a five-year record).
    after = queries.use_index(person, now, since=first - timedelta(days=reach_days(plans, first)))
    before = UseIndex(
        [dose for dose in after.doses if dose.id != entry_id] + ([replaced] if replaced else [])
    )

    def key(breach: Breach) -> tuple[object, ...]:
        return (breach.plan, breach.rule, breach.day, breach.entries)

    earlier = {key(breach) for breach in find_breaches(plans, before, first, last)}
    return [
        breach
        for breach in find_breaches(plans, after, first, last)
        if entry_id in breach.entries or key(breach) not in earlier
    ]
