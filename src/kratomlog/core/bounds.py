"""The sane ranges every recorded time and number must lie in, checked before anything is written.

A value outside them is a typo or a hostile file, never a real record: left in, it would make
every later reading of the journal fail (a dose in year 1, a window of a billion days).
"""

import math
from datetime import UTC, date, datetime, timedelta

from kratomlog.core.errors import InputError

EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=1)  # clocks and zones differ; beyond a day ahead is a mistake
MAX_SPAN_DAYS = 3653  # ten years: the longest window, interval or break a plan may name
MAX_GRAMS = 1000.0  # no single kratom record weighs more than a kilogram
MAX_AMOUNT = 1_000_000.0  # any other amount, in its own unit


def check_moment(moment: datetime, now: datetime, field: str) -> datetime:
    """`moment` if it lies between 1970 and a day after `now`; else an InputError naming `field`."""
    if moment < EARLIEST or moment > now + FUTURE_SLACK:
        raise InputError(
            field, f"{moment.isoformat()} is out of range; a time between 1970 and today"
        )
    return moment


def check_days(value: int, field: str) -> int:
    """A number of days between 1 and ten years."""
    if not 1 <= value <= MAX_SPAN_DAYS:
        raise InputError(field, f"{value} is out of range; a whole number of days, 1 to 3653")
    return value


def check_amount(value: float, field: str, most: float = MAX_AMOUNT) -> float:
    """A finite number above zero and at most `most`."""
    if not math.isfinite(value) or value <= 0 or value > most:
        raise InputError(
            field, f"{value:g} is out of range; a number above 0 and at most {most:.0f}"
        )
    return value


EARLIEST_DAY = EARLIEST.date()
# What the reading side still reads: rows written before these checks existed may lie anywhere
# in the calendar, and a day's arithmetic on a time near its ends overflows.
READABLE_UNTIL = datetime(9000, 1, 1, tzinfo=UTC)
MAX_MINUTES = 24 * 60  # one record of minutes (an activity, a night's waking) within a day


def check_day(day: date, field: str, latest: date) -> date:
    """`day` if it lies between 1970-01-01 and `latest`; else an InputError naming `field`."""
    if not EARLIEST_DAY <= day <= latest:
        raise InputError(field, f"{day} is out of range; a day between 1970-01-01 and {latest}")
    return day


def check_span(first: date, last: date, field: str) -> None:
    """From `first` to `last` (both included) is at most ten years."""
    if (last - first).days + 1 > MAX_SPAN_DAYS:
        raise InputError(
            field, f"{first} to {last} is over ten years; ask for at most 3653 days at a time"
        )


def check_whole(value: int, field: str, least: int, most: int) -> int:
    """A whole number from `least` to `most`, both included."""
    if isinstance(value, bool) or not isinstance(value, int) or not least <= value <= most:
        raise InputError(
            field, f"{value!r} is out of range; a whole number from {least} to {most}"
        )
    return value


def is_readable(moment: datetime) -> bool:
    """Whether a stored time lies where the reading side can work with it."""
    return EARLIEST <= moment < READABLE_UNTIL
