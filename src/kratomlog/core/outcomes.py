"""Change since the start of care: the first score against the latest, and whether the change is
larger than the questionnaire's own measurement error (reliable change, FACTS.md section 6).

PHQ-9 and GAD-7 have published thresholds; kratomlog's withdrawal check-in and craving do not, so
their change is given without a category, with the reason.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kratomlog.core import sources

RECOVERED, IMPROVED, NO_RELIABLE_CHANGE, DETERIORATED = (
    "recovered",
    "improved",
    "no_reliable_change",
    "deteriorated",
)
CATEGORIES = (RECOVERED, IMPROVED, NO_RELIABLE_CHANGE, DETERIORATED)
NO_THRESHOLD = (
    "no published reliable-change value exists for this check-in, so its change is shown "
    "without a category"
)


@dataclass(frozen=True)
class Threshold:
    reliable: int  # a change of at least this many points is reliable
    cutoff: int  # caseness: a score at or above it is in the clinical range


# Lower is better on every instrument here.
THRESHOLDS = {"phq9": Threshold(6, 10), "gad7": Threshold(4, 8)}


@dataclass(frozen=True)
class Score:
    at: datetime
    total: int


def category(baseline: int, latest: int, threshold: Threshold) -> str:
    """Jacobson and Truax's categories with a fixed reliable-change threshold: recovered is a
    reliable improvement from at or above the cut-off to below it."""
    change = latest - baseline
    if change <= -threshold.reliable:
        if baseline >= threshold.cutoff > latest:
            return RECOVERED
        return IMPROVED
    if change >= threshold.reliable:
        return DETERIORATED
    return NO_RELIABLE_CHANGE


WORDS = {
    RECOVERED: "a reliable improvement, to below the clinical cut-off (recovered)",
    IMPROVED: "a reliable improvement",
    NO_RELIABLE_CHANGE: "no reliable change",
    DETERIORATED: "a reliable worsening",
}


@dataclass(frozen=True)
class Outcome:
    key: str
    name: str
    baseline: Score
    latest: Score
    threshold: Threshold | None

    @property
    def change(self) -> int:
        return self.latest.total - self.baseline.total

    @property
    def category(self) -> str | None:
        if self.threshold is None:
            return None
        return category(self.baseline.total, self.latest.total, self.threshold)

    def words(self) -> str:
        """ "Your PHQ-9 went from 15 to 8: a reliable improvement (a change of 6 or more)"."""
        went = f"{self.name} went from {self.baseline.total} to {self.latest.total}"
        if self.threshold is None:
            return f"{went}; {NO_THRESHOLD}"
        rule = (
            f"a change of {self.threshold.reliable} or more counts as reliable; "
            f"{self.threshold.cutoff} or more is the clinical range"
        )
        return f"{went}: {WORDS[self.category or NO_RELIABLE_CHANGE]} ({rule})"

    def as_dict(self) -> dict[str, Any]:
        return {
            "baseline": {"at": self.baseline.at.isoformat(), "total": self.baseline.total},
            "latest": {"at": self.latest.at.isoformat(), "total": self.latest.total},
            "change": self.change,
            "category": self.category,
            "threshold": self.threshold.reliable if self.threshold else None,
            "cutoff": self.threshold.cutoff if self.threshold else None,
            "source": sources.RELIABLE_CHANGE.citation if self.threshold else NO_THRESHOLD,
            "words": self.words(),
        }


def outcome(key: str, name: str, scores: Sequence[Score], start: datetime) -> Outcome | None:
    """The first score at or after `start` (the start of care) against the latest; None with
    fewer than two such scores."""
    since = sorted((score for score in scores if score.at >= start), key=lambda s: s.at)
    if len(since) < 2:
        return None
    return Outcome(key, name, since[0], since[-1], THRESHOLDS.get(key))
