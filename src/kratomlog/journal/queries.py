"""Reading a person's journal into the core's plain dataclasses."""

from collections import defaultdict
from datetime import date, datetime, timedelta

from django.db import connection
from django.db.models import Exists, F, Subquery, Sum, TextField
from django.db.models.functions import Cast

from kratomlog.core.bounds import EARLIEST, MAX_AMOUNT, MAX_GRAMS, READABLE_UNTIL
from kratomlog.core.interactions import Intake
from kratomlog.core.journal import Dose, UseIndex
from kratomlog.journal.models import KRATOM, MAGNESIUM, Entry, Person


def live_entries(person: Person):  # type: ignore[no-untyped-def]
    """The entries not deleted, whose time the reading side can work with: a row written before
    times were checked (a dose in year 1) is left out rather than fail every status."""
    return Entry.objects.filter(
        person=person, deleted=False, taken_at__gte=EARLIEST, taken_at__lt=READABLE_UNTIL
    )


def entries_in(person: Person, first: date | None = None, last: date | None = None):  # type: ignore[no-untyped-def]
    """The entries not deleted whose local day is from `first` to `last` (both included; either
    open), with their products: what History, `kratomlog entries` and the API list."""
    found = Entry.objects.filter(person=person, deleted=False).select_related("product")
    if first is not None:
        found = found.filter(local_day__gte=first)
    if last is not None:
        found = found.filter(local_day__lte=last)
    return found


def _grams(value: float | None) -> float:
    """A dose's grams as the rules read them; an impossible amount kept from before amounts
    were checked (inf, NaN, a ton) counts as a use day of unknown grams."""
    return value if value is not None and 0 < value <= MAX_GRAMS else 0.0


def use_index(person: Person, until: datetime | None = None, since: date | None = None) -> UseIndex:
    """Every kratom dose taken up to `until` (all of them when None), from the local day
    `since` on (from the first when None)."""
    doses = live_entries(person).filter(substance=KRATOM)
    if until is not None:
        doses = doses.filter(taken_at__lte=until)
    if since is not None:
        doses = doses.filter(local_day__gte=since)
    # The hot path of every status: times are read as text and parsed by fromisoformat (C),
    # skipping the per-row converters that cost more than the judging on a five-year journal.
    sql, params = (
        doses.order_by("taken_at", "id")
        .annotate(
            at_text=Cast(F("taken_at"), TextField()), day_text=Cast(F("local_day"), TextField())
        )
        .values_list("id", "at_text", "day_text", "grams")
        .query.sql_with_params()
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    # SQLite keeps UTC without an offset; PostgreSQL's text has one ("+00", its session is UTC).
    # Appending the offset is 8x faster than datetime.replace.
    offset = "+00:00" if connection.vendor == "sqlite" else ""
    parse_time, parse_day = datetime.fromisoformat, date.fromisoformat
    return UseIndex(
        (
            Dose(id, parse_time(at + offset), parse_day(day), _grams(grams))
            for id, at, day, grams in rows
        ),
        ordered_in_utc=True,  # ordered by (taken_at, id) in SQL; fromisoformat gives UTC
    )


def last_dose_day(person: Person, until: datetime) -> date | None:
    """The local day of the latest kratom dose taken by `until` (one row, by the index)."""
    doses = live_entries(person).filter(substance=KRATOM, taken_at__lte=until)
    return doses.order_by("-local_day").values_list("local_day", flat=True).first()


def magnesium_by_day(person: Person, first: date, last: date, until: datetime) -> dict[date, float]:
    rows = (
        live_entries(person)
        .filter(
            substance=MAGNESIUM,
            local_day__range=(first, last),
            taken_at__lte=until,
            elemental_mg__lte=MAX_AMOUNT,  # leaves out an impossible amount (inf) kept from before
        )
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
    # The fields an interaction needs, not whole entries: every dose logged reads these.
    return [_intake(*row) for row in entries.values_list(*_INTAKE_FIELDS)]


_INTAKE_FIELDS = ("id", "taken_at", "substance", "name", "category")  # _intake's order


def _intake(id_: int, taken_at: datetime, substance: str, name: str, category: str) -> Intake:
    return Intake(id_, taken_at, substance, name, category or None)


def intake_of(entry: Entry) -> Intake:
    return _intake(entry.id, entry.taken_at, entry.substance, entry.name, entry.category)


def recorded_from(person: Person, after: date | None = None) -> date | None:
    """The first day of recorded history: the day the person says the journal started, else the
    first entry's (of any kind: a fortnight of magnesium alone is a fortnight without kratom).
    `after`: a record that began before that day answers `after` (how long before is not
    asked, so a long record is not read for it)."""
    if person.journal_started:
        return person.journal_started
    if after is not None:  # one row, whatever the record's length
        live = live_entries(person)
        earlier, first_after = (
            Person.objects.filter(pk=person.pk)
            .values_list(
                Exists(live.filter(local_day__lt=after)),
                Subquery(
                    live.filter(local_day__gte=after).order_by("local_day").values("local_day")[:1]
                ),
            )
            .get()
        )
        return after if earlier else first_after
    first = live_entries(person).order_by("local_day").values_list("local_day", flat=True).first()
    return first
