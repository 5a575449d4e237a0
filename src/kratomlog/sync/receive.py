"""The clinic's side of a sync: a batch of a local journal's records upserted by uid.

A record the clinic lacks is added; one it holds in the same version is left alone (a batch
sent again after an interruption adds nothing); one the journal changed since it last synced
(the clinic still holds the version the journal was given, `base`) is updated. When both sides
changed it, the later edit wins and the other version stays in the journal's revision history
(a Change row) and is reported. The whole batch is one transaction, and it ends with one Change
row of its own: the clinic's hook on Change rows refreshes the patient's standing and raises
their alerts once a batch, not once a record.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db import IntegrityError, router, transaction
from django.db.models import Max
from django.db.models.signals import post_save

from kratomlog.core.errors import InputError
from kratomlog.journal.models import Change, Entry, Person, Product
from kratomlog.plans.models import PlanVersion
from kratomlog.sync import records

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Incoming:
    kind: str
    uid: str
    base: str | None  # the digest the journal was last given for it; None: new to the clinic
    edited_at: datetime  # when the journal last changed it
    data: dict[str, Any]  # its document, as sent (its digest is taken of this)


@dataclass
class Received:
    results: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def receive(
    person: Person, batch: list[Incoming], product_docs: list[Any], now: datetime
) -> Received:
    """Check every record first (InputError names `records[i].data.field`), then write all."""
    checked = [
        records.read(item.kind, item.data, f"records[{i}].data", now)
        for i, item in enumerate(batch)
    ]
    for i, (item, values) in enumerate(zip(batch, checked, strict=True)):
        if values["uid"] != item.uid.lower():
            raise InputError(f"records[{i}].uid", "is not the uid of its data")
    seen: set[tuple[str, str]] = set()
    for i, item in enumerate(batch):
        if (item.kind, item.uid.lower()) in seen:
            raise InputError(f"records[{i}].uid", "appears twice in the batch")
        seen.add((item.kind, item.uid.lower()))
    product_values = [
        records.read_product(data, f"products[{i}]") for i, data in enumerate(product_docs)
    ]
    try:
        with transaction.atomic():
            return _write(person, batch, checked, product_values, now)
    except IntegrityError:
        raise InputError(
            "records", "a record clashes with one the clinic holds under another uid"
        ) from None


def _write(
    person: Person,
    batch: list[Incoming],
    checked: list[dict[str, Any]],
    product_values: list[dict[str, Any]],
    now: datetime,
) -> Received:
    # Locks the person's row: two syncs of one journal at once take turns.
    Person.objects.select_for_update().filter(id=person.id).first()
    names = {name.lower() for name in person.products.values_list("name", flat=True)}
    for values in product_values:
        if values["name"].lower() not in names:
            Product.objects.create(person=person, **values)
            names.add(values["name"].lower())
    # Made without its signal: the clinic's hook runs once every record is in (below).
    marker = Change(person=person, at=now, action="sync", summary="a sync")
    Change.objects.bulk_create([marker])
    writing = _Batch(person, now, marker)
    for kind in records.KINDS:
        chosen = [(item, checked[i]) for i, item in enumerate(batch) if item.kind == kind]
        if chosen:
            writing.write_kind(kind, chosen)
    received = writing.received
    outcomes = [result["outcome"] for result in received.results]
    if all(outcome == "same" for outcome in outcomes):
        marker.delete()  # a batch sent again: nothing happened, nothing to record
        return received
    # The batch's own row is the journal's history, never undone here (undo belongs to the
    # journal where a change was made); "plan" when plans came, so that a patient's own plan
    # over their clinician's still raises its alert.
    marker.action = "plan" if any(item.kind == "plan" for item in batch) else "sync"
    marker.summary = (
        f"synced from the local journal: {outcomes.count('added')} added, "
        f"{outcomes.count('updated')} updated, {len(received.conflicts)} edited on both sides"
    )
    marker.restored_by = marker
    marker.save(update_fields=["action", "summary", "restored_by"])
    # A batch that brought a check-in is judged in its transaction, as a check-in is.
    post_save.send(sender=Change, instance=marker, created=True, raw=False,
                   using=router.db_for_write(Change), update_fields=None,
                   brought_checkins=any(item.kind == "checkin" for item in batch))  # fmt: skip
    return received


class _Batch:
    def __init__(self, person: Person, now: datetime, marker: Change) -> None:
        self.person, self.now, self.marker = person, now, marker
        self.received = Received()
        self.products = {p.name: p for p in person.products.all()}

    def write_kind(self, kind: str, items: list[tuple[Incoming, dict[str, Any]]]) -> None:
        held = {
            str(row.uid): row
            for row in records.rows_by_uid(kind, [values["uid"] for _, values in items])
        }
        if any(row.person_id != self.person.id for row in held.values()):
            raise InputError("records", "a record's uid belongs to another journal")
        entries: dict[str, Entry] = {}
        if kind == "change":
            named = {values["entry"] for _, values in items if values["entry"]}
            entries = {str(e.uid): e for e in self.person.entries.filter(uid__in=named)}
        fresh = []
        for item, values in items:
            row = held.get(values["uid"])
            sent = records.digest(item.data)
            if row is None:
                fresh.append(self.new_row(kind, values, entries))
                self.result(item, "added", sent)
                continue
            current = records.document(kind, row)
            if records.digest(current) == sent:
                self.result(item, "same", sent)
            elif kind == "plan" and row.set_by_user_id is not None:
                self.replace_clinician_plan(row, item, values, current)
            elif kind == "change" or item.base == records.digest(current):
                self.update(row, kind, values, current, item.data, "the local journal's edit")
                self.result(item, "updated", sent)
            else:
                self.conflict(row, kind, item, values, current)
        # bulk: no hook a row (the batch's own row runs it once)
        records.MODELS[kind].objects.bulk_create(fresh, batch_size=500)

    def replace_clinician_plan(
        self, row: PlanVersion, item: Incoming, values: dict[str, Any], current: Any
    ) -> None:
        """A clinician's plan version is theirs: a patient's edit of it never rewrites it. The
        edited plan becomes a new version of the patient's own (whose batch row, a "plan",
        raises the "patient changed a plan you set" alert); a withdrawal is not taken."""
        replaced_by = None
        if not values["withdrawn"]:
            version = PlanVersion.objects.create(
                person=self.person,
                restored_by=self.marker,
                set_at=self.now,
                **{k: v for k, v in records.model_fields("plan", values).items()
                   if k not in ("uid", "set_at", "withdrawn")},
            )  # fmt: skip
            document = records.plan_document(version)
            replaced_by = {"data": document, "digest": records.digest(document)}
        self.history(row, "plan", item.data, current, "sync: a plan the clinician set kept")
        self.result(
            item, "kept_clinic", records.digest(current), data=current, replaced_by=replaced_by
        )

    def result(self, item: Incoming, outcome: str, digest: str, **more: Any) -> None:
        self.received.results.append(
            {"kind": item.kind, "uid": item.uid.lower(), "outcome": outcome, "digest": digest,
             **more}
        )  # fmt: skip

    def new_row(self, kind: str, values: dict[str, Any], entries: dict[str, Entry]) -> Any:
        fields = records.model_fields(kind, values)
        if kind == "entry":
            fields["product"] = self.products.get(values["product"] or "")
        if kind == "change":
            fields["entry"] = entries.get(values["entry"] or "")
        return records.MODELS[kind](person=self.person, restored_by=self.marker, **fields)

    def update(
        self, row: Any, kind: str, values: dict[str, Any], before: Any, after: Any, why: str
    ) -> None:
        if kind == "change":  # a change is history: only whether it was undone can change
            row.undone = values["undone"]
            row.save(update_fields=["undone"])
            return
        for key, value in records.model_fields(kind, values).items():
            setattr(row, key, value)
        if kind == "entry":
            row.product = self.products.get(values["product"] or "")
        row.save()
        self.history(row, kind, before, after, f"sync: {why} kept")

    def history(self, row: Any, kind: str, before: Any, after: Any, text: str) -> None:
        """Both versions in the revision history, as a Change row of the batch (so the
        patient's undo on the clinic never reverses a sync, and the hook runs once)."""
        Change.objects.bulk_create(
            [
                Change(
                    person=self.person,
                    at=self.now,
                    action="edit" if kind == "entry" else "sync",
                    summary=f"{text} ({kind} {row.uid})"[:500],
                    entry=row if kind == "entry" else None,
                    before=before,
                    after=after,
                    restored_by=self.marker,
                )
            ]
        )

    def conflict(
        self, row: Any, kind: str, item: Incoming, values: dict[str, Any], current: Any
    ) -> None:
        """Both sides changed the record since the journal last synced: the later edit wins."""
        clinic_at = clinic_edited_at(row, kind)
        if item.edited_at > clinic_at:
            self.update(row, kind, values, current, item.data, "the local journal's later edit")
            self.result(item, "updated", records.digest(item.data))
            winner = "journal"
        else:
            self.history(row, kind, item.data, current, "sync: the clinic's later edit kept")
            self.result(item, "kept_clinic", records.digest(current), data=current)
            winner = "clinic"
        self.received.conflicts.append(
            {"kind": kind, "uid": item.uid.lower(), "winner": winner,
             "journal_edited_at": item.edited_at.isoformat(),
             "clinic_edited_at": clinic_at.isoformat()}
        )  # fmt: skip


def clinic_edited_at(row: Any, kind: str) -> datetime:
    """When the record was last changed on the clinic itself (not brought by a sync)."""
    made_here = Change.objects.filter(person_id=row.person_id, restored_by__isnull=True)
    if kind == "entry":
        made_here = made_here.filter(entry=row)
    elif kind == "plan":
        made_here = made_here.filter(after__plan_version=str(row.uid))
    else:
        made_here = made_here.filter(after__uid=str(row.uid))
    return made_here.aggregate(latest=Max("at"))["latest"] or EPOCH


def plans_set_by_clinicians(person: Person, since: int, most: int) -> list[PlanVersion]:
    return list(
        PlanVersion.objects.filter(
            person=person, set_by_user_id__isnull=False, id__gt=since
        ).order_by("id")[:most]
    )
