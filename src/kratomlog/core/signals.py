"""Signals: loss of control, escalation and frequent use, read from the journal and breaches."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

from kratomlog.core import sources
from kratomlog.core.breaches import Breach
from kratomlog.core.journal import UseIndex

LOSS_OF_CONTROL_WINDOW_DAYS = 30
ESCALATION_GRAMS_RATIO = 1.25
ESCALATION_DAYS_RATIO = 1.5
ESCALATION_MIN_EXTRA_DAYS = 3
ESCALATION_MIN_USE_DAYS = 4
FREQUENT_USE_DAYS = 5  # of the last 7


ABRUPT_STOP = (
    "stopping daily use all at once can bring withdrawal; a clinician can help you plan a "
    "taper instead"
)
HELP_WITH_A_BREAK = (
    "a break that is hard to keep is worth talking over with a clinician, or with SAMHSA's "
    "National Helpline, 1-800-662-4357 (free, 24/7, US; findahelpline.com lists others)"
)


@dataclass(frozen=True)
class Signal:
    kind: str
    since: date
    message: str
    recommendation: str | None  # in words; the shells add how to act on it
    source: str
    preset: str | None = None  # the preset the recommendation names, for a button or command

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "since": self.since.isoformat(),
            "message": self.message,
            "recommendation": self.recommendation,
            "preset": self.preset,
            "source": self.source,
        }


def loss_of_control(
    breaches: Sequence[Breach], plan_name: str | None = None, on_break: bool = False
) -> Signal | None:
    """Limits broken on two or more days within any 30 days, or use during a no-use period.

    `plan_name`: the plan in force, never recommended again; `on_break`: a no-use period is in
    force today, so the record is told as it is and help is named instead of a new plan."""
    # Only lines the person chose not to cross count: a `target` no-use rule is an aim.
    no_use_days = sorted({b.day for b in breaches if b.kind == "no_use" and b.severity == "limit"})
    limit_days = sorted({b.day for b in breaches if b.severity == "limit"})
    pairs = [
        later
        for earlier, later in pairwise(limit_days)
        if (later - earlier).days < LOSS_OF_CONTROL_WINDOW_DAYS
    ]
    candidates = [*pairs, *no_use_days]
    if not candidates:
        return None
    since = min(candidates)
    source = f"{sources.LOSS_OF_CONTROL_RULE}; {sources.SELF_HELP_BREAK}"
    if no_use_days and min(no_use_days) == since:
        count = len(no_use_days)
        message = (
            f"the record shows use on {count} day{'s' if count != 1 else ''} of the period you "
            f"set aside for no use, the latest on {no_use_days[-1]:%A %-d %B}"
        )
    else:
        message = (
            f"limits were broken on two or more days within {LOSS_OF_CONTROL_WINDOW_DAYS} days"
        )
    if on_break or plan_name == "break-90":
        return Signal("loss_of_control", since, message, HELP_WITH_A_BREAK, source)
    return Signal(
        "loss_of_control",
        since,
        message,
        f"a break of at least 90 days (a pause of at least 3 months); {ABRUPT_STOP}",
        source,
        preset="break-90",
    )


def escalation(
    journal: UseIndex, today: date, recorded_from: date | None = None, plan_name: str | None = None
) -> Signal | None:
    """Over the last 28 days: more grams per use day, or many more use days, in the last 14.

    Both halves must lie within recorded history (from `recorded_from`, default the first
    dose): a fortnight before the journal began is unrecorded, not a fortnight without use."""
    recent_first, earlier_first = today - timedelta(days=13), today - timedelta(days=27)
    began = recorded_from or (journal.use_days[0] if journal.use_days else today)
    if earlier_first < began:
        return None
    earlier_last = recent_first - timedelta(days=1)
    recent_days = journal.use_days_between(recent_first, today)
    earlier_days = journal.use_days_between(earlier_first, earlier_last)
    reasons = []
    if recent_days >= ESCALATION_MIN_USE_DAYS and earlier_days >= ESCALATION_MIN_USE_DAYS:
        recent_mean = journal.grams_between(recent_first, today) / recent_days
        earlier_mean = journal.grams_between(earlier_first, earlier_last) / earlier_days
        if recent_mean >= ESCALATION_GRAMS_RATIO * earlier_mean:
            reasons.append(
                f"{recent_mean:.1f} g per use day in the last 14 days against "
                f"{earlier_mean:.1f} g in the 14 before"
            )
    if (
        recent_days >= ESCALATION_DAYS_RATIO * earlier_days
        and recent_days >= earlier_days + ESCALATION_MIN_EXTRA_DAYS
    ):
        reasons.append(
            f"{recent_days} use days in the last 14 against {earlier_days} in the 14 before"
        )
    if not reasons:
        return None
    advice = (
        "tolerance builds with heavy regular use; a limit on use days or grams can hold the line"
    )
    preset: str | None = "occasional"
    if plan_name == "occasional":
        advice, preset = (
            f"{advice}: a limit on grams a day, or a taper, would add to your plan",
            None,
        )
    else:
        advice += ", such as the 'occasional' preset, or a taper"
    return Signal(
        "escalation",
        recent_first,
        "; ".join(reasons),
        advice,
        f"{sources.ESCALATION_RULE}; {sources.SELF_HELP_TOLERANCE}",
        preset,
    )


def frequent_use(journal: UseIndex, today: date, plan_name: str | None = None) -> Signal | None:
    first = today - timedelta(days=6)
    days = journal.use_days_in(first, today)
    if len(days) < FREQUENT_USE_DAYS:
        return None
    advice = (
        "dependence and withdrawal track how often more than how much; fewer use days lower "
        "that risk"
    )
    preset: str | None = None
    if plan_name != "occasional":
        advice, preset = f"{advice}, as the 'occasional' preset sets out", "occasional"
    return Signal(
        "frequent_use",
        days[0],
        f"{len(days)} use days in the last 7",
        f"{advice}; {ABRUPT_STOP}",
        f"{sources.FREQUENT_USE_RULE}; {sources.ROGERS_2024}",
        preset,
    )
