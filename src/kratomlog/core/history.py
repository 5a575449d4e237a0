"""One row a local day: use, grams, doses, the taper's allowance, breaches and magnesium."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from kratomlog.core.breaches import Breach, find_breaches
from kratomlog.core.days import days_between
from kratomlog.core.journal import UseIndex
from kratomlog.core.plan import PlanHistory
from kratomlog.core.taper import allowance_on


@dataclass(frozen=True)
class DayRow:
    day: date
    grams: float
    doses: int
    allowance: float | None  # the taper's, where one is in force
    breaches: list[Breach]
    magnesium_mg: float

    @property
    def use(self) -> bool:
        return self.doses > 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "day": self.day.isoformat(),
            "use": self.use,
            "grams": round(self.grams, 3),
            "doses": self.doses,
            "allowance": round(self.allowance, 3) if self.allowance is not None else None,
            "breaches": [breach.as_dict() for breach in self.breaches],
            "magnesium_mg": round(self.magnesium_mg, 1),
        }


def daily_rows(
    first: date,
    last: date,
    journal: UseIndex,
    history: PlanHistory,
    magnesium_by_day: Mapping[date, float],
) -> list[DayRow]:
    breaches_by_day: dict[date, list[Breach]] = {}
    for breach in find_breaches(history, journal, first, last):
        breaches_by_day.setdefault(breach.day, []).append(breach)
    rows = []
    for day in days_between(first, last):
        plan = history.in_force(day)
        taper = plan.taper if plan else None
        rows.append(
            DayRow(
                day=day,
                grams=journal.grams_on(day),
                doses=len(journal.doses_by_day.get(day, [])),
                allowance=allowance_on(taper, plan.start, day) if taper and plan else None,
                breaches=breaches_by_day.get(day, []),
                magnesium_mg=magnesium_by_day.get(day, 0.0),
            )
        )
    return rows
