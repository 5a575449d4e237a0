"""Clinicians' and admins' endpoints: triage, a patient's status and plan, alerts, the audit log."""

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from django.db.models import F, QuerySet
from django.http import HttpRequest
from ninja import Query, Router

from kratomlog import standing as journal_standing
from kratomlog.clinic import audit, care_plans, inbox
from kratomlog.clinic.api_auth import OF_PATIENT, Bearer
from kratomlog.clinic.api_errors import PAGE_LAST, ApiInput, Text, answers
from kratomlog.clinic.api_schemas import TriageRow
from kratomlog.clinic.models import ADMIN, CLINICIAN, AuditEntry, Patient
from kratomlog.clinic.policy import (
    may_read_audit_log,
    patient_for_clinician,
    require_role,
    visible_patients,
)
from kratomlog.core.days import local_day, zone
from kratomlog.core.plan import plan_from_document
from kratomlog.core.when import parse_when

router = Router(tags=["clinicians and admins"], auth=Bearer(CLINICIAN))
PAGE_MOST = 500


def _now() -> datetime:
    return datetime.now(UTC)


def triage(clinician: Any, team: str | None = None, reason: str | None = None) -> QuerySet[Patient]:
    """The clinician's patients, most urgent first: one query whatever their number."""
    require_role(clinician, CLINICIAN)
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
    return [triage_row(patient) for patient in triage(request.user, team, reason)]


def _read(request: HttpRequest, patient_id: UUID, what: str) -> Patient:
    patient = patient_for_clinician(request.user, patient_id)
    audit.record(
        action="read", actor=request.user, role=CLINICIAN, what=what, patient=patient,
        address=audit.client_address(request),
    )  # fmt: skip
    return patient


@router.get("/patients/{patient_id}/status", auth=OF_PATIENT, response=answers(dict[str, Any]))
def patient_status(request: HttpRequest, patient_id: UUID, on: str | None = None) -> dict[str, Any]:
    patient = _read(request, patient_id, "status")
    person = patient.person
    as_of = parse_when(on, _now(), zone(person.timezone), field="on")
    return journal_standing.status(person, as_of).as_dict()


class PlanIn(ApiInput):
    name: str
    start: str | None = None  # YYYY-MM-DD; default today in the patient's zone
    rule: list[dict[str, Any]]


@router.put("/patients/{patient_id}/plan", auth=OF_PATIENT, response=answers(dict[str, Any]))
def set_plan(request: HttpRequest, patient_id: UUID, body: PlanIn) -> dict[str, Any]:
    """A plan in the TOML plan format's keys (name, start, rule), from its start day on."""
    patient = patient_for_clinician(request.user, patient_id)
    now = _now()
    today = local_day(now, zone(patient.person.timezone))
    document = {"name": body.name, "rule": body.rule}
    if body.start is not None:
        document["start"] = body.start
    plan = plan_from_document(document, today)
    version = care_plans.set_for_patient(
        request.user, patient, plan, now, audit.client_address(request)
    )
    return {**plan.as_dict(), "set_by": version.set_by, "set_at": version.set_at}


@router.get("/alerts", response=answers(list[dict[str, Any]]))
def alerts(
    request: HttpRequest, state: str | None = None, team: Text | None = None
) -> list[dict[str, Any]]:
    return [
        {
            "id": alert.id,
            "patient_id": str(alert.patient.public_id),
            "kind": alert.kind,
            "state": alert.state,
            "urgent": alert.urgent,
            "raised_at": alert.raised_at,
            "updated_at": alert.updated_at,
        }
        for alert in inbox.alerts_for(request.user, state, team)
    ]


@router.post("/alerts/{alert_id}/ack", response=answers(dict[str, Any]))
def acknowledge(request: HttpRequest, alert_id: int) -> dict[str, Any]:
    alert = inbox.acknowledge(request.user, alert_id, _now(), audit.client_address(request))
    return {"id": alert.id, "state": alert.state, "acknowledged_at": alert.acknowledged_at}


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
