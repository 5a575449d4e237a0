"""A local journal that syncs with the clinic: its records in, the plans clinicians set out.

POST /api/v1/me/sync takes a batch (at most 500 records) and upserts it by uid in one
transaction: sent twice, it adds nothing the second time. GET /api/v1/me/sync?since=CURSOR
lists the plans clinicians set for the patient after the cursor. GET /api/v1/me/sync/schedule
answers the check-in schedule in force, for the journal to copy; PUT sends one the patient set
in their journal, taken only where the clinic lets patients set their own.
"""

from datetime import UTC, datetime
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from kratomlog.clinic import audit, schedules
from kratomlog.clinic.api_auth import Bearer, account_for_use
from kratomlog.clinic.api_errors import ApiInput, answers
from kratomlog.clinic.models import PATIENT
from kratomlog.clinic.policy import own_patient
from kratomlog.core.errors import InputError
from kratomlog.sync import receive, records

router = Router(tags=["a local journal's sync"], auth=Bearer(PATIENT))
BATCH_MOST = 500
PLANS_MOST = 200


class RecordIn(ApiInput):
    kind: Literal["entry", "checkin", "sleep", "activity", "plan", "change"]
    uid: str = Field(min_length=36, max_length=36, description="the record's uid")
    base: str | None = Field(
        None,
        max_length=64,
        description="the digest the clinic gave for this record at the last sync; null if new",
    )
    edited_at: str = Field(description="ISO 8601 with an offset: when the journal last changed it")
    data: dict[str, Any] = Field(
        description="the record as `kratomlog export json` writes it (entries[], checkins[], "
        "sleep[], activities[], plans[], changes[])"
    )


class BatchIn(ApiInput):
    records: list[RecordIn] = Field(max_length=BATCH_MOST)
    products: list[dict[str, Any]] = Field(
        default_factory=list,
        max_length=BATCH_MOST,
        description="the products the batch's entries name, as in the export's products[]",
    )


class ResultOut(Schema):
    kind: str
    uid: str
    outcome: Literal["added", "same", "updated", "kept_clinic"]
    digest: str = Field(description="the record's digest on the clinic now: the next `base`")
    data: dict[str, Any] | None = Field(None, description="kept_clinic: the clinic's version")
    replaced_by: dict[str, Any] | None = Field(
        None,
        description="an edit of a plan a clinician set: kept as a new plan version of the "
        "patient's own ({data, digest}); the clinician's version stays as they set it",
    )


class ConflictOut(Schema):
    kind: str
    uid: str
    winner: Literal["journal", "clinic"]
    journal_edited_at: str
    clinic_edited_at: str


class BatchOut(Schema):
    results: list[ResultOut]
    conflicts: list[ConflictOut]


class PlanOut(Schema):
    data: dict[str, Any] = Field(description="the plan as in the export's plans[]")
    digest: str
    set_by: str


class PlansOut(Schema):
    plans: list[PlanOut]
    cursor: str = Field(description="pass as `since` next time")
    more: bool


def _moment(text: str, field: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(field, f"{text!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise InputError(field, f"{text!r} has no offset; write e.g. 2026-11-23T18:00:00+00:00")
    return moment


def _audit_sync(request: HttpRequest, received: receive.Received) -> None:
    """What a sync wrote, by kind and outcome, in the audit log."""
    from collections import Counter

    from kratomlog.clinic import audit

    counts = Counter(f"{r['kind']} {r['outcome']}" for r in received.results)
    written = ", ".join(f"{n} {what}" for what, n in sorted(counts.items())) or "nothing"
    audit.record(
        action="write", actor=request.user, role=PATIENT, patient=own_patient(request.user),
        what=f"sync: {written}; {len(received.conflicts)} edited on both sides",
        address=audit.client_address(request),
    )  # fmt: skip
    account_for_use(request)


@router.post("/sync", response=answers(BatchOut))
def sync_batch(request: HttpRequest, body: BatchIn) -> dict[str, Any]:
    """Upsert a batch of the journal's records by uid; a conflict is reported, the later edit
    kept and the other version left in the revision history."""
    person = own_patient(request.user).person
    batch = [
        receive.Incoming(
            kind=item.kind,
            uid=item.uid,
            base=item.base,
            edited_at=_moment(item.edited_at, f"records[{i}].edited_at"),
            data=item.data,
        )
        for i, item in enumerate(body.records)
    ]
    received = receive.receive(person, batch, body.products, datetime.now(UTC))
    _audit_sync(request, received)
    return {"results": received.results, "conflicts": received.conflicts}


@router.get("/sync", response=answers(PlansOut))
def plans_since(
    request: HttpRequest,
    since: str = Query("0", pattern=r"^[0-9]{1,18}$"),  # type: ignore[type-arg]
) -> dict[str, Any]:
    """The plans clinicians set for this patient after `since` (a cursor from the last call)."""
    person = own_patient(request.user).person
    plans = receive.plans_set_by_clinicians(person, int(since), PLANS_MOST + 1)
    shown = plans[:PLANS_MOST]
    out = []
    for version in shown:
        data = records.plan_document(version)
        out.append({"data": data, "digest": records.digest(data), "set_by": version.set_by})
    return {
        "plans": out,
        "cursor": str(shown[-1].id) if shown else since,
        "more": len(plans) > PLANS_MOST,
    }


class SyncedScheduleOut(Schema):
    uid: str
    items: list[dict[str, Any]] = Field(description="as in PUT /me/schedule, each with its start")
    set_at: datetime
    set_by: str = Field(description='the clinician\'s name, "default of TEAM", or "" (you)')
    by_patient: bool


class ScheduleSyncOut(Schema):
    schedule: SyncedScheduleOut | None = Field(description="the version in force; null: none")
    patients_may_change: bool = Field(description="whether this clinic takes a patient's own")


class ScheduleSentIn(ApiInput):
    uid: str = Field(
        min_length=36,
        max_length=36,
        pattern=r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
        description="the version's uid",
    )
    items: list[dict[str, Any]] = Field(max_length=50)
    set_at: str = Field(description="ISO 8601 with an offset: when it was set in the journal")


class ScheduleSentOut(ScheduleSyncOut):
    outcome: Literal["added", "same", "refused"]
    detail: str | None = Field(None, description="refused: why")


def _schedule_state(patient: Any) -> dict[str, Any]:
    return {
        "schedule": schedules.in_force(patient),
        "patients_may_change": schedules.patients_may_set_own(),
    }


@router.get("/sync/schedule", response=answers(ScheduleSyncOut))
def schedule_in_force(request: HttpRequest) -> dict[str, Any]:
    """The check-in schedule in force here, with its uid and who set it."""
    return _schedule_state(own_patient(request.user))


@router.put("/sync/schedule", response=answers(ScheduleSentOut))
def schedule_from_journal(request: HttpRequest, body: ScheduleSentIn) -> dict[str, Any]:
    """A schedule the patient set in the journal. Where the care team sets schedules (the
    clinic's default), it is refused and nothing changes: the answer carries the one in force,
    for the journal to put back."""
    patient, now = own_patient(request.user), datetime.now(UTC)
    try:
        uid = str(UUID(body.uid))
    except ValueError:
        raise InputError("uid", f"{body.uid!r} is not a uid") from None
    outcome = schedules.take_from_journal(
        patient, uid, body.items, _moment(body.set_at, "set_at"), now,
        audit.client_address(request),
    )  # fmt: skip
    refused = schedules.REFUSED if outcome == "refused" else None
    return {"outcome": outcome, "detail": refused, **_schedule_state(patient)}
