"""What is left today under the plan: the one plain statement Today and `status` both make.

It never reads like an invitation: with nothing left, a break in force or loss of control
showing, it says what the plan allows today and the shells offer no one-tap dose.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from kratomlog.core import rules as r
from kratomlog.core.days import local_day
from kratomlog.core.status import Status
from kratomlog.core.taper import allowance_on

TOLERANCE = 1e-9  # grams: a day at exactly its allowance has nothing left, not -0.0


@dataclass(frozen=True)
class TodayLeft:
    sentence: str
    grams_allowed: float | None  # the tightest gram limit on today; None: no gram limit
    limited_by: str | None  # "taper allowance" or "daily limit"
    grams_left: float | None  # never below 0
    break_until: date | None  # the last day of a no-use period in force today (inclusive)
    dose_now_within_limits: bool
    quiet: bool  # offer no prefilled amount and no one-tap dose

    def as_dict(self) -> dict[str, Any]:
        return {
            "sentence": self.sentence,
            "grams_allowed": _rounded(self.grams_allowed),
            "limited_by": self.limited_by,
            "grams_left": _rounded(self.grams_left),
            "break_until": self.break_until.isoformat() if self.break_until else None,
            "dose_now_within_limits": self.dose_now_within_limits,
            "quiet": self.quiet,
        }


def today_left(status: Status) -> TodayLeft:
    """From `status` alone, so the page, the CLI and the JSON can never disagree."""
    plan, today = status.plan, status.today
    used = status.totals.grams_today
    loss_of_control = any(signal.kind == "loss_of_control" for signal in status.signals)
    if plan is None:
        return TodayLeft(
            "No plan is in force, so no limit counts what you take today.",
            None, None, None, None, True, loss_of_control,
        )  # fmt: skip
    break_until, day_number, break_days = None, 0, 0
    allowances: list[tuple[float, str]] = []
    for rule in plan.rules:
        if rule.severity != "limit":
            continue
        if isinstance(rule, r.NoUse) and today < plan.start + timedelta(days=rule.days):
            break_until = plan.start + timedelta(days=rule.days - 1)
            day_number, break_days = (today - plan.start).days + 1, rule.days
        elif isinstance(rule, r.MaxGramsPerDay):
            allowances.append((rule.max_grams, "daily limit"))
        elif isinstance(rule, r.Taper):
            allowances.append((allowance_on(rule, plan.start, today), "taper allowance"))
    allowed, limited_by = min(allowances) if allowances else (None, None)
    left = max(0.0, allowed - used) if allowed is not None else None
    if left is not None and left < TOLERANCE:
        left = 0.0
    timing_free = status.next_use_allowed == status.as_of
    within = timing_free and break_until is None and (left is None or left > 0)

    if break_until is not None:
        sentence = (
            f"A break is in force: no use today under your plan, day {day_number} of "
            f"{break_days}; it runs to the end of {break_until:%A %-d %B %Y}."
        )
    elif allowed is not None and allowed < TOLERANCE:
        sentence = f"Today's {limited_by} is 0 g: no kratom today under your plan."
    elif left == 0.0:
        sentence = (
            f"Nothing is left today under your {limited_by} of {r.grams(allowed or 0.0)}: "
            f"{r.grams(used)} taken so far."
        )
    elif left is not None:
        sentence = (
            f"{r.grams(left)} left today under your {limited_by} of {r.grams(allowed or 0.0)}."
        )
    else:
        sentence = "Your plan sets no gram limit for today."
    if break_until is None and not timing_free:
        sentence += " " + _timing(status)
    return TodayLeft(
        sentence,
        allowed,
        limited_by,
        left,
        break_until,
        within,
        quiet=not within or loss_of_control,
    )


def _timing(status: Status) -> str:
    if status.next_use_allowed is None:
        return "Your timing limits allow no use within the next ten years."
    tz = ZoneInfo(status.timezone)
    moment = status.next_use_allowed.astimezone(tz)
    day = local_day(moment, tz)
    if moment.hour == 0 and moment.minute == 0:
        return f"Your timing limits allow no use before {day:%A %-d %B}."
    return f"Your timing limits allow no use before {moment:%A %-d %B, %H:%M}."


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
