"""The records a sync carries, in the shapes of the lossless JSON export, on both sides.

A record is (kind, uid, document). The document is exactly what `kratomlog export json` writes
for it, and it is read back by the export's own checks: one serialisation of a journal, not
two. Its digest (SHA-256 of the document as canonical JSON) is how a journal and a clinic tell
whether they hold the same version of a record.
"""

import hashlib
import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from kratomlog.checkins import transfer as checkin_transfer
from kratomlog.checkins.models import Activity, CheckIn, SleepDiary
from kratomlog.core.bounds import MAX_SPAN_DAYS
from kratomlog.core.errors import InputError
from kratomlog.journal import document as doc
from kratomlog.journal import lossless
from kratomlog.journal.models import Change, Entry, Person
from kratomlog.journal.snapshots import snapshot
from kratomlog.plans.models import PlanVersion

# The order records are sent in: a change names its entry, so entries go before changes.
KINDS = ("entry", "checkin", "sleep", "activity", "plan", "change")
MODELS: dict[str, Any] = {
    "entry": Entry,
    "checkin": CheckIn,
    "sleep": SleepDiary,
    "activity": Activity,
    "plan": PlanVersion,
    "change": Change,
}
# The section of the lossless export each kind comes from (and its checks read).
_SECTIONS = {"checkin": "checkins", "sleep": "sleep", "activity": "activities"}


def entry_document(entry: Entry) -> dict[str, Any]:
    """Without the digest of its imported row: that is the local journal's own record of its
    imports, which a clinic never makes (and leaving it out keeps each document as it was)."""
    document = {"uid": str(entry.uid), **snapshot(entry), "imported_by": None}
    del document["source_digest"]
    return document


def change_document(change: Change, entry_uids: dict[int, str]) -> dict[str, Any]:
    return lossless.change_document(
        change, entry_uids.get(change.entry_id) if change.entry_id else None
    )


def plan_document(version: PlanVersion) -> dict[str, Any]:
    return lossless.plan_document(version)


def checkin_document(c: CheckIn) -> dict[str, Any]:
    return {
        "uid": str(c.uid),
        "taken_at": c.taken_at.isoformat(),
        "local_day": c.local_day.isoformat(),
        **{name: getattr(c, name) for name in checkin_transfer.CHECKIN_FIELDS},
    }


def sleep_document(d: SleepDiary) -> dict[str, Any]:
    return {
        "uid": str(d.uid),
        "night": d.night.isoformat(),
        **{name: getattr(d, name).isoformat() for name in checkin_transfer.SLEEP_TIMES},
        **{name: getattr(d, name) for name in checkin_transfer.SLEEP_FIELDS},
    }


def activity_document(a: Activity) -> dict[str, Any]:
    return {
        "uid": str(a.uid),
        "taken_at": a.taken_at.isoformat(),
        "local_day": a.local_day.isoformat(),
        **{name: getattr(a, name) for name in checkin_transfer.ACTIVITY_FIELDS},
    }


def document(kind: str, row: Any, entry_uids: dict[int, str] | None = None) -> dict[str, Any]:
    if kind == "change":
        if entry_uids is None:
            entry_uids = {row.entry_id: str(row.entry.uid)} if row.entry_id else {}
        return change_document(row, entry_uids)
    return _BUILDERS[kind](row)


_BUILDERS = {
    "entry": entry_document,
    "checkin": checkin_document,
    "sleep": sleep_document,
    "activity": activity_document,
    "plan": plan_document,
}


def digest(data: dict[str, Any]) -> str:
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def rows(person: Person, kind: str) -> Any:
    """The person's records of one kind, in a stable order."""
    found = MODELS[kind].objects.filter(person=person)
    if kind == "entry":
        found = found.select_related("product")
    return found.order_by("id")


def rows_by_uid(kind: str, uids: list[str]) -> Any:
    """Whoever's they are: a uid of another journal must be refused, not added twice."""
    found = MODELS[kind].objects.filter(uid__in=uids)
    if kind in ("entry", "change"):
        found = found.select_related("product" if kind == "entry" else "entry")
    return found


def documents(person: Person) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Every record of the journal as (kind, uid, document), in the order they are sent."""
    entry_uids = {pk: str(uid) for pk, uid in person.entries.values_list("id", "uid")}
    for kind in KINDS:
        for row in rows(person, kind).iterator(chunk_size=2000):
            yield kind, str(row.uid), document(kind, row, entry_uids)


def products(person: Person, names: set[str]) -> list[dict[str, Any]]:
    """The products the given entries name, as the lossless export writes them."""
    return [
        {field: lossless.finite(getattr(p, field)) for field in lossless.PRODUCT_FIELDS}
        for p in person.products.filter(name__in=names).order_by("name")
    ]


def read(kind: str, data: Any, where: str, now: datetime) -> dict[str, Any]:
    """A record's document checked as the export's import checks it: plain Python values, or
    InputError naming `where` and the field."""
    data = doc.record(data, where)
    latest = doc.latest_day(now)
    if kind == "entry":
        return lossless._entry(data, where, now, latest)
    if kind == "change":
        return lossless._change(data, where, now)
    if kind == "plan":
        return lossless._plan(data, where, now, latest + timedelta(days=MAX_SPAN_DAYS))
    section = _SECTIONS[kind]
    try:
        return checkin_transfer.read_checkins({section: [data]}, now)[section][0]  # type: ignore[no-any-return]
    except InputError as error:
        field = error.field.removeprefix(f"{section}[0]")
        raise InputError(f"{where}{field}", error.problem) from None


def read_product(data: Any, where: str) -> dict[str, Any]:
    return lossless._product(doc.record(data, where), where)


def model_fields(kind: str, checked: dict[str, Any]) -> dict[str, Any]:
    """The model's own fields from a checked record (references by uid or name left out)."""
    leave_out = {"entry": ("product", "imported_by"), "change": ("entry",)}.get(kind, ())
    return {key: value for key, value in checked.items() if key not in leave_out}
