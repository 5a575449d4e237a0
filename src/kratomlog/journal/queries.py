"""Reading a person's journal into the core's plain dataclasses."""

from collections import defaultdict
from datetime import date, datetime, timedelta

from django.db.models import Sum

from kratomlog.core.interactions import Intake
from kratomlog.core.journal import Dose, UseIndex
from kratomlog.journal.models import KRATOM, MAGNESIUM, Entry, Person


def live_entries(person: Person):  # type: ignore[no-untyped-def]
    return Entry.objects.filter(person=person, deleted=False)


def use_index(person: Person, until: datetime | None = None) -> UseIndex:
    """Every kratom dose taken up to `until` (all of them when None)."""
    doses = live_entries(person).filter(substance=KRATOM)
    if until is not None:
        doses = doses.filter(taken_at__lte=until)
    rows = doses.values_list("id", "taken_at", "local_day", "grams")
    return UseIndex(Dose(id, at, day, grams) for id, at, day, grams in rows)


def magnesium_by_day(person: Person, first: date, last: date, until: datetime) -> dict[date, float]:
    rows = (
        live_entries(person)
        .filter(substance=MAGNESIUM, local_day__range=(first, last), taken_at__lte=until)
        .values("local_day")
        .annotate(total=Sum("elemental_mg"))
    )
    totals: dict[date, float] = defaultdict(float)
    for row in rows:
        totals[row["local_day"]] += row["total"] or 0.0
    return dict(totals)


def intakes_near(person: Person, moment: datetime, hours: int = 24) -> list[Intake]:
    window = timedelta(hours=hours)
    entries = live_entries(person).filter(taken_at__range=(moment - window, moment + window))
    return [intake_of(entry) for entry in entries]


def intake_of(entry: Entry) -> Intake:
    return Intake(entry.id, entry.taken_at, entry.substance, entry.name, entry.category or None)
