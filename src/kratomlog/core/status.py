"""Where a person stands at a moment: the one result every shell renders."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from kratomlog.core import rules as r
from kratomlog.core import signals
from kratomlog.core.breaches import Breach, find_breaches
from kratomlog.core.course import Stop
from kratomlog.core.days import local_day
from kratomlog.core.interactions import MAGNESIUM_UPPER_LIMIT_MG
from kratomlog.core.journal import UseIndex
from kratomlog.core.next_use import next_use_allowed
from kratomlog.core.plan import Plan, PlanHistory
from kratomlog.core.signals import Signal
from kratomlog.core.sources import NIH_ODS_MAGNESIUM_UL
from kratomlog.core.taper import allowance_on


@dataclass(frozen=True)
class Totals:
    use_days_last_7: int
    use_days_last_30: int
    grams_last_7: float
    grams_last_30: float
    grams_today: float
    doses_last_7: int
    doses_last_30: int


@dataclass(frozen=True)
class RuleToday:
    rule: str
    kept: bool
    text: str


@dataclass(frozen=True)
class Status:
    as_of: datetime
    timezone: str
    plan: Plan | None
    today: date
    rules_today: list[RuleToday]
    breaches: list[Breach]
    next_use_allowed: datetime | None
    totals: Totals
    magnesium_today_mg: float
    days_since_last_use: int | None
    signals: list[Signal]
    taper_allowance_today: float | None = None  # grams, when a taper is in force
    stop: Stop | None = None  # a stop in progress (48 hours without a dose after frequent use)

    def as_dict(self, with_breaches: bool = True) -> dict[str, Any]:
        """The stable JSON form; without the breach list where only its length is wanted."""
        from kratomlog.core.today_left import today_left  # it reads a Status

        tz = ZoneInfo(self.timezone)
        return {
            "as_of": self.as_of.astimezone(tz).isoformat(),
            "timezone": self.timezone,
            "plan": self.plan.as_dict() if self.plan else None,
            "today": [vars(rule) for rule in self.rules_today],
            "breaches": [breach.as_dict() for breach in self.breaches] if with_breaches else None,
            "breach_count": len(self.breaches),
            "next_use_allowed": (
                self.next_use_allowed.astimezone(tz).isoformat() if self.next_use_allowed else None
            ),
            "today_left": today_left(self).as_dict(),
            "totals": {
                key: round(value, 3) if isinstance(value, float) else value
                for key, value in vars(self.totals).items()
            },
            "magnesium": {
                "today_elemental_mg": round(self.magnesium_today_mg, 1),
                "upper_limit_mg": MAGNESIUM_UPPER_LIMIT_MG,
                "over_limit": self.magnesium_today_mg > MAGNESIUM_UPPER_LIMIT_MG,
                "source": str(NIH_ODS_MAGNESIUM_UL),
            },
            "days_since_last_use": self.days_since_last_use,
            "signals": [signal.as_dict() for signal in self.signals],
            "stop": self.stop.as_dict(self.today) if self.stop else None,
        }


def judge(
    as_of: datetime,
    timezone: str,
    history: PlanHistory,
    journal: UseIndex,
    magnesium_today_mg: float,
    recovery: tuple[Stop | None, Sequence[Signal]] = (None, ()),
    recorded_from: date | None = None,
    judged_from: date | None = None,
) -> Status:
    """`journal` holds the doses up to `as_of`; `magnesium_today_mg` those of as_of's local day;
    `recovery` the stop in progress and the signals read from check-ins (self-harm first);
    `recorded_from` the first day of recorded history (default: the first dose's);
    `judged_from`: breaches are found from this day on, not from the plan's start (a caller
    that read only the recent journal: see standing.status_and_recent)."""
    tz = ZoneInfo(timezone)
    today = local_day(as_of, tz)
    plan = history.in_force(today)
    breaches: list[Breach] = []
    if plan:
        first = max(plan.start, judged_from) if judged_from else plan.start
        breaches = find_breaches(history, journal, first, today)
    name = plan.name if plan else None
    on_break = plan is not None and any(
        isinstance(rule, r.NoUse) and today < plan.start + timedelta(days=rule.days)
        for rule in plan.rules
    )
    found = [
        signals.loss_of_control(breaches, name, on_break),
        signals.escalation(journal, today, recorded_from, name),
        signals.frequent_use(journal, today, name),
    ]
    last = journal.last_dose
    return Status(
        as_of=as_of,
        timezone=timezone,
        plan=plan,
        today=today,
        rules_today=[_rule_today(rule, plan, today, journal) for rule in plan.rules]
        if plan
        else [],
        breaches=breaches,
        next_use_allowed=next_use_allowed(history, journal, as_of, tz),
        totals=_totals(journal, today),
        magnesium_today_mg=magnesium_today_mg,
        days_since_last_use=(today - last.day).days if last else None,
        signals=[*recovery[1], *(signal for signal in found if signal)],
        stop=recovery[0],
        taper_allowance_today=(
            allowance_on(plan.taper, plan.start, today) if plan and plan.taper else None
        ),
    )


def _totals(journal: UseIndex, today: date) -> Totals:
    week, month = today - timedelta(days=6), today - timedelta(days=29)
    return Totals(
        use_days_last_7=journal.use_days_between(week, today),
        use_days_last_30=journal.use_days_between(month, today),
        grams_last_7=journal.grams_between(week, today),
        grams_last_30=journal.grams_between(month, today),
        grams_today=journal.grams_on(today),
        doses_last_7=journal.doses_between(week, today),
        doses_last_30=journal.doses_between(month, today),
    )


def _rule_today(rule: r.Rule, plan: Plan, today: date, journal: UseIndex) -> RuleToday:
    """How today stands against one rule, in a sentence."""
    used = journal.grams_on(today)
    if isinstance(rule, r.MaxUseDays):
        count = journal.use_days_between(today - timedelta(days=rule.window_days - 1), today)
        return RuleToday(
            rule.id,
            count <= rule.max,
            f"{count} use day{'s' if count != 1 else ''} in the last "
            f"{rule.window_days} days ({rule.describe()})",
        )
    if isinstance(rule, r.MaxGramsPerDose):
        largest = max((dose.grams for dose in journal.doses_by_day.get(today, [])), default=0.0)
        return RuleToday(
            rule.id,
            largest <= rule.max_grams + 1e-9,
            f"largest dose today {r.grams(largest)} ({rule.describe()})",
        )
    if isinstance(rule, r.MaxGramsPerDay):
        return RuleToday(
            rule.id,
            used <= rule.max_grams + 1e-9,
            f"{r.grams(used)} today of {r.grams(rule.max_grams)}",
        )
    if isinstance(rule, r.MinHoursBetweenDoses):
        return RuleToday(rule.id, True, rule.describe())
    if isinstance(rule, r.MaxConsecutiveUseDays):
        streak = journal.streak_ending(today)
        return RuleToday(
            rule.id,
            streak <= rule.max,
            f"{streak} use day{'s' if streak != 1 else ''} in a row ({rule.describe()})",
        )
    if isinstance(rule, r.NoUse):
        day_number = (today - plan.start).days + 1
        if day_number > rule.days:
            return RuleToday(rule.id, True, f"the {rule.days} days without use are over")
        return RuleToday(
            rule.id, not journal.is_use_day(today), f"day {day_number} of {rule.days} without use"
        )
    assert isinstance(rule, r.Taper)
    allowed = allowance_on(rule, plan.start, today)
    return RuleToday(
        rule.id, used <= allowed + 1e-9, f"{r.grams(used)} today of the taper's {r.grams(allowed)}"
    )
