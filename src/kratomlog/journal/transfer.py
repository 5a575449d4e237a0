"""Import and export: all-or-nothing imports that add nothing twice, and a lossless JSON export."""

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import connection, transaction

from kratomlog.core.days import stored_local, zone
from kratomlog.core.errors import InputError
from kratomlog.core.formats import ImportRejected, ImportRow, RowError
from kratomlog.core.formats.journal_csv import read_csv, write_csv
from kratomlog.core.formats.kratomtracker import read_kratomtracker
from kratomlog.core.formats.pwjournal import read_pwjournal
from kratomlog.journal import lossless
from kratomlog.journal.models import Change, Entry, Person, Product

FORMATS = ("csv", "pwjournal", "kratomtracker", "json")
BATCH = 2000

Progress = Callable[[int, int], None]  # (rows done, rows in all)


@dataclass(frozen=True)
class Imported:
    added: int
    already_there: int


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ImportRejected([RowError(0, "FILE", f"{path} does not exist")]) from None
    except UnicodeDecodeError:
        raise ImportRejected([RowError(0, "FILE", f"{path} is not UTF-8 text")]) from None
    except (OSError, ValueError) as error:  # a directory, no permission, a NUL in the name
        raise ImportRejected([RowError(0, "FILE", f"cannot read {path} ({error})")]) from None


def parse_rows(person: Person, kind: str, text: str, now: datetime) -> list[ImportRow]:
    """The rows a file holds, or ImportRejected with every bad row; nothing is written.

    A reader is a pure function of the file: whatever else it raises, the file is one it cannot
    read. That is said as bad input (exit 2), and the details go to the log, where a reader's
    missing check can be found."""
    try:
        return _read(person, kind, text, now)
    except ImportRejected:
        raise
    except InputError as error:
        raise ImportRejected([RowError(0, error.field, error.problem)]) from None
    except Exception as error:
        logging.getLogger("kratomlog.imports").warning(
            "a %s file its reader could not read", kind, exc_info=True
        )
        raise ImportRejected(
            [RowError(0, "file", f"not a {kind} file kratomlog can read ({error!r:.200})")]
        ) from None


def _read(person: Person, kind: str, text: str, now: datetime) -> list[ImportRow]:
    tz = zone(person.timezone)
    if kind == "csv":
        sizes = {
            p.name.lower(): (p.grams_per_capsule, p.grams_per_teaspoon)
            for p in person.products.all()
        }
        return read_csv(text, tz, now, sizes)
    if kind == "pwjournal":
        return read_pwjournal(text, now)
    if kind == "kratomtracker":
        return read_kratomtracker(text, tz, now)
    raise ImportRejected([RowError(0, "FORMAT", f"{kind!r}; use one of {', '.join(FORMATS)}")])


@dataclass(frozen=True)
class Preview:
    """What importing a file would do, before anything is written."""

    rows: list[ImportRow]
    new: int
    already_there: int
    errors: list[RowError]


def preview(*, person: Person, kind: str, text: str, now: datetime) -> Preview:
    if kind == "json":
        try:
            fresh, already = lossless.preview_json(person, text, now)
        except ImportRejected as rejected:
            return Preview([], 0, 0, rejected.errors)
        return Preview([], fresh, already, [])
    try:
        rows = parse_rows(person, kind, text, now)
    except ImportRejected as rejected:
        return Preview([], 0, 0, rejected.errors)
    known = set(
        person.entries.filter(source_key__isnull=False).values_list("source_key", flat=True)
    )
    fresh = [row for row in rows if row.source_key not in known]
    return Preview(fresh, len(fresh), len(rows) - len(fresh), [])


def import_text(
    *,
    person: Person,
    kind: str,
    text: str,
    name: str,
    now: datetime,
    progress: Progress | None = None,
) -> Imported:
    if kind == "json":
        return import_json(person=person, text=text, now=now, name=name)
    return store_rows(person, parse_rows(person, kind, text, now), name, kind, now, progress)


def import_file(
    *, person: Person, kind: str, path: Path, now: datetime, progress: Progress | None = None
) -> Imported:
    return import_text(
        person=person, kind=kind, text=read_text(path), name=path.name, now=now, progress=progress
    )


@transaction.atomic
def delete_everything(person: Person) -> None:
    """The whole journal gone: entries, their history, products and plans. The person stays."""
    person.changes.all().delete()
    person.entries.all().delete()
    person.products.all().delete()
    person.plan_versions.all().delete()
    person.checkins.all().delete()
    person.sleep_diaries.all().delete()
    person.activities.all().delete()


@transaction.atomic
def store_rows(
    person: Person,
    rows: list[ImportRow],
    file_name: str,
    kind: str,
    now: datetime,
    progress: Progress | None,
) -> Imported:
    known = set(
        person.entries.filter(source_key__isnull=False).values_list("source_key", flat=True)
    )
    fresh = [row for row in rows if row.source_key not in known]
    if not fresh:
        return Imported(0, len(rows))
    products = _products_named(person, {row.product for row in fresh if row.product})
    change = Change.objects.create(
        person=person,
        at=now,
        action="import",
        summary=f"imported {len(fresh)} entries from {file_name}",
    )
    tz_name, tz = person.timezone, zone(person.timezone)
    for first in range(0, len(fresh), BATCH):
        batch = fresh[first : first + BATCH]
        _insert_entries(
            [
                (
                    person.id,
                    uuid.uuid4(),
                    row.substance,
                    row.name,
                    row.category,
                    row.amount,
                    row.unit,
                    row.grams,
                    row.elemental_mg,
                    row.compound,
                    products[row.product.lower()].id if row.product else None,
                    row.form,
                    row.purpose,
                    row.note,
                    row.taken_at,
                    tz_name,
                    row.taken_at.astimezone(tz).date(),
                    kind,
                    row.source_key,
                    change.id,
                    False,
                )
                for row in batch
            ]
        )
        if progress:
            progress(first + len(batch), len(fresh))
    return Imported(len(fresh), len(rows) - len(fresh))


ENTRY_COLUMNS = (
    "person_id",
    "uid",
    "substance",
    "name",
    "category",
    "amount",
    "unit",
    "grams",
    "elemental_mg",
    "compound",
    "product_id",
    "form",
    "purpose",
    "note",
    "taken_at",
    "timezone",
    "local_day",
    "source",
    "source_key",
    "imported_by_id",
    "deleted",
)


def _insert_entries(values: list[tuple[Any, ...]]) -> None:
    """INSERT many entries at once. bulk_create prepares every field of every row in Python,
    12 s for 100,000 rows; only the uid, the time and the day need Django's preparation."""
    fields = {name: Entry._meta.get_field(name.removesuffix("_id")) for name in ENTRY_COLUMNS}
    prepare = [
        (i, fields[name])
        for i, name in enumerate(ENTRY_COLUMNS)
        if name in ("uid", "taken_at", "local_day")
    ]
    rows = []
    for row in values:
        prepared = list(row)
        for index, field in prepare:
            prepared[index] = field.get_db_prep_value(row[index], connection)
        rows.append(prepared)
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(Entry._meta.db_table)} "
        f"({', '.join(quote(field.column) for field in fields.values())}) "
        f"VALUES ({', '.join(['%s'] * len(ENTRY_COLUMNS))})"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def read_rows_as(row: int, taken_at: datetime, source_key: str, **fields: Any) -> ImportRow:
    """An import row made by kratomlog itself (the demo journal)."""
    return ImportRow(row=row, taken_at=taken_at, source_key=source_key, **fields)


def _products_named(person: Person, names: set[str]) -> dict[str, Product]:
    """The products rows name, made (with just a name) where the journal has none yet."""
    found = {p.name.lower(): p for p in person.products.all()}
    for name in sorted(names):
        if name.lower() not in found:
            found[name.lower()] = Product.objects.create(person=person, name=name)
    return found


def export_csv(person: Person) -> str:
    """Every entry in the journal; kratom in grams, times with their offset."""
    entries = (
        person.entries.filter(deleted=False).select_related("product").order_by("taken_at", "id")
    )
    rows = []
    for entry in entries:
        local = stored_local(entry.taken_at, entry.timezone).isoformat()
        kratom = entry.substance == "kratom"
        rows.append(
            {
                "time": local,
                "substance": entry.name if entry.substance == "other" else entry.substance,
                "amount": _plain(entry.grams if kratom else entry.amount),
                "unit": "g" if kratom else entry.unit,
                "form": entry.compound if entry.substance == "magnesium" else entry.form,
                "product": entry.product.name if entry.product_id else "",
                "purpose": entry.purpose,
                "note": entry.note,
                "category": entry.category,
            }
        )
    return write_csv(rows)


def _plain(value: float | None) -> str:
    return "" if value is None else repr(value)


def export_json(person: Person, now: datetime) -> dict[str, Any]:
    return lossless.export_json(person, now)


def import_json(*, person: Person, text: str, now: datetime, name: str = "an export") -> Imported:
    """A kratomlog JSON export; what the journal already holds (by uid) is left as it is."""
    return Imported(*lossless.import_json(person=person, text=text, now=now, name=name))
