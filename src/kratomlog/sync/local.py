"""The local journal's side: link to a clinic, sync with it, say what waits, unlink.

What the clinic already holds is remembered as one digest a record (SyncedRecord), written
only after the clinic has answered for the batch: a sync killed half-way sends that batch again
next time, and the clinic, which upserts by uid, adds nothing twice.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max

from kratomlog.core.errors import InputError
from kratomlog.journal.models import Change, Person
from kratomlog.journal.snapshots import restore
from kratomlog.plans.models import PlanVersion
from kratomlog.storage import write_private
from kratomlog.sync import records
from kratomlog.sync import schedule as schedule_sync
from kratomlog.sync.client import Clinic, ClinicRefused
from kratomlog.sync.models import ClinicLink, SyncedRecord

BATCH = 500
TOKEN_FILE = "clinic-token"
ROUNDS = 3  # a sync's own local changes (a clinic's version applied here) go in the same run


def token_path() -> Path:
    return Path(settings.DATA_DIR) / TOKEN_FILE


def linked() -> ClinicLink | None:
    return ClinicLink.objects.first()


def clinic() -> Clinic:
    """The linked clinic, with the token `link` received."""
    link = linked()
    if link is None:
        raise InputError(
            "link", "this journal is not linked to a clinic; run: kratomlog link URL CODE"
        )
    try:
        token = token_path().read_text().strip()
    except OSError:
        raise InputError(
            "link", f"the clinic's token ({token_path()}) is missing; unlink and link again"
        ) from None
    return Clinic(link.url, token)


def check_url(url: str) -> str:
    if not url.startswith(("https://", "http://")):
        raise InputError(
            "URL", f"{url!r}; give the clinic's address, e.g. https://clinic.example.org"
        )
    return url.rstrip("/")


def consent(url: str) -> dict[str, Any]:
    """The clinic's care consent text and its version (shown before anything is agreed)."""
    answer = Clinic(check_url(url)).call("GET", "/consent")
    return {"version": str(answer["version"]), "text": str(answer["text"])}


def link(*, person: Person, url: str, code: str, email: str, password: str,
         consent_version: str, now: datetime) -> ClinicLink:  # fmt: skip
    """Accept the clinic's invitation as a new patient who shares with their care team, and
    keep the address and the token (in a file only its owner can read; never printed)."""
    url = check_url(url)
    if linked() is not None:
        raise InputError(
            "URL", "this journal is already linked to a clinic; run kratomlog unlink first"
        )
    answer = Clinic(url).call(
        "POST",
        f"/invitations/{code.strip()}/accept",
        {"email": email, "password": password, "timezone": person.timezone,
         "consent_version": consent_version, "share_with_care_team": True},
    )  # fmt: skip
    write_private(token_path(), str(answer["token"]), "token")
    with transaction.atomic():
        SyncedRecord.objects.all().delete()
        return ClinicLink.objects.create(url=url, patient_id=answer["patient_id"], linked_at=now)


def unlink(now: datetime) -> str:
    """Stop sharing on the clinic (its consent revoked at once), have the clinic revoke this
    journal's token, then forget the link. Unreachable: ClinicUnreachable, and nothing is
    forgotten, so that unlinking again later still revokes the token."""
    found = clinic()
    try:
        found.call("POST", "/me/consent", {"share_with_care_team": False})
        found.call("DELETE", "/me/token")
        said = f"sharing with {found.url} stopped; the clinic revoked this journal's token"
    except ClinicRefused as refused:
        if refused.status != 401:
            raise
        said = f"{found.url} no longer accepts this journal's token; the link is forgotten"
    forget()
    return said


def forget() -> None:
    with transaction.atomic():
        ClinicLink.objects.all().delete()
        SyncedRecord.objects.all().delete()
    token_path().unlink(missing_ok=True)


@dataclass
class Waiting:
    kind: str
    uid: str
    data: dict[str, Any]
    digest: str
    base: str | None


def waiting(person: Person) -> list[Waiting]:
    """Every record the clinic does not hold in its present version, in the order sent."""
    known = dict(
        ((kind, uid), digest)
        for kind, uid, digest in SyncedRecord.objects.values_list("kind", "uid", "digest")
    )
    found = []
    for kind, uid, data in records.documents(person):
        digest = records.digest(data)
        base = known.get((kind, uid))
        if base != digest:
            found.append(Waiting(kind, uid, data, digest, base))
    return found


def edit_times(person: Person) -> dict[str, datetime]:
    """When each record was last changed here, by uid (from the journal's Change rows)."""
    times: dict[str, datetime] = {}
    entry_uids = dict(person.entries.values_list("id", "uid"))
    for entry_id, at in (
        person.changes.filter(entry__isnull=False)
        .values("entry")
        .annotate(at=Max("at"))
        .values_list("entry", "at")
    ):
        times[str(entry_uids[entry_id])] = at
    for at, after in person.changes.filter(after__isnull=False, entry__isnull=True).values_list(
        "at", "after"
    ):
        uid = (after or {}).get("uid") or (after or {}).get("plan_version")
        if isinstance(uid, str) and (uid not in times or times[uid] < at):
            times[uid] = at
    return times


def _own_time(item: Waiting) -> str:
    data = item.data
    return str(
        data.get("at") or data.get("set_at") or data.get("taken_at") or data.get("out_of_bed")
    )


@dataclass
class Synced:
    sent: int = 0
    added: int = 0
    plans: list[str] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    schedule: schedule_sync.ScheduleSynced = field(default_factory=schedule_sync.ScheduleSynced)


def sync(person: Person, now: datetime, batch: int = BATCH,
         progress: Callable[[int, int], None] | None = None) -> Synced:  # fmt: skip
    """Bring back the plans clinicians set, send and bring the check-in schedule, then send
    what the clinic lacks, batch by batch."""
    if not 1 <= batch <= BATCH:
        raise InputError("--batch", f"{batch}; a whole number from 1 to {BATCH}")
    found, link = clinic(), linked()
    assert link is not None
    done = Synced()
    _pull_plans(person, found, link, now, done)
    done.schedule = schedule_sync.sync(person, found, now)
    for _ in range(ROUNDS):
        queue = waiting(person)
        if not queue:
            break
        times = edit_times(person)
        for start in range(0, len(queue), batch):
            chunk = queue[start : start + batch]
            _send(person, found, chunk, times, now, done)
            if progress:
                progress(min(start + batch, len(queue)), len(queue))
    link.last_sync_at = now
    link.last_sync_summary = (
        f"{done.sent} records sent ({done.added} new to the clinic), {len(done.plans)} plans "
        f"brought back, {len(done.conflicts)} edited on both sides"
    )
    link.save(update_fields=["last_sync_at", "last_sync_summary"])
    return done


def _send(person: Person, found: Clinic, chunk: list[Waiting], times: dict[str, datetime],
          now: datetime, done: Synced) -> None:  # fmt: skip
    names = {w.data["product"] for w in chunk if w.kind == "entry" and w.data.get("product")}
    body = {
        "records": [
            {"kind": w.kind, "uid": w.uid, "base": w.base, "data": w.data,
             "edited_at": (times[w.uid].isoformat() if w.uid in times else _own_time(w))}
            for w in chunk
        ],
        "products": records.products(person, names),
    }  # fmt: skip
    answer = found.call("POST", "/me/sync", body)
    with transaction.atomic():
        for result in answer["results"]:
            if result["outcome"] == "kept_clinic":
                _take_clinic_version(person, result["kind"], result["data"], now)
            SyncedRecord.objects.update_or_create(
                kind=result["kind"], uid=result["uid"], defaults={"digest": result["digest"]}
            )
    done.sent += len(chunk)
    done.added += sum(1 for r in answer["results"] if r["outcome"] == "added")
    done.conflicts += answer["conflicts"]


def _take_clinic_version(person: Person, kind: str, data: dict[str, Any], now: datetime) -> None:
    """The clinic's later edit won: it replaces the record here, the journal's own version kept
    in the revision history."""
    row = records.MODELS[kind].objects.get(person=person, uid=data["uid"])
    before = records.document(kind, row)
    if kind == "entry":
        restore(row, data)
    else:
        checked = records.read(kind, data, "the clinic's version", now)
        for key, value in records.model_fields(kind, checked).items():
            setattr(row, key, value)
    row.save()
    # An entry's as an edit: undo here brings the journal's own version back.
    Change.objects.create(
        person=person, at=now, action="edit" if kind == "entry" else "sync",
        summary=f"sync: the clinic's later edit of this {kind} kept", before=before,
        after=data, entry=row if kind == "entry" else None,
    )  # fmt: skip


def _pull_plans(person: Person, found: Clinic, link: ClinicLink, now: datetime,
                done: Synced) -> None:  # fmt: skip
    more = True
    while more:
        answer = found.call("GET", f"/me/sync?since={link.cursor or '0'}")
        with transaction.atomic():
            for plan in answer["plans"]:
                checked = records.read("plan", plan["data"], "plans", now)
                if not PlanVersion.objects.filter(uid=checked["uid"]).exists():
                    PlanVersion.objects.create(
                        person=person, set_by=plan["set_by"][:200], **checked
                    )
                    Change.objects.create(
                        person=person, at=now, action="plan",
                        summary=f"plan {checked['name']!r} from {checked['start']} set by "
                        f"{plan['set_by'] or 'the clinic'}"[:500],
                        after={"plan_version": checked["uid"]},
                    )  # fmt: skip
                    done.plans.append(checked["name"])
                SyncedRecord.objects.update_or_create(
                    kind="plan", uid=checked["uid"], defaults={"digest": plan["digest"]}
                )
            link.cursor = answer["cursor"]
            link.save(update_fields=["cursor"])
        more = bool(answer["more"])


def status(person: Person) -> dict[str, Any]:
    """When the journal last synced, and what waits to be sent, by kind."""
    link = linked()
    if link is None:
        return {"linked": False}
    counts = Counter(item.kind for item in waiting(person))
    return {
        "linked": True,
        "clinic": link.url,
        "linked_at": link.linked_at.isoformat(),
        "last_sync_at": link.last_sync_at.isoformat() if link.last_sync_at else None,
        "last_sync": link.last_sync_summary,
        "waiting": {
            **{kind: counts.get(kind, 0) for kind in records.KINDS},
            schedule_sync.KIND: len(schedule_sync.own_unsent(person)),
        },
        "token_file": str(token_path()) if token_path().exists() else None,
    }
