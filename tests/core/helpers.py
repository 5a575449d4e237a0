"""Small builders for core tests: doses on local days in a fixed zone."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from kratomlog.core.journal import Dose, UseIndex

BERLIN = ZoneInfo("Europe/Berlin")
DAY0 = date(2026, 3, 1)


def at(day: date, hour: int = 12, minute: int = 0, tz: ZoneInfo = BERLIN) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=tz)


def day(n: int) -> date:
    return DAY0 + timedelta(days=n)


def journal(*doses: tuple[int, float] | tuple[int, float, int]) -> UseIndex:
    """(day number, grams[, hour]) for each dose; ids count from 1."""
    made = []
    for number, spec in enumerate(doses, start=1):
        hour = spec[2] if len(spec) == 3 else 12
        d = day(spec[0])
        made.append(Dose(number, at(d, hour), d, spec[1]))
    return UseIndex(made)
