"""A person's kratom doses, indexed by local day for the rules and signals that read them."""

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from operator import attrgetter
from typing import NamedTuple


class Dose(NamedTuple):
    """A tuple, not a dataclass: a five-year journal builds thousands on every status."""

    id: int
    at: datetime  # aware; the index keeps it in UTC, where a difference is real elapsed time
    day: date  # the local day it was taken on
    grams: float


_by_time = attrgetter("at", "id")


class UseIndex:
    """Doses grouped by local day, with the counts the rules ask for in O(log n)."""

    def __init__(self, doses: Iterable[Dose], ordered_in_utc: bool = False) -> None:
        """`ordered_in_utc`: the caller vouches the doses come sorted by time, in UTC (a database
        query that orders them), which saves the hot path of every status a sort."""
        if ordered_in_utc:
            self.doses: list[Dose] = list(doses)
        else:
            # Python subtracts two times of one zone as wall-clock times, wrong across DST.
            in_utc = (
                d if d.at.tzinfo is UTC else d._replace(at=d.at.astimezone(UTC)) for d in doses
            )
            self.doses = sorted(in_utc, key=_by_time)
        self.doses_by_day: dict[date, list[Dose]] = {}
        for dose in self.doses:
            self.doses_by_day.setdefault(dose.day, []).append(dose)
        self.ids_by_day = {
            day: tuple(d.id for d in doses) for day, doses in self.doses_by_day.items()
        }
        self.use_days: list[date] = sorted(self.doses_by_day)
        self._ordinals = [day.toordinal() for day in self.use_days]
        self.grams_by_day = {
            day: sum(dose.grams for dose in doses) for day, doses in self.doses_by_day.items()
        }
        self._streaks: dict[date, int] = {}
        for day in self.use_days:
            self._streaks[day] = self._streaks.get(day - timedelta(days=1), 0) + 1

    def is_use_day(self, day: date) -> bool:
        return day in self.doses_by_day

    def use_days_between(self, first: date, last: date) -> int:
        """Use days from `first` to `last`, both included."""
        if last < first:
            return 0
        return bisect_right(self._ordinals, last.toordinal()) - bisect_left(
            self._ordinals, first.toordinal()
        )

    def use_days_in(self, first: date, last: date) -> Sequence[date]:
        lo = bisect_left(self._ordinals, first.toordinal())
        hi = bisect_right(self._ordinals, last.toordinal())
        return self.use_days[lo:hi]

    def doses_in(self, first: date, last: date) -> list[Dose]:
        return [dose for day in self.use_days_in(first, last) for dose in self.doses_by_day[day]]

    def doses_between(self, first: date, last: date) -> int:
        """Doses from `first` to `last`, both included: how often, beside how much (Rogers
        2024: dependence follows frequency more than amount)."""
        return sum(len(self.doses_by_day[day]) for day in self.use_days_in(first, last))

    def grams_between(self, first: date, last: date) -> float:
        return sum(self.grams_by_day[day] for day in self.use_days_in(first, last))

    def grams_on(self, day: date) -> float:
        return self.grams_by_day.get(day, 0.0)

    def streak_ending(self, day: date) -> int:
        """Consecutive use days ending with `day` (0 when `day` is not a use day)."""
        return self._streaks.get(day, 0)

    @property
    def last_dose(self) -> Dose | None:
        return self.doses[-1] if self.doses else None
