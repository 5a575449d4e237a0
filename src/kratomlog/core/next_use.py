"""The earliest moment at which a dose would keep within every timing limit of the plan."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from kratomlog.core import rules as r
from kratomlog.core.days import local_day, start_of_day
from kratomlog.core.journal import UseIndex
from kratomlog.core.plan import PlanHistory

# Beyond this the answer is "not within ten years"; no real plan reaches it.
HORIZON_DAYS = 3660


def next_use_allowed(
    history: PlanHistory, journal: UseIndex, as_of: datetime, tz: ZoneInfo
) -> datetime | None:
    """At or after `as_of`; `journal` holds only doses up to `as_of`.

    Day-based rules free a whole local day from its 00:00; the hours rule frees a moment.
    Targets never hold a dose back, only limits do.
    """
    moment = as_of.astimezone(UTC)
    last = journal.last_dose
    for _ in range(HORIZON_DAYS):
        day = local_day(moment, tz)
        plan = history.in_force(day)
        if plan is None:
            return moment
        earliest, day_blocked = moment, False
        for rule in plan.rules:
            if rule.severity != "limit" or rule.kind not in r.TIMING_KINDS:
                continue
            if isinstance(rule, r.MinHoursBetweenDoses):
                if last is not None:
                    earliest = max(earliest, last.at + timedelta(hours=rule.hours))
            elif _blocks_day(rule, plan.start, day, journal):
                day_blocked = True
        if day_blocked:
            moment = max(moment, start_of_day(day + timedelta(days=1), tz))
        elif local_day(earliest, tz) != day:
            moment = earliest
        else:
            return earliest
    return None


def _blocks_day(rule: r.Rule, plan_start: date, day: date, journal: UseIndex) -> bool:
    """Would a dose on `day` break `rule`? A day already used counts once."""
    used = journal.is_use_day(day)
    if isinstance(rule, r.NoUse):
        return plan_start <= day < plan_start + timedelta(days=rule.days)
    if isinstance(rule, r.MaxUseDays):
        window_start = day - timedelta(days=rule.window_days - 1)
        count = journal.use_days_between(window_start, day) + (0 if used else 1)
        return count > rule.max
    if isinstance(rule, r.MaxConsecutiveUseDays):
        yesterday = day - timedelta(days=1)
        streak = journal.streak_ending(day) if used else journal.streak_ending(yesterday) + 1
        return streak > rule.max
    return False
