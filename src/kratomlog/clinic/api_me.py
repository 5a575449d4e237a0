"""A patient's own journal through the API: the same services as the CLI and the pages."""

from datetime import UTC, date, datetime
from typing import Any, Literal

from django.db import transaction
from django.http import HttpRequest
from ninja import Field, Query, Router, Status

from kratomlog import standing
from kratomlog.checkins.services import record_bam, record_checkin
from kratomlog.clinic import audit, people, tokens
from kratomlog.clinic.api_auth import Bearer, account_for_use
from kratomlog.clinic.api_errors import PAGE_LAST, ApiInput, answers
from kratomlog.clinic.api_schemas import AccessLogPage, CheckinOut, SharingOut
from kratomlog.clinic.models import PATIENT, AuditEntry, Patient
from kratomlog.clinic.policy import own_patient
from kratomlog.core import bam
from kratomlog.core.days import parse_day, zone
from kratomlog.core.errors import InputError
from kratomlog.core.when import parse_when
from kratomlog.journal import queries, services
from kratomlog.journal.models import KRATOM, MAGNESIUM, Entry
from kratomlog.journal.snapshots import snapshot

router = Router(tags=["a patient's own journal"], auth=Bearer(PATIENT))
PAGE_MOST = 500


def _patient(request: HttpRequest) -> Patient:
    return own_patient(request.user)


def _now() -> datetime:
    return datetime.now(UTC)


def _audit_write(request: HttpRequest, what: str) -> None:
    """What a patient wrote through the API, in the audit log (not only that a token was used)."""
    audit.record(action="write", actor=request.user, role=PATIENT, what=what,
                 patient=_patient(request), address=audit.client_address(request))  # fmt: skip
    account_for_use(request)


class EntryIn(ApiInput):
    substance: str = Field(
        description="kratom, magnesium, or the name of another substance (alcohol...)",
        min_length=1,
        max_length=200,
    )
    amount: float | None = Field(None, gt=0, description="in `unit`; required for kratom")
    unit: str = Field("g", max_length=40, description="g or mg; caps or tsp with a product")
    taken_at: str | None = Field(None, description="ISO 8601; default now")
    product: str | None = None
    form: str | None = None
    purpose: str = ""
    note: str = Field("", max_length=10_000)
    confirm_high: bool = False
    compound: str = Field("elemental", description="magnesium: the compound weighed")
    category: str | None = Field(None, description="another substance: its category")


class CheckinIn(ApiInput):
    kind: Literal["phq9", "gad7", "withdrawal", "craving", "bam"]
    answers: list[int | list[str]] = Field(
        description="the item scores in order; for the BAM 17 values, each item 0-4 (item 14: "
        "0 no, 4 yes) and item 7 a list of drug names, possibly empty"
    )
    taken_at: str | None = None


class ConsentIn(ApiInput):
    share_with_care_team: bool


def entry_document(entry: Entry) -> dict[str, Any]:
    return {"id": entry.id, "uid": str(entry.uid), **snapshot(entry)}


@router.get("/status", response=answers(dict[str, Any]))
def my_status(request: HttpRequest, on: str | None = None) -> dict[str, Any]:
    """The same document as `kratomlog status --json [--on WHEN]`."""
    person = _patient(request).person
    as_of = parse_when(on, _now(), zone(person.timezone), field="on")
    return standing.status(person, as_of).as_dict()


@router.post("/entries", response=answers(dict[str, Any], 201))
@transaction.atomic  # the write and its audit row: both or neither, one commit
def log_entry(request: HttpRequest, body: EntryIn) -> Status:
    """Record a dose (or magnesium, or another substance) and say what it breaks."""
    person, now = _patient(request).person, _now()
    amount = f"{body.amount:g} {body.unit}" if body.amount is not None else None
    kind = body.substance.strip().lower()
    if kind == KRATOM:
        logged = services.log_kratom(
            person=person, amount=amount or "", now=now, at=body.taken_at, product=body.product,
            form=body.form, purpose=body.purpose, note=body.note, confirm_high=body.confirm_high,
        )  # fmt: skip
    elif kind == MAGNESIUM:
        logged = services.log_magnesium(
            person=person, amount=amount or "", form=body.compound, now=now, at=body.taken_at,
            note=body.note,
        )  # fmt: skip
    else:
        logged = services.log_other(
            person=person, name=body.substance.strip(), amount=amount, category=body.category,
            at=body.taken_at, now=now, note=body.note,
        )  # fmt: skip
    meaning = standing.what_it_means(logged, now)
    entry = meaning.entry
    _audit_write(request, f"logged {body.substance.strip()} {amount or '(no amount)'} taken "
                          f"{entry.taken_at:%Y-%m-%d %H:%M} UTC (entry {entry.uid})")  # fmt: skip
    return Status(
        201,
        {
            "entry": entry_document(meaning.entry),
            "warnings": meaning.warnings,
            "breaches": [breach.as_dict() for breach in meaning.breaches],
            "notices": [vars(notice) for notice in meaning.notices],
        },
    )


@router.get("/entries", response=answers(dict[str, Any]))
def my_entries(
    request: HttpRequest,
    from_day: str | None = Query(None, alias="from"),  # type: ignore[type-arg]
    to_day: str | None = Query(None, alias="to"),  # type: ignore[type-arg]
    page: int = Query(1, ge=1, le=PAGE_LAST),  # type: ignore[type-arg]
    per_page: int = Query(50, ge=1, le=PAGE_MOST),  # type: ignore[type-arg]
) -> dict[str, Any]:
    """Entries, newest first, `per_page` a page; `from`/`to` are local days, inclusive."""
    person = _patient(request).person
    rows = queries.entries_in(
        person,
        _day(from_day, "from") if from_day else None,
        _day(to_day, "to") if to_day else None,
    )
    total = rows.count()
    first = (page - 1) * per_page
    chosen = rows.order_by("-taken_at", "-id")[first : first + per_page]
    return {
        "items": [entry_document(entry) for entry in chosen],
        "page": page,
        "per_page": per_page,
        "total": total,
    }


def _day(text: str, field: str) -> date:
    return parse_day(text, field)


@router.post("/checkins", response=answers(CheckinOut, 201))
@transaction.atomic  # the write and its audit row: both or neither, one commit
def check_in(request: HttpRequest, body: CheckinIn) -> Status:
    """A scored questionnaire; PHQ-9 item 9 above 0 brings the crisis resources at once, the
    clinic's (`crisis_resources`), with `care_team_alerted` and the `care_team` to call."""
    person = _patient(request).person
    if body.kind == bam.KEY:
        return _check_in_bam(request, person, body)
    if any(isinstance(answer, list) for answer in body.answers):
        raise InputError("answers", f"{body.kind} answers are whole numbers; a list was given")
    recorded = record_checkin(
        person=person,
        key=body.kind,
        now=_now(),
        answers=",".join(str(answer) for answer in body.answers),
        at=body.taken_at,
    )
    answer: dict[str, Any] = {
        "id": recorded.checkin.id,
        "uid": str(recorded.checkin.uid),
        "kind": body.kind,
        "score": recorded.score.total,
        "band": recorded.score.band,
    }
    _audit_write(request, f"check-in {body.kind}, score {recorded.score.total} "
                          f"(check-in {recorded.checkin.uid})")  # fmt: skip
    if recorded.crisis_resources:
        answer["crisis_resources"] = [vars(r) for r in recorded.crisis_resources]
        team = recorded.care_team
        answer["care_team_alerted"] = bool(team and team.alerted)
        if team is not None:
            answer["care_team"] = {
                "name": team.name, "phone": team.phone, "reads_alerts": team.reads_alerts
            }
    return Status(201, answer)


def bam_document(scored: bam.BamScore) -> dict[str, Any]:
    """The subscales and the 17 answers, each with its published text and label."""
    items = []
    for item, answer in zip(bam.ITEMS, scored.stored(), strict=True):
        label = None if isinstance(answer, list) else item.choices[item.scores.index(answer)]
        items.append({"number": item.number, "text": item.text, "answer": answer,
                      "label": label, "subscale": item.subscale})  # fmt: skip
    return {"subscales": scored.subscales, "items": items, "flagged_items": list(scored.flags)}


def _check_in_bam(request: HttpRequest, person: Any, body: CheckinIn) -> Status:
    recorded = record_bam(
        person=person, now=_now(), answers=body.answers, at=body.taken_at, field="answers"
    )
    scored = recorded.score
    _audit_write(request, f"check-in bam, use {scored.use}, risk {scored.risk}, protective "
                          f"{scored.protective} (check-in {recorded.checkin.uid})")  # fmt: skip
    return Status(
        201,
        {
            "id": recorded.checkin.id,
            "uid": str(recorded.checkin.uid),
            "kind": bam.KEY,
            "score": None,
            "band": None,
            **bam_document(scored),
        },
    )


@router.post("/consent", response=answers(SharingOut))
def set_consent(request: HttpRequest, body: ConsentIn) -> dict[str, Any]:
    """`share_with_care_team: false` revokes sharing at once; true grants it again."""
    patient = _patient(request)
    consent = people.set_sharing(
        patient, body.share_with_care_team, _now(), request.user, audit.client_address(request)
    )
    return {"share_with_care_team": consent.granted, "version": consent.version, "at": consent.at}


@router.get("/access-log", response=answers(AccessLogPage))
def access_log(
    request: HttpRequest,
    page: int = Query(1, ge=1, le=PAGE_LAST),  # type: ignore[type-arg]
    per_page: int = Query(100, ge=1, le=PAGE_MOST),  # type: ignore[type-arg]
) -> dict[str, Any]:
    """Every access by staff to this patient's data, newest first."""
    patient = _patient(request)
    rows = (
        AuditEntry.objects.filter(patient=patient)
        .exclude(role=PATIENT)
        .exclude(role="")
        .order_by("-id")
    )
    first = (page - 1) * per_page
    return {
        "items": [
            {
                "at": row.at,
                "who": row.actor_label,
                "role": row.role,
                "action": row.action,
                "what": row.what,
            }
            for row in rows[first : first + per_page]
        ],
        "page": page,
        "per_page": per_page,
        "total": rows.count(),
    }


@router.delete("/token", response=answers(None, 204))
def give_up_token(request: HttpRequest) -> Status:
    """Revoke the token this request carries: from the next request on it answers 401.

    `kratomlog unlink` calls it before it forgets the token."""
    tokens.revoke_own(request.api_token, _now(), audit.client_address(request))  # type: ignore[attr-defined]
    return Status(204, None)
