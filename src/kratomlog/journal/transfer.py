"""Import and export: all-or-nothing imports that add nothing twice, and a lossless JSON export."""

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import connection, transaction

from kratomlog.core.bounds import check_amount
from kratomlog.core.days import stored_local, zone
from kratomlog.core.errors import InputError
from kratomlog.core.formats import ImportRejected, ImportRow, Reading, RowError, fit_for_the_journal
from kratomlog.core.formats.journal_csv import read_csv, write_csv
from kratomlog.core.formats.kratomtracker import read_kratomtracker
from kratomlog.core.formats.pwjournal import read_pwjournal
from kratomlog.core.formats.teataper import PRODUCT as TEA_PRODUCT
from kratomlog.core.formats.teataper import read_teataper
from kratomlog.core.words import count
from kratomlog.journal import lossless
from kratomlog.journal.import_match import digest_of_row, match
from kratomlog.journal.import_updates import edited_in_both, remember_digests, update_entries
from kratomlog.journal.models import Change, Entry, Person, Product

FORMATS = ("csv", "pwjournal", "kratomtracker", "teataper", "json")
BATCH = 2000

Progress = Callable[[int, int], None]  # (rows done, rows in all)


@dataclass(frozen=True)
class Imported:
    added: int
    already_there: int
    updated: int = 0
    skipped: tuple[tuple[str, str], ...] = ()  # (where, why)
    unknown: tuple[str, ...] = ()  # other substances no table knows, imported as `other`
    said: tuple[str, ...] = ()
    # Entries edited here and changed again in the other app since: (entry id, what changed).
    edited_in_both: tuple[tuple[int, str], ...] = ()

    def summary(self, file_name: str, page: bool = False) -> list[str]:
        """What happened, in words, plural right: the first line, then what else to say.
        `page`: for the web app, which names its own forms instead of commands."""
        counts = []
        if self.updated:
            counts.append(f"{self.updated} updated (edited in the other app since)")
        if self.already_there:
            there = "was" if self.already_there == 1 else "were"
            counts.append(f"{self.already_there} {there} already in the journal")
        if self.skipped:
            counts.append(f"{len(self.skipped)} kept out")
        lines = [
            f"Imported {count(self.added, 'entry', 'entries')} from {file_name}"
            + "".join(f"; {part}" for part in counts)
            + "."
        ]
        lines += [f"  kept out: {where}: {why}" for where, why in self.skipped[:20]]
        if len(self.skipped) > 20:
            lines.append(f"  (and {len(self.skipped) - 20} more kept out)")
        lines += self._edited_in_both(page)
        if self.unknown:
            lines.append(
                "Imported as category 'other' (no table knows them): "
                + ", ".join(sorted(self.unknown))
                + ". Say what each is once, and later imports follow it: "
                + (
                    "on the Settings page, under “What a substance is”"
                    if page
                    else "kratomlog substance NAME --category CAT --just-category"
                )
            )
        for said in self.said:
            if page:
                if "; nothing is set without you" in said:  # a command line follows: the form
                    said = said.split("; nothing is set without you")[0] + (
                        "; nothing is set without you: to keep it, choose “At most this many "
                        "grams a day” under Your own rules on the Plan page"
                    )
                said = said.replace(
                    "import again with --grams-per-ml G", "enter the grams a millilitre holds "
                    "on the import form and import the file again"
                )
            lines.append(said[:1].upper() + said[1:] + ".")
        return lines

    def _edited_in_both(self, page: bool) -> list[str]:
        """The later edit won: the person's own is not lost, and they are told where it is."""
        both = len(self.edited_in_both)
        if not both:
            return []
        one = both == 1
        lines = [
            f"{count(both, 'entry', 'entries')} you had edited here {'was' if one else 'were'} "
            f"changed again in the other app: the app's version is kept, yours is in "
            f"{'its' if one else 'their'} history "
            + ("(Edit, on the History page, shows it):" if page else "(kratomlog revisions ID):")
        ]
        lines += [
            f"  {what}" if page else f"  #{number}, {what}"
            for number, what in self.edited_in_both[:20]
        ]
        if both > 20:
            lines.append(f"  (and {both - 20} more edited in both)")
        return lines


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ImportRejected([RowError(0, "FILE", f"{path} does not exist")]) from None
    except UnicodeDecodeError:
        raise ImportRejected([RowError(0, "FILE", f"{path} is not UTF-8 text")]) from None
    except (OSError, ValueError) as error:  # a directory, no permission, a NUL in the name
        raise ImportRejected([RowError(0, "FILE", f"cannot read {path} ({error})")]) from None


def parse_rows(
    person: Person, kind: str, text: str, now: datetime, grams_per_ml: float | None = None
) -> Reading:
    """What a file holds, or ImportRejected with every bad row; nothing is written.

    A reader is a pure function of the file: whatever else it raises, the file is one it cannot
    read. That is said as bad input (exit 2), and the details go to the log, where a reader's
    missing check can be found."""
    try:
        return fit_for_the_journal(_read(person, kind, text, now, grams_per_ml))
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


def _read(
    person: Person, kind: str, text: str, now: datetime, grams_per_ml: float | None
) -> Reading:
    tz = zone(person.timezone)
    remembered = dict(person.categories.values_list("name", "category"))  # the person's word
    if kind == "csv":
        sizes = {
            p.name.lower(): (p.grams_per_capsule, p.grams_per_teaspoon)
            for p in person.products.all()
        }
        return read_csv(text, tz, now, sizes, remembered=remembered)
    if kind == "pwjournal":
        return read_pwjournal(text, now, remembered)
    if kind == "kratomtracker":
        return read_kratomtracker(text, tz, now)
    if kind == "teataper":
        return read_teataper(text, now, grams_per_ml or tea_strength(person))
    raise ImportRejected([RowError(0, "FORMAT", f"{kind!r}; use one of {', '.join(FORMATS)}")])


def tea_strength(person: Person) -> float | None:
    """The grams a millilitre of the person's tea holds, as they said on an earlier import."""
    tea = person.products.filter(name=TEA_PRODUCT).first()
    return tea.grams_per_ml if tea else None


def remember_tea_strength(person: Person, grams_per_ml: float) -> None:
    check_amount(grams_per_ml, "--grams-per-ml", most=1.0)
    Product.objects.update_or_create(
        person=person, name=TEA_PRODUCT, defaults={"form": "tea", "grams_per_ml": grams_per_ml}
    )


@dataclass(frozen=True)
class Preview:
    """What importing a file would do, before anything is written."""

    rows: list[ImportRow]
    new: int
    already_there: int
    errors: list[RowError]
    updated: int = 0
    lines: list[str] = field(default_factory=list)  # what else the import would say


def preview(
    *, person: Person, kind: str, text: str, now: datetime, grams_per_ml: float | None = None
) -> Preview:
    if kind == "json":
        try:
            fresh, already = lossless.preview_json(person, text, now)
        except ImportRejected as rejected:
            return Preview([], 0, 0, rejected.errors)
        return Preview([], fresh, already, [])
    try:
        reading = parse_rows(person, kind, text, now, grams_per_ml)
    except ImportRejected as rejected:
        return Preview([], 0, 0, rejected.errors)
    found = match(person, reading.rows)
    both = edited_in_both(found.updates, zone(person.timezone))
    return Preview(
        found.fresh,
        len(found.fresh),
        found.already_there,
        [],
        updated=len(found.updates),
        lines=Imported(
            0,
            0,
            0,
            tuple(reading.skipped),
            tuple(sorted(reading.unknown)),
            tuple(reading.said),
            tuple(both),
        ).summary("the file", page=True)[1:],
    )


def import_text(
    *,
    person: Person,
    kind: str,
    text: str,
    name: str,
    now: datetime,
    progress: Progress | None = None,
    grams_per_ml: float | None = None,
) -> Imported:
    if kind == "json":
        return import_json(person=person, text=text, now=now, name=name)
    if grams_per_ml is not None:
        remember_tea_strength(person, grams_per_ml)
    reading = parse_rows(person, kind, text, now, grams_per_ml)
    return store_rows(person, reading, name, kind, now, progress)


def import_file(
    *,
    person: Person,
    kind: str,
    path: Path,
    now: datetime,
    progress: Progress | None = None,
    grams_per_ml: float | None = None,
) -> Imported:
    return import_text(
        person=person,
        kind=kind,
        text=read_text(path),
        name=path.name,
        now=now,
        progress=progress,
        grams_per_ml=grams_per_ml,
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
    person.earlier_messages = []  # the journal's copy; a clinic's live conversation stays
    person.save(update_fields=["earlier_messages"])


@transaction.atomic
def store_rows(
    person: Person,
    reading: Reading,
    file_name: str,
    kind: str,
    now: datetime,
    progress: Progress | None,
) -> Imported:
    found = match(person, reading.rows)
    fresh = found.fresh
    told = (tuple(reading.skipped), tuple(sorted(reading.unknown)), tuple(reading.said))
    remember_digests(found.unstamped)
    if not fresh and not found.updates:
        return Imported(0, found.already_there, 0, *told)
    both = edited_in_both(found.updates, zone(person.timezone))
    edits = update_entries(person, found.updates, file_name, now)
    # After its edits, so that undo takes the import first, and with them: the whole import.
    change = Change.objects.create(
        person=person,
        at=now,
        action="import",
        summary=f"imported {count(len(fresh), 'entry', 'entries')} from {file_name}"
        + (f" and updated {len(edits)}" if edits else ""),
        after={"updated": edits} if edits else None,
    )
    products = _products_named(person, {row.product for row in fresh if row.product})
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
                    digest_of_row(row),
                    change.id,
                    False,
                )
                for row in batch
            ]
        )
        if progress:
            progress(first + len(batch), len(fresh))
    return Imported(len(fresh), found.already_there, len(found.updates), *told, tuple(both))


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
    "source_digest",
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
        for index, column in prepare:
            prepared[index] = column.get_db_prep_value(row[index], connection)
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
