"""Import and export: all-or-nothing imports that add nothing twice, and a lossless JSON export."""

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.db import connection, transaction

from kratomlog.checkins import transfer as checkin_transfer
from kratomlog.core.days import zone
from kratomlog.core.formats import ImportRejected, ImportRow, RowError
from kratomlog.core.formats.journal_csv import read_csv, write_csv
from kratomlog.core.formats.kratomtracker import read_kratomtracker
from kratomlog.core.formats.pwjournal import read_pwjournal
from kratomlog.core.plan import plan_from_dict
from kratomlog.journal.models import Change, Entry, Person, Product
from kratomlog.journal.snapshots import FIELDS, snapshot
from kratomlog.plans.models import PlanVersion

FORMATS = ("csv", "pwjournal", "kratomtracker", "json")
JSON_FORMAT = "kratomlog-journal"
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


def parse_rows(person: Person, kind: str, text: str, now: datetime) -> list[ImportRow]:
    """The rows a file holds, or ImportRejected with every bad row; nothing is written."""
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
            document = json.loads(text)
            uids = {str(u) for u in person.entries.values_list("uid", flat=True)}
            entries = document["entries"]
            fresh = sum(1 for entry in entries if entry["uid"] not in uids)
        except (ValueError, KeyError, TypeError) as error:
            return Preview([], 0, 0, [RowError(0, "file", f"not a kratomlog export ({error})")])
        return Preview([], fresh, len(entries) - fresh, [])
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
        return import_json(person=person, text=text)
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
        local = entry.taken_at.astimezone(zone(entry.timezone)).isoformat()
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
    """Everything in the journal, history included; import_json of it gives the journal back."""
    return {
        "format": JSON_FORMAT,
        "version": 1,
        "exported_at": now.isoformat(),
        "person": {"name": person.name, "timezone": person.timezone},
        "products": [
            {field: getattr(product, field) for field in PRODUCT_FIELDS}
            for product in person.products.order_by("name")
        ],
        "entries": [
            {
                "uid": str(entry.uid),
                **snapshot(entry),
                "imported_by": str(entry.imported_by.uid) if entry.imported_by_id else None,
            }
            for entry in person.entries.select_related("product", "imported_by").order_by(
                "taken_at", "uid"
            )
        ],
        "plans": [
            {
                "uid": str(version.uid),
                "name": version.name,
                "start": version.start.isoformat(),
                "rules": version.rules,
                "source": version.source,
                "evidence": version.evidence,
                "set_at": version.set_at.isoformat(),
                "withdrawn": version.withdrawn,
            }
            for version in person.plan_versions.order_by("set_at", "id")
        ],
        **checkin_transfer.export_checkins(person),
        "changes": [
            {
                "uid": str(change.uid),
                "at": change.at.isoformat(),
                "action": change.action,
                "summary": change.summary,
                "entry": str(change.entry.uid) if change.entry_id else None,
                "before": change.before,
                "after": change.after,
                "undone": change.undone,
            }
            for change in person.changes.select_related("entry").order_by("at", "id")
        ],
    }


PRODUCT_FIELDS = (
    "name",
    "form",
    "vein",
    "vendor",
    "batch",
    "grams_per_capsule",
    "grams_per_teaspoon",
)


def import_json(*, person: Person, text: str) -> Imported:
    """A kratomlog JSON export; what the journal already holds (by uid) is left as it is."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportRejected([RowError(0, "file", f"not JSON ({error})")]) from None
    if not isinstance(document, dict) or document.get("format") != JSON_FORMAT:
        raise ImportRejected(
            [RowError(0, "format", f'not a kratomlog export (expected "format": "{JSON_FORMAT}")')]
        )
    try:
        with transaction.atomic():
            return _restore(person, document)
    except (KeyError, TypeError, ValueError) as error:
        raise ImportRejected(
            [RowError(0, "file", f"incomplete or damaged export ({error!r})")]
        ) from None


def _restore(person: Person, document: dict[str, Any]) -> Imported:
    if not person.entries.exists() and not person.plan_versions.exists():
        person.name = document["person"]["name"]
        person.timezone = document["person"]["timezone"]
        zone(person.timezone)
        person.save()
    for data in document["products"]:
        if not person.products.filter(name__iexact=data["name"]).exists():
            Product.objects.create(person=person, **{f: data[f] for f in PRODUCT_FIELDS})
    products = {p.name: p for p in person.products.all()}
    changes = {str(c.uid): c for c in person.changes.all()}
    for data in document["changes"]:
        if data["uid"] not in changes:
            changes[data["uid"]] = Change.objects.create(
                person=person,
                uid=data["uid"],
                at=datetime.fromisoformat(data["at"]),
                action=data["action"],
                summary=data["summary"],
                before=data["before"],
                after=data["after"],
                undone=data["undone"],
            )
    known = {str(uid) for uid in person.entries.values_list("uid", flat=True)}
    added = 0
    for data in document["entries"]:
        if data["uid"] in known:
            continue
        entry = Entry(
            person=person,
            uid=data["uid"],
            product=products.get(data["product"] or ""),
            taken_at=datetime.fromisoformat(data["taken_at"]),
            local_day=date.fromisoformat(data["local_day"]),
            imported_by=changes.get(data["imported_by"] or ""),
            **{name: data[name] for name in FIELDS},
        )
        entry.save()
        added += 1
    for data in document["changes"]:
        if data["entry"]:
            Change.objects.filter(uid=data["uid"], entry__isnull=True).update(
                entry=person.entries.filter(uid=data["entry"]).first()
            )
    plans = {str(uid) for uid in person.plan_versions.values_list("uid", flat=True)}
    checkin_transfer.restore_checkins(person, document)
    for data in document["plans"]:
        plan_from_dict(data)  # a damaged rule rejects the file here, not at the next status
        if data["uid"] not in plans:
            PlanVersion.objects.create(
                person=person,
                uid=data["uid"],
                name=data["name"],
                start=date.fromisoformat(data["start"]),
                rules=data["rules"],
                source=data["source"],
                evidence=data["evidence"],
                set_at=datetime.fromisoformat(data["set_at"]),
                withdrawn=data["withdrawn"],
            )
    return Imported(added, len(document["entries"]) - added)
