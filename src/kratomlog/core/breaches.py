"""Judging a journal against plans: every breach, each day judged by the plan then in force.

The evidence a rule reads is the whole journal, not only the days under the plan: a window of
"1 use day in any 7" that starts before the plan's start still counts the use days in it.
"""

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from math import ceil
from operator import attrgetter
from typing import Any, NamedTuple

from kratomlog.core import rules as r
from kratomlog.core.journal import UseIndex
from kratomlog.core.plan import Plan, PlanHistory
from kratomlog.core.taper import allowance_on

# Grams are summed as floats; a total equal to a limit must not count as above it.
TOLERANCE = 1e-9


class Breach(NamedTuple):
    """A tuple, not a dataclass: a long plan can hold thousands, all built on every status."""

    rule: str
    kind: str
    severity: str
    day: date
    entries: tuple[int, ...]
    plan: str
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "kind": self.kind,
            "severity": self.severity,
            "day": self.day.isoformat(),
            "entries": list(self.entries),
            "plan": self.plan,
            "detail": self.detail,
        }


Judge = Callable[[Any, Plan, date, date, UseIndex], Iterator[Breach]]


def find_breaches(history: PlanHistory, journal: UseIndex, first: date, last: date) -> list[Breach]:
    """Every breach on the days from `first` to `last` (both included), in day order."""
    found: list[Breach] = []
    for plan, lo, hi in history.periods(first, last):
        judged = [b for rule in plan.rules for b in JUDGES[rule.kind](rule, plan, lo, hi, journal)]
        found.extend(_after_set(plan, judged, journal) if plan.judged_from else judged)
    # attrgetter, not a lambda: a long plan sorts thousands on every status.
    return sorted(found, key=attrgetter("day", "entries", "rule"))


def reach_days(history: PlanHistory, first: date) -> int:
    """How many days before `first` the rules in force from `first` on read doses from: a
    journal read from `first` minus this judges every day from `first` as the whole journal
    does (a window of use days, a run of use days up to its limit, the dose before a gap)."""
    reach = 0
    for plan, _, _ in history.periods(first, date.max):
        for rule in plan.rules:
            if isinstance(rule, r.MaxUseDays):
                reach = max(reach, rule.window_days - 1)
            elif isinstance(rule, r.MaxConsecutiveUseDays):
                reach = max(reach, rule.max)
            elif isinstance(rule, r.MinHoursBetweenDoses):
                # Local days: a dose's day can lie a day off its UTC day either way.
                reach = max(reach, ceil(rule.hours / 24) + 2)
    return reach


def _after_set(plan: Plan, judged: list[Breach], journal: UseIndex) -> list[Breach]:
    """The breaches a dose taken once the plan was set takes part in: a plan judges nothing
    from before it existed, and a dose after it is judged with the day's earlier ones."""
    assert plan.judged_from is not None
    set_at = plan.judged_from
    # A local day more than a day after the UTC day it was set on holds only later doses.
    late = set_at.date() + timedelta(days=1)
    taken_after = {dose.id for dose in journal.doses_in(plan.start, late) if dose.at >= set_at}
    return [
        breach
        for breach in judged
        if breach.day > late or any(i in taken_after for i in breach.entries)
    ]


def _breach(rule: r.Rule, plan: Plan, day: date, entries: tuple[int, ...], detail: str) -> Breach:
    return Breach(rule.id, rule.kind, rule.severity, day, entries, plan.name, detail)


def _ids(journal: UseIndex, day: date) -> tuple[int, ...]:
    return journal.ids_by_day[day]


def max_use_days(
    rule: r.MaxUseDays, plan: Plan, lo: date, hi: date, journal: UseIndex
) -> Iterator[Breach]:
    rule_text = rule.describe()
    for day in journal.use_days_in(lo, hi):
        count = journal.use_days_between(day - timedelta(days=rule.window_days - 1), day)
        if count > rule.max:
            yield _breach(
                rule,
                plan,
                day,
                _ids(journal, day),
                f"{count} use days in the {rule.window_days} days to {day}; {rule_text}",
            )


def max_grams_per_dose(
    rule: r.MaxGramsPerDose, plan: Plan, lo: date, hi: date, journal: UseIndex
) -> Iterator[Breach]:
    rule_text = rule.describe()
    for dose in journal.doses_in(lo, hi):
        if dose.grams > rule.max_grams + TOLERANCE:
            yield _breach(
                rule,
                plan,
                dose.day,
                (dose.id,),
                f"a dose of {r.grams(dose.grams)}; {rule_text}",
            )


def max_grams_per_day(
    rule: r.MaxGramsPerDay, plan: Plan, lo: date, hi: date, journal: UseIndex
) -> Iterator[Breach]:
    rule_text = rule.describe()
    for day in journal.use_days_in(lo, hi):
        total = journal.grams_on(day)
        if total > rule.max_grams + TOLERANCE:
            yield _breach(
                rule,
                plan,
                day,
                _ids(journal, day),
                f"{r.grams(total)} on the day; {rule_text}",
            )


def min_hours_between_doses(
    rule: r.MinHoursBetweenDoses, plan: Plan, lo: date, hi: date, journal: UseIndex
) -> Iterator[Breach]:
    rule_text = rule.describe()
    doses = journal.doses
    for position, dose in enumerate(doses):
        if not lo <= dose.day <= hi or position == 0:
            continue
        before = doses[position - 1]
        gap = (dose.at - before.at).total_seconds() / 3600
        if gap < rule.hours:
            yield _breach(
                rule,
                plan,
                dose.day,
                (before.id, dose.id),
                f"{gap:.1f} hours after the previous dose; {rule_text}",
            )


def max_consecutive_use_days(
    rule: r.MaxConsecutiveUseDays, plan: Plan, lo: date, hi: date, journal: UseIndex
) -> Iterator[Breach]:
    rule_text = rule.describe()
    for day in journal.use_days_in(lo, hi):
        streak = journal.streak_ending(day)
        if streak > rule.max:
            yield _breach(
                rule, plan, day, _ids(journal, day), f"use day {streak} in a row; {rule_text}"
            )


def no_use(rule: r.NoUse, plan: Plan, lo: date, hi: date, journal: UseIndex) -> Iterator[Breach]:
    ends = plan.start + timedelta(days=rule.days - 1)
    for day in journal.use_days_in(max(lo, plan.start), min(hi, ends)):
        yield _breach(
            rule,
            plan,
            day,
            _ids(journal, day),
            f"use on day {(day - plan.start).days + 1} of {rule.days} without use",
        )


def taper(rule: r.Taper, plan: Plan, lo: date, hi: date, journal: UseIndex) -> Iterator[Breach]:
    for day in journal.use_days_in(lo, hi):
        allowed = allowance_on(rule, plan.start, day)
        total = journal.grams_on(day)
        if total > allowed + TOLERANCE:
            yield _breach(
                rule,
                plan,
                day,
                _ids(journal, day),
                f"{r.grams(total)} on the day; the taper allows {r.grams(allowed)}",
            )


JUDGES: dict[str, Judge] = {
    "max_use_days": max_use_days,
    "max_grams_per_dose": max_grams_per_dose,
    "max_grams_per_day": max_grams_per_day,
    "min_hours_between_doses": min_hours_between_doses,
    "max_consecutive_use_days": max_consecutive_use_days,
    "no_use": no_use,
    "taper": taper,
}
