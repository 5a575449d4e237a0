"""What the record shows, and never more: differences with bootstrap intervals, labelled
observational, hidden until there is enough to show."""

import random
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

RESAMPLES = 2000
MIN_NIGHTS = 7  # on each side, before a difference is shown at all
OBSERVATIONAL = (
    "observational: it shows what went together in your record, and cannot tell "
    "whether the dose caused it or both followed a habit"
)


@dataclass(frozen=True)
class Difference:
    measure: str
    with_n: int
    without_n: int
    difference: float | None  # mean with minus mean without; None while hidden
    low: float | None  # the bootstrap 95% interval
    high: float | None

    @property
    def shown(self) -> bool:
        return self.difference is not None

    def as_dict(self) -> dict[str, Any]:
        return {
            "measure": self.measure,
            "nights_with": self.with_n,
            "nights_without": self.without_n,
            "difference": _round(self.difference),
            "interval_95": [_round(self.low), _round(self.high)] if self.shown else None,
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def bootstrap_difference(
    with_: Sequence[float],
    without: Sequence[float],
    seed: int = 20260101,
    resamples: int = RESAMPLES,
) -> tuple[float, float, float]:
    """The difference of means and its percentile 95% interval; the same seed, the same answer."""
    rng = random.Random(seed)
    observed = statistics.fmean(with_) - statistics.fmean(without)
    draws = sorted(
        statistics.fmean(rng.choices(with_, k=len(with_)))
        - statistics.fmean(rng.choices(without, k=len(without)))
        for _ in range(resamples)
    )
    low = draws[int(0.025 * resamples)]
    high = draws[min(resamples - 1, int(0.975 * resamples))]
    return observed, low, high


def compare(measure: str, with_: Sequence[float], without: Sequence[float]) -> Difference:
    if len(with_) < MIN_NIGHTS or len(without) < MIN_NIGHTS:
        return Difference(measure, len(with_), len(without), None, None, None)
    difference, low, high = bootstrap_difference(with_, without)
    return Difference(measure, len(with_), len(without), difference, low, high)
