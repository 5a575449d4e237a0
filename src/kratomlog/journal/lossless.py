"""The lossless JSON export and its import: every entry with its history, products, plans,
check-ins and settings; importing an export into an empty journal gives the same journal back.

An import checks the whole file before it writes anything, adds only what the journal lacks
(by uid), and is one change that undo reverses exactly. The changes it brings are the other
journal's history: kept, shown in revisions, never undone here.
"""

import math
from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction

from kratomlog.checkins import transfer as checkin_transfer
from kratomlog.core.bounds import MAX_GRAMS, MAX_SPAN_DAYS
from kratomlog.core.errors import InputError
from kratomlog.core.formats import ImportRejected, RowError
from kratomlog.core.formats.json_file import read_json
from kratomlog.core.plan import plan_from_dict
from kratomlog.core.text import NUL_PROBLEM, nul_at
from kratomlog.core.words import count
from kratomlog.journal import conversation
from kratomlog.journal import document as doc
from kratomlog.journal.models import FORMS, Change, Entry, Person, Product
from kratomlog.journal.person import DOSE_UNITS
from kratomlog.journal.snapshots import snapshot

JSON_FORMAT = "kratomlog-journal"
SETTINGS = ("name", "timezone", "dose_unit")  # the person's own; crisis resources beside them
PRODUCT_FIELDS = (
    "name",
    "form",
    "vein",
    "vendor",
    "batch",
    "grams_per_capsule",
    "grams_per_teaspoon",
)
SUBSTANCES = ("kratom", "magnesium", "other")


def finite(value: Any) -> Any:
    """A number JSON can hold: an impossible value kept from before the checks becomes null."""
    return None if isinstance(value, float) and not math.isfinite(value) else value


def export_json(person: Person, now: datetime) -> dict[str, Any]:
    """Everything in the journal, history and settings included."""
    return {
        "format": JSON_FORMAT,
        "version": 1,
        "exported_at": now.isoformat(),
        "person": {name: getattr(person, name) for name in SETTINGS},
        "products": [
            {field: finite(getattr(product, field)) for field in PRODUCT_FIELDS}
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
            plan_document(version) for version in person.plan_versions.order_by("set_at", "id")
        ],
        **checkin_transfer.export_checkins(person),
        "changes": [
            change_document(change, str(change.entry.uid) if change.entry_id else None)
            for change in person.changes.select_related("entry").order_by("at", "id")
        ],
        "messages": conversation.export_messages(person),
    }


# The shapes of a plan version and a change, as the export writes them and a sync carries them
# (sync.records): one serialisation of each.
def plan_document(version: Any) -> dict[str, Any]:
    return {
        "uid": str(version.uid),
        "name": version.name,
        "start": version.start.isoformat(),
        "rules": version.rules,
        "source": version.source,
        "evidence": version.evidence,
        "set_at": version.set_at.isoformat(),
        "withdrawn": version.withdrawn,
    }


def change_document(change: Change, entry_uid: str | None) -> dict[str, Any]:
    return {
        "uid": str(change.uid),
        "at": change.at.isoformat(),
        "action": change.action,
        "summary": change.summary,
        "entry": entry_uid,
        "before": change.before,
        "after": change.after,
        "undone": change.undone,
    }


def read_export(text: str, now: datetime) -> dict[str, Any]:
    """The export's content, every value checked; ImportRejected names the first bad one."""
    document, halves = read_json(text)
    if halves:  # kratomlog never writes one: this file was changed by hand or by another tool
        raise ImportRejected(
            [
                RowError(
                    0,
                    "file",
                    f"holds {count(halves, 'half character')} (a lone \\ud800-"
                    "\\udfff escape), which a kratomlog export never does; nothing imported",
                )
            ]
        )
    nul = nul_at(document)
    if nul:
        raise ImportRejected([RowError(0, nul, NUL_PROBLEM)])
    if not isinstance(document, dict) or document.get("format") != JSON_FORMAT:
        raise ImportRejected(
            [RowError(0, "format", f'not a kratomlog export (expected "format": "{JSON_FORMAT}")')]
        )
    try:
        return _checked(document, now)
    except InputError as error:
        raise ImportRejected([RowError(0, error.field, error.problem)]) from None


def _checked(document: dict[str, Any], now: datetime) -> dict[str, Any]:
    person = doc.record(document.get("person"), "person")
    latest = doc.latest_day(now)
    settings = {
        "name": doc.text(person, "name", "person", 200),
        "timezone": doc.zone_name(person, "timezone", "person"),
        # exports made before the unit was exported leave the journal's own unit as it is
        "dose_unit": doc.choice(person, "dose_unit", "person", DOSE_UNITS)
        if "dose_unit" in person
        else None,
        "crisis_resources": _crisis_resources(document),
    }
    products = [
        _product(data, f"products[{i}]") for i, data in enumerate(doc.records(document, "products"))
    ]
    entries = [
        _entry(data, f"entries[{i}]", now, latest)
        for i, data in enumerate(doc.records(document, "entries"))
    ]
    doc.unique(entries, "entries")
    changes = [
        _change(data, f"changes[{i}]", now)
        for i, data in enumerate(doc.records(document, "changes"))
    ]
    doc.unique(changes, "changes")
    plans = [
        _plan(data, f"plans[{i}]", now, latest + timedelta(days=MAX_SPAN_DAYS))
        for i, data in enumerate(doc.records(document, "plans"))
    ]
    doc.unique(plans, "plans")
    return {
        "settings": settings,
        "products": products,
        "entries": entries,
        "changes": changes,
        "plans": plans,
        **checkin_transfer.read_checkins(document, now),
        "messages": conversation.read_messages(document, now),
    }


def _crisis_resources(document: dict[str, Any]) -> str | None:
    from kratomlog.core.crisis import parse_resources

    text = document.get("crisis_resources", "")
    if not isinstance(text, str):
        raise InputError("crisis_resources", f"{text!r} is not text")
    if text.strip():
        try:
            parse_resources(text)
        except InputError as error:
            raise InputError("crisis_resources", error.problem) from None
    return text or None


def _product(data: dict[str, Any], where: str) -> dict[str, Any]:
    return {
        "name": doc.text(data, "name", where, 200),
        "form": doc.text(data, "form", where, 20),
        "vein": doc.text(data, "vein", where, 100),
        "vendor": doc.text(data, "vendor", where, 200),
        "batch": doc.text(data, "batch", where, 200),
        "grams_per_capsule": doc.amount(data, "grams_per_capsule", where, MAX_GRAMS),
        "grams_per_teaspoon": doc.amount(data, "grams_per_teaspoon", where, MAX_GRAMS),
    }


def _entry(data: dict[str, Any], where: str, now: datetime, latest: date) -> dict[str, Any]:
    substance = doc.choice(data, "substance", where, SUBSTANCES)
    form = doc.text(data, "form", where, 20)
    if substance == "kratom" and form not in FORMS:
        raise InputError(f"{where}.form", f"{form!r}; use one of {', '.join(FORMS)}")
    return {
        "uid": doc.uid(data, "uid", where),
        "substance": substance,
        "name": doc.text(data, "name", where, 200),
        "category": doc.text(data, "category", where, 40),
        "amount": doc.amount(data, "amount", where),
        "unit": doc.text(data, "unit", where, 40),
        "grams": doc.amount(data, "grams", where, MAX_GRAMS),
        "elemental_mg": doc.amount(data, "elemental_mg", where),
        "compound": doc.text(data, "compound", where, 40),
        "form": form,
        "purpose": doc.text(data, "purpose", where, 200),
        "note": doc.text(data, "note", where),
        "timezone": doc.zone_name(data, "timezone", where),
        "source": doc.text(data, "source", where, 20),
        "source_key": doc.text(data, "source_key", where, 128, null=True),
        # exports made before imports kept it, and a sync's records, leave it out
        "source_digest": doc.text(data, "source_digest", where, 16, null=True)
        if "source_digest" in data
        else None,
        "deleted": doc.flag(data, "deleted", where),
        "taken_at": doc.moment(data, "taken_at", where, now),
        "local_day": doc.day(data, "local_day", where, latest),
        "product": doc.text(data, "product", where, 200, null=True),
        "imported_by": doc.uid(data, "imported_by", where, null=True),
    }


def _change(data: dict[str, Any], where: str, now: datetime) -> dict[str, Any]:
    return {
        "uid": doc.uid(data, "uid", where),
        "at": doc.moment(data, "at", where, now),
        "action": doc.text(data, "action", where, 20),
        "summary": doc.text(data, "summary", where, 500),
        "entry": doc.uid(data, "entry", where, null=True),
        "before": doc.json_object(data, "before", where),
        "after": doc.json_object(data, "after", where),
        "undone": doc.flag(data, "undone", where),
    }


def _plan(data: dict[str, Any], where: str, now: datetime, latest: date) -> dict[str, Any]:
    plan = {
        "uid": doc.uid(data, "uid", where),
        "name": doc.text(data, "name", where, 200),
        "start": doc.day(data, "start", where, latest),
        "rules": data.get("rules"),
        "source": doc.text(data, "source", where),
        "evidence": doc.text(data, "evidence", where),
        "set_at": doc.moment(data, "set_at", where, now),
        "withdrawn": doc.flag(data, "withdrawn", where),
    }
    if not isinstance(plan["rules"], list):
        raise InputError(f"{where}.rules", "missing or not a list")
    try:  # a damaged rule rejects the file here, not at the next status
        plan_from_dict({**plan, "start": plan["start"].isoformat()})
    except InputError as error:
        raise InputError(f"{where}.{error.field}", error.problem) from None
    except (AttributeError, TypeError, ValueError):
        raise InputError(f"{where}.rules", "each rule is an object with a kind") from None
    return plan


def preview_json(person: Person, text: str, now: datetime) -> tuple[int, int]:
    """(entries the import would add, entries already here); ImportRejected if it is damaged."""
    content = read_export(text, now)
    known = {str(u) for u in person.entries.values_list("uid", flat=True)}
    fresh = sum(1 for entry in content["entries"] if entry["uid"] not in known)
    return fresh, len(content["entries"]) - fresh


def import_json(*, person: Person, text: str, now: datetime, name: str) -> tuple[int, int]:
    """Add what the journal lacks of a kratomlog JSON export, as one change undo reverses:
    (entries added, entries already here)."""
    content = read_export(text, now)
    try:
        with transaction.atomic():
            added = _restore(person, content, now, name)
    except IntegrityError:  # a uid of the file belongs to another journal in this database
        raise ImportRejected(
            [RowError(0, "uid", "the file's records belong to another journal in this database")]
        ) from None
    return added, len(content["entries"]) - added


def _missing(person: Person, model: Any, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    known = {str(uid) for uid in model.objects.filter(person=person).values_list("uid", flat=True)}
    return [item for item in items if item["uid"] not in known]


def _restore(person: Person, content: dict[str, Any], now: datetime, name: str) -> int:
    from kratomlog.checkins.models import Activity, CheckIn, SleepDiary
    from kratomlog.plans.models import PlanVersion

    missing = {
        key: _missing(person, model, content[key])
        for key, model in (
            ("entries", Entry),
            ("changes", Change),
            ("plans", PlanVersion),
            ("checkins", CheckIn),
            ("sleep", SleepDiary),
            ("activities", Activity),
        )
    }
    names = {name.lower() for name in person.products.values_list("name", flat=True)}
    new_products = [data for data in content["products"] if data["name"].lower() not in names]
    empty = not person.entries.exists() and not person.plan_versions.exists()
    before = {key: getattr(person, key) for key in (*SETTINGS, "crisis_resources")}
    settings = {key: value for key, value in content["settings"].items() if value is not None}
    adopt = empty and any(before[key] != value for key, value in settings.items())
    messages = conversation.missing_messages(person, content["messages"])
    if not adopt and not new_products and not messages and not any(missing.values()):
        return 0  # the same file again adds nothing, and is no change to undo
    fresh = missing["entries"]
    undo: dict[str, Any] = {"settings": before} if adopt else {}
    if messages:
        undo["earlier_messages"] = list(person.earlier_messages)
    change = Change.objects.create(
        person=person,
        at=now,
        action="import",
        summary=f"imported {len(fresh)} entries from {name}"[:500],
        before=undo or None,
    )
    if adopt:  # a new journal takes the settings of the one it copies
        for key, value in settings.items():
            setattr(person, key, value)
    if messages:  # kept to read back, never put into a live conversation
        person.earlier_messages = list(person.earlier_messages) + messages
    if adopt or messages:
        person.save()
    for data in new_products:
        Product.objects.create(person=person, restored_by=change, **data)
    products = {p.name: p for p in person.products.all()}
    changes = {str(c.uid): c for c in person.changes.all()}
    for data in missing["changes"]:
        changes[data["uid"]] = Change.objects.create(
            person=person,
            restored_by=change,
            **{key: value for key, value in data.items() if key != "entry"},
        )
    for data in fresh:
        fields = {key: data[key] for key in data if key not in ("product", "imported_by")}
        Entry.objects.create(
            person=person,
            product=products.get(data["product"] or ""),
            imported_by=changes.get(data["imported_by"] or ""),
            restored_by=change,
            **fields,
        )
    for data in missing["changes"]:
        if data["entry"]:
            Change.objects.filter(uid=data["uid"]).update(
                entry=person.entries.filter(uid=data["entry"]).first()
            )
    for key, model in (
        ("plans", PlanVersion),
        ("checkins", CheckIn),
        ("sleep", SleepDiary),
        ("activities", Activity),
    ):
        for data in missing[key]:
            model.objects.create(person=person, restored_by=change, **data)
    return len(fresh)


def unrestore(change: Change) -> None:
    """Undo a JSON import: what it added goes, and a journal it filled gets its settings back."""
    from kratomlog.checkins.models import Activity, CheckIn, SleepDiary
    from kratomlog.plans.models import PlanVersion

    for model in (Entry, PlanVersion, CheckIn, SleepDiary, Activity, Product):
        model.objects.filter(restored_by=change).delete()  # type: ignore[attr-defined]
    Change.objects.filter(restored_by=change).delete()
    before = change.before or {}
    if "settings" in before or "earlier_messages" in before:
        person = change.person
        for key, value in before.get("settings", {}).items():
            setattr(person, key, value)
        if "earlier_messages" in before:
            person.earlier_messages = before["earlier_messages"]
        person.save()
