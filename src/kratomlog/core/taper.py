"""A taper's schedule: the daily allowance at each step, from the plan's start until it is 0.

Each step after the first is rounded down to 0.1 g, what a kitchen scale measures (kratomlog's
own choice, `sources.KITCHEN_SCALE`): "4.374 g" cannot be weighed, and rounding down never lets
a step rise or stand still.
"""

import math
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from kratomlog.core.bounds import MAX_SPAN_DAYS
from kratomlog.core.errors import InputError
from kratomlog.core.rules import Taper

# A taper that takes longer than this many steps is almost surely a mistyped step or floor.
MAX_STEPS = 1000
SCALE_GRAMS = 0.1  # a kitchen scale's resolution


def weighable(grams: float) -> float:
    """Down to the scale's resolution; the tiny epsilon keeps 0.3 (0.29999...) at 0.3."""
    return round(math.floor(grams / SCALE_GRAMS + 1e-6) * SCALE_GRAMS, 1)


@dataclass(frozen=True)
class TaperStep:
    number: int  # 1 for the first step
    first_day: date
    last_day: date | None  # None for the final step (0 g), which lasts
    grams_per_day: float


@cache
def allowances(rule: Taper) -> tuple[float, ...]:
    """The allowance of each step, never rising, ending with 0."""
    steps = [rule.start_grams_per_day]
    while steps[-1] > 0:
        current = steps[-1]
        fraction, grams = rule.step_fraction, rule.step_grams
        following = current * (1 - fraction) if fraction is not None else current - (grams or 0)
        following = weighable(following)
        if following < rule.floor_grams or following <= 1e-9:
            following = 0.0
        steps.append(min(following, current))
        if len(steps) > MAX_STEPS:
            raise InputError(
                "step",
                f"this taper takes more than {MAX_STEPS} steps to reach 0; "
                f"use a larger step or a floor",
            )
    days = (len(steps) - 2) * rule.every_days + rule.first_days
    if days > MAX_SPAN_DAYS:
        raise InputError(
            "step",
            f"this taper takes {days / 365.25:.0f} years to reach 0; a taper reaches 0 "
            f"within ten years: use a larger step, fewer days a step or a floor",
        )
    return tuple(steps)


def step_index(rule: Taper, plan_start: date, day: date) -> int:
    """The 0-based step `day` falls in, past the last step if the taper is over; the first step
    lasts `first_days` (a held step), each other `every_days`."""
    offset = max(0, (day - plan_start).days)
    if offset < rule.first_days:
        return 0
    return 1 + (offset - rule.first_days) // rule.every_days


def allowance_on(rule: Taper, plan_start: date, day: date) -> float:
    """Grams allowed on `day`; before the plan's start the first step's allowance applies."""
    steps = allowances(rule)
    return steps[min(step_index(rule, plan_start, day), len(steps) - 1)]


def schedule(rule: Taper, plan_start: date) -> list[TaperStep]:
    steps = allowances(rule)
    result = []
    first = plan_start
    for number, grams in enumerate(steps, start=1):
        length = rule.first_days if number == 1 else rule.every_days
        last = None if grams == 0 else first + timedelta(days=length - 1)
        result.append(TaperStep(number, first, last, grams))
        first += timedelta(days=length)
    return result
