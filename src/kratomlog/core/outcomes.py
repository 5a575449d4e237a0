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
    higher_is_better: bool = False  # the BAM's Protective subscale; lower is better elsewhere

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
            better = "higher" if self.higher_is_better else "lower"
            return f"{went} ({better} is better); {NO_THRESHOLD}"
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
            "higher_is_better": self.higher_is_better,
            "words": self.words(),
        }


def outcome(
    key: str, name: str, scores: Sequence[Score], start: datetime, higher_is_better: bool = False
) -> Outcome | None:
    """The first score at or after `start` (the start of care) against the latest; None with
    fewer than two such scores."""
    since = sorted((score for score in scores if score.at >= start), key=lambda s: s.at)
    if len(since) < 2:
        return None
    return Outcome(key, name, since[0], since[-1], THRESHOLDS.get(key), higher_is_better)


# A clinic's outcomes: counts with their 95% intervals, and no cell small enough to identify.
SMALLEST_SHOWN = 5
FEWER_THAN = f"fewer than {SMALLEST_SHOWN}"


def wilson(count: int, total: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval of a share (Wilson 1927), good for small counts and shares
    near 0 or 1, where the plain normal interval fails."""
    if total == 0:
        return (0.0, 0.0)
    share = count / total
    centre = share + z * z / (2 * total)
    spread = z * ((share * (1 - share) + z * z / (4 * total)) / total) ** 0.5
    scale = 1 + z * z / total
    return (max(0.0, (centre - spread) / scale), min(1.0, (centre + spread) / scale))


@dataclass(frozen=True)
class Share:
    count: int
    total: int

    @property
    def hidden(self) -> bool:
        """A count of 1 to 4 is not shown (nor its share): with a team and a month it could
        name a person. 0 is shown: it names no one."""
        return 0 < self.count < SMALLEST_SHOWN or 0 < self.total < SMALLEST_SHOWN

    def as_dict(self) -> dict[str, Any]:
        if self.hidden:
            return {"count": FEWER_THAN, "share": None, "low": None, "high": None}
        low, high = wilson(self.count, self.total)
        share = self.count / self.total if self.total else None
        return {
            "count": self.count,
            "share": round(share, 3) if share is not None else None,
            "low": round(low, 3),
            "high": round(high, 3),
        }

    def words(self) -> str:
        if self.hidden:
            return FEWER_THAN
        if not self.total:
            return "0"
        low, high = wilson(self.count, self.total)
        return f"{self.count} ({self.count / self.total:.0%}; {low:.0%} to {high:.0%})"


def tally(pairs: Sequence[tuple[int, int]], threshold: Threshold) -> dict[str, Share]:
    """How many (baseline, latest) pairs fall in each category, of all pairs."""
    found = dict.fromkeys(CATEGORIES, 0)
    for baseline, latest in pairs:
        found[category(baseline, latest, threshold)] += 1
    return {key: Share(count, len(pairs)) for key, count in found.items()}
