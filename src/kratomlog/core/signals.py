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


@dataclass(frozen=True)
class Signal:
    kind: str
    since: date
    message: str
    recommendation: str | None
    source: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "since": self.since.isoformat(),
            "message": self.message,
            "recommendation": self.recommendation,
            "source": self.source,
        }


def loss_of_control(breaches: Sequence[Breach]) -> Signal | None:
    """Limits broken on two or more days within any 30 days, or use during a no-use period."""
    no_use_days = [b.day for b in breaches if b.kind == "no_use"]
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
    if no_use_days and min(no_use_days) == since:
        message = "you used during a period you had set aside for no use"
    else:
        message = (
            f"limits were broken on two or more days within {LOSS_OF_CONTROL_WINDOW_DAYS} days"
        )
    return Signal(
        "loss_of_control",
        since,
        message,
        "stop for at least 90 days (a pause of at least 3 months, seed 004): "
        "kratomlog plan set break-90",
        str(sources.SEED_004_BREAK),
    )


def escalation(journal: UseIndex, today: date) -> Signal | None:
    """Over the last 28 days: more grams per use day, or many more use days, in the last 14."""
    recent_first, earlier_first = today - timedelta(days=13), today - timedelta(days=27)
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
    return Signal(
        "escalation",
        recent_first,
        "; ".join(reasons),
        "tolerance builds with heavy regular use; a limit on use days or grams can hold the "
        "line: kratomlog plan set occasional, or a taper (kratomlog plan taper)",
        f"{sources.ESCALATION_RULE}; {sources.SEED_004_TOLERANCE}",
    )


def frequent_use(journal: UseIndex, today: date) -> Signal | None:
    first = today - timedelta(days=6)
    days = journal.use_days_in(first, today)
    if len(days) < FREQUENT_USE_DAYS:
        return None
    return Signal(
        "frequent_use",
        days[0],
        f"{len(days)} use days in the last 7",
        "dependence and withdrawal track how often more than how much; fewer use days "
        "lower that risk: kratomlog plan set occasional",
        str(sources.ROGERS_2024),
    )
