"""A study's numbers across participants: means with 95% intervals, shares, a histogram.

Pure functions over plain numbers; kratomlog.research.summary feeds them from an export's rows.
"""

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

Z_95 = 1.96  # the normal approximation: fine from a few dozen participants, wide below


@dataclass(frozen=True)
class MeanInterval:
    n: int
    mean: float
    low: float  # the 95% interval of the mean: mean +/- 1.96 standard errors
    high: float


def mean_interval(values: Sequence[float]) -> MeanInterval | None:
    """The mean and its 95% interval; None for fewer than 2 values (no spread to judge)."""
    if len(values) < 2:
        return None
    mean = statistics.fmean(values)
    half = Z_95 * statistics.stdev(values) / math.sqrt(len(values))
    return MeanInterval(len(values), mean, mean - half, mean + half)


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def histogram(values: Sequence[float], width: float, last: float) -> list[tuple[float, int]]:
    """Counts in bins [0, width), [width, 2 width) ... and one open bin from `last` up."""
    bins = int(last / width)
    counts = [0] * (bins + 1)
    for value in values:
        counts[min(bins, max(0, int(value // width)))] += 1
    return [(index * width, count) for index, count in enumerate(counts)]
