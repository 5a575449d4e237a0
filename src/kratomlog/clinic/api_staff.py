"""Clinicians' and admins' endpoints: triage, a patient's status and plan, alerts, the audit log."""

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from django.db.models import F, QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from kratomlog import standing as journal_standing
from kratomlog.clinic import audit, care_plans, inbox, stale
from kratomlog.clinic.api_auth import OF_PATIENT, Bearer
from kratomlog.clinic.api_errors import PAGE_LAST, ApiInput, Text, answers
from kratomlog.clinic.api_schemas import TriageRow
from kratomlog.clinic.models import ADMIN, CLINICIAN, Alert, AuditEntry, Patient
from kratomlog.clinic.policy import (
    may_read_audit_log,
    patient_for_clinician,
    require_role,
    visible_patients,
)
from kratomlog.core.days import local_day, zone
from kratomlog.core.errors import InputError
from kratomlog.core.plan import plan_from_document
from kratomlog.core.when import parse_when

router = Router(tags=["clinicians and admins"], auth=Bearer(CLINICIAN))
PAGE_MOST = 500


def _now() -> datetime:
    return datetime.now(UTC)


def triage(clinician: Any, team: str | None = None, reason: str | None = None) -> QuerySet[Patient]:
    """The clinician's patients, most urgent first: one query whatever their number."""
    require_role(clinician, CLINICIAN)
    stale.bring_up_to_date(_now(), visible_patients(clinician))  # ranked on standings of now
    patients = visible_patients(clinician).select_related("standing", "team", "user")
    if team:
        patients = patients.filter(team__name=team)
    if reason:
        patients = patients.filter(standing__reasons__icontains=f'"{reason}"')
    return patients.order_by(
        F("standing__priority").asc(nulls_last=True),
        F("standing__last_activity_at").desc(nulls_last=True),
        "id",
    )


def _doses(by_day: list[int]) -> dict[str, Any]:
    """The 28 days' doses; none at all for a standing not refreshed since doses were counted
    (rather than a false 0)."""
    if not by_day:
        return {"doses_28": None, "doses_per_day_28": None, "doses_by_day_28": None}
    total = sum(by_day)
    return {"doses_28": total, "doses_per_day_28": round(total / len(by_day), 2),
            "doses_by_day_28": by_day}  # fmt: skip


def triage_row(patient: Patient) -> dict[str, Any]:
    standing = getattr(patient, "standing", None)
    row: dict[str, Any] = {"patient_id": str(patient.public_id), "team": patient.team.name,
                           "email": patient.user.email}  # fmt: skip
    if standing is None:
        return {**row, "reasons": [], "priority": None}
    return {
        **row,
        "reasons": standing.reasons,
        "priority": standing.priority,
        "days_since_last_dose": standing.days_since_last_dose,
        "use_days_28": standing.use_days_28,
        "grams_28": standing.grams_28,
        "grams_by_day_28": standing.grams_by_day_28,
        **_doses(standing.doses_by_day_28),
        "plan": standing.plan_name or None,
        "allowance_today": standing.allowance_today or None,
        "phq9_latest": standing.phq9_latest,
        "withdrawal_latest": standing.withdrawal_latest,
        "last_activity_at": standing.last_activity_at,
        "updated_at": standing.updated_at,
    }


@router.get("/patients", response=answers(list[TriageRow]))
def patients(
    request: HttpRequest, team: Text | None = None, reason: Text | None = None
) -> list[dict[str, Any]]:
    """The triage list: self-harm risk first, then loss of control, and so on."""
    shown = list(triage(request.user, team, reason))
    audit.record_reads(actor=request.user, role=CLINICIAN, what="triage list (API)",
                       patients=shown, address=audit.client_address(request))  # fmt: skip
    return [triage_row(patient) for patient in shown]


def read_patient(request: HttpRequest, patient_id: UUID, what: str) -> Patient:
    """The patient in the path, if this clinician may see them now (else 404); the read of
    `what` is audited and in the patient's access log."""
    patient = patient_for_clinician(request.user, patient_id)
    audit.record(
        action="read", actor=request.user, role=CLINICIAN, what=what, patient=patient,
        address=audit.client_address(request),
    )  # fmt: skip
    return patient


@router.get("/patients/{patient_id}/status", auth=OF_PATIENT, response=answers(dict[str, Any]))
def patient_status(request: HttpRequest, patient_id: UUID, on: str | None = None) -> dict[str, Any]:
    patient = read_patient(request, patient_id, "status")
    person = patient.person
    as_of = parse_when(on, _now(), zone(person.timezone), field="on")
    return journal_standing.status(person, as_of).as_dict()


class PlanIn(ApiInput):
    name: str
    start: str | None = None  # YYYY-MM-DD; default today in the patient's zone
    rule: list[dict[str, Any]] | None = Field(None, description="the TOML plan file's [[rule]]")
    rules: list[dict[str, Any]] | None = Field(
        None, description="the rules as GET /patients/{id}/status gives the plan's"
    )


@router.put("/patients/{patient_id}/plan", auth=OF_PATIENT, response=answers(dict[str, Any]))
def set_plan(request: HttpRequest, patient_id: UUID, body: PlanIn) -> dict[str, Any]:
    """A plan from its start day on (today or later, in the patient's zone): name, start, and
    its rules as `rule` (the TOML plan file's key) or `rules` (the status document's), so a
    plan read from the status can be written back as it is."""
    patient = patient_for_clinician(request.user, patient_id)
    now = _now()
    today = local_day(now, zone(patient.person.timezone))
    if (body.rule is None) == (body.rules is None):
        raise InputError("rules", "give the plan's rules once: as `rules` or as `rule`")
    document: dict[str, Any] = {"name": body.name, "rule": body.rules or body.rule or []}
    if body.start is not None:
        document["start"] = body.start
    plan = plan_from_document(document, today)
    version = care_plans.set_for_patient(
        request.user, patient, plan, now, audit.client_address(request)
    )
    return {**plan.as_dict(), "set_by": version.set_by, "set_at": version.set_at}


class HoldIn(ApiInput):
    days: int = Field(description="hold today's step this many more days, 1 to 365")
    preview: bool = Field(False, description="true: answer what it would do, set nothing")


class StepBackIn(ApiInput):
    preview: bool = Field(False, description="true: answer what it would do, set nothing")


def _changed_taper(request: HttpRequest, patient_id: UUID, days: int | None,
                   preview: bool) -> dict[str, Any]:  # fmt: skip
    """Hold or step back (kratomlog's own offer, never made on its own): the new plan with its
    schedule and what it does to today; set as the clinician's plan unless `preview`."""
    from kratomlog.core.sources import HOLD_OR_STEP_BACK

    patient = patient_for_clinician(request.user, patient_id)
    now = _now()
    plan = care_plans.changed_taper(patient, now, days)
    shown = care_plans.preview(patient, plan, now)
    answer: dict[str, Any] = {
        **plan.as_dict(),
        "steps": [
            {
                "step": s.number,
                "from": s.first_day.isoformat(),
                "to": s.last_day.isoformat() if s.last_day else None,
                "allowance_grams": s.grams_per_day,
            }
            for s in shown.steps
        ],
        "effects": shown.effects,
        "offered_as": HOLD_OR_STEP_BACK.citation,
        "set": not preview,
        "set_by": None,
        "set_at": None,
    }
    if not preview:
        version = care_plans.set_for_patient(
            request.user, patient, plan, now, audit.client_address(request)
        )
        answer.update(set_by=version.set_by, set_at=version.set_at)
    return answer


@router.post("/patients/{patient_id}/plan/hold", auth=OF_PATIENT, response=answers(dict[str, Any]))
def hold_step(request: HttpRequest, patient_id: UUID, body: HoldIn) -> dict[str, Any]:
    """Hold the taper's step in force `days` more days; every later step moves by as many. A new
    plan version from today (the patient's), set by the clinician; `preview` sets nothing."""
    return _changed_taper(request, patient_id, body.days, body.preview)


@router.post(
    "/patients/{patient_id}/plan/step-back", auth=OF_PATIENT, response=answers(dict[str, Any])
)
def step_back(request: HttpRequest, patient_id: UUID, body: StepBackIn) -> dict[str, Any]:
    """From today, the previous step's allowance for a whole step, then the taper's steps down
    from it: a new plan version set by the clinician; `preview` sets nothing."""
    return _changed_taper(request, patient_id, None, body.preview)


class AlertEvidenceOut(Schema):
    """The facts an alert was raised on; which are set depends on its kind."""

    checkin_at: datetime | None = None  # self_harm_risk: the PHQ-9's moment
    item_9: int | None = None  # self_harm_risk: the item-9 answer, 1-3
    total: int | None = None  # self_harm_risk: the PHQ-9 total, 0-27
    day: date | None = None  # limit_broken, over_allowance, loss_of_control: the breach day
    plan: str | None = None
    rule: str | None = None
    breach: str | None = None  # the breach in words: "12 g on the day; no more than 8 g a day"
    grams: float | None = None  # limit_broken, over_allowance: the day's total, when it counts
    allowed_grams: float | None = None  # the daily limit or the taper's allowance that day
    last_contact_at: datetime | None = None  # not_heard_from (null: nothing since joining)
    days: int | None = None  # not_heard_from: days since last contact
    since: date | None = None  # escalation, withdrawal_persisting, loss_of_control
    message: str | None = None
    replaced: str | None = None  # plan_changed_by_patient: the clinician's plan
    checkin: str | None = None  # bam_flag: the BAM's uid
    flagged_items: list[int] | None = None  # bam_flag: the items that flagged (8: cravings)
    subscales: dict[str, int] | None = None  # bam_flag: use, risk, protective
    in_force: str | None = None  # plan_changed_by_patient: the patient's plan now


class AlertOut(Schema):
    id: int
    patient_id: str
    patient_name: str  # the display name, else the email
    patient_email: str
    patient_phone: str
    patient_sharing: bool  # false once they stopped sharing (an urgent alert stays)
    kind: str
    state: str  # open, acknowledged, resolved
    urgent: bool
    detail: str  # what happened, in the third person
    evidence: AlertEvidenceOut
    raised_at: datetime
    updated_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    resolved_at: datetime | None
    resolved_by: str | None
    resolution: str | None  # the resolving clinician's note
    stopped_sharing_at: datetime | None


def _staff_name(user: Any) -> str | None:
    if user is None:
        return None
    account = getattr(user, "account", None)
    return (account and account.display_name) or user.email or user.get_username()


def alert_out(alert: Alert) -> AlertOut:
    patient = alert.patient
    facts = {
        key: value for key, value in alert.evidence.items() if key in AlertEvidenceOut.model_fields
    }
    return AlertOut(
        id=alert.id,
        patient_id=str(patient.public_id),
        patient_name=patient.shown_name,
        patient_email=patient.user.email,
        patient_phone=patient.phone,
        patient_sharing=patient.sharing,
        kind=alert.kind,
        state=alert.state,
        urgent=alert.urgent,
        detail=alert.detail,
        evidence=AlertEvidenceOut(**facts),
        raised_at=alert.raised_at,
        updated_at=alert.updated_at,
        acknowledged_at=alert.acknowledged_at,
        acknowledged_by=_staff_name(alert.acknowledged_by),
        resolved_at=alert.resolved_at,
        resolved_by=_staff_name(alert.resolved_by),
        resolution=alert.resolution_note or None,
        stopped_sharing_at=alert.stopped_sharing_at,
    )


@router.get("/alerts", response=answers(list[AlertOut]))
def alerts(
    request: HttpRequest, state: str | None = None, team: Text | None = None
) -> list[AlertOut]:
    """Alerts about the clinician's patients: those who share, and the urgent alerts that were
    open when a patient stopped sharing (`patient_sharing: false`)."""
    stale.bring_up_to_date(_now(), visible_patients(request.user))
    shown = list(inbox.alerts_for(request.user, state, team))
    audit.record_reads(actor=request.user, role=CLINICIAN, what="alert list (API)",
                       patients=[alert.patient for alert in shown],
                       address=audit.client_address(request))  # fmt: skip
    return [alert_out(alert) for alert in shown]


@router.post("/alerts/{alert_id}/ack", response=answers(dict[str, Any]))
def acknowledge(request: HttpRequest, alert_id: int) -> dict[str, Any]:
    alert = inbox.acknowledge(request.user, alert_id, _now(), audit.client_address(request))
    return {"id": alert.id, "state": alert.state, "acknowledged_at": alert.acknowledged_at}


class _OfAlert(Bearer):
    """A clinician who may see the alert named in the path ({alert_id}), checked before the
    body is read: an alert of another team answers 404 whatever was sent, as an unknown one."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = super().authenticate(request, token)
        if user is not None:
            match = request.resolver_match
            alert_id = str(match.kwargs.get("alert_id", "")) if match else ""
            if not alert_id.isdigit() or not inbox.alerts_for(user).filter(id=alert_id).exists():
                raise Http404
        return user


OF_ALERT = _OfAlert(CLINICIAN)


class ResolveIn(ApiInput):
    note: str  # how it was resolved, in a few words


@router.post("/alerts/{alert_id}/resolve", auth=OF_ALERT, response=answers(AlertOut))
def resolve(request: HttpRequest, alert_id: int, body: ResolveIn) -> AlertOut:
    """Resolve the alert with a note; it ends there (the same evidence never raises it again)."""
    alert = inbox.resolve(request.user, alert_id, body.note, _now(), audit.client_address(request))
    return alert_out(alert)


@router.get("/audit", auth=Bearer(ADMIN), response=answers(dict[str, Any]))
def audit_log(
    request: HttpRequest,
    patient: UUID | None = None,
    page: int = Query(1, ge=1, le=PAGE_LAST),  # type: ignore[type-arg]
    per_page: int = Query(100, ge=1, le=PAGE_MOST),  # type: ignore[type-arg]
) -> dict[str, Any]:
    """The audit log (admins), newest first; `patient` narrows it to one patient."""
    if not may_read_audit_log(request.user):
        from django.http import Http404

        raise Http404
    rows = AuditEntry.objects.order_by("-id")
    if patient is not None:
        rows = rows.filter(patient_public_id=patient)
    first = (page - 1) * per_page
    return {
        "items": [
            {
                "id": row.id,
                "at": row.at,
                "who": row.actor_label,
                "role": row.role,
                "action": row.action,
                "what": row.what,
                "patient_id": str(row.patient_public_id) if row.patient_public_id else None,
                "address": row.address,
                "hash": row.hash,
            }
            for row in rows[first : first + per_page]
        ],
        "page": page,
        "per_page": per_page,
        "total": rows.count(),
    }
