"""A clinician's alerts: what is open for their patients, acknowledging and resolving."""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404

from kratomlog.clinic import audit
from kratomlog.clinic.alerts import still_shown
from kratomlog.clinic.models import (
    ALERT_ACKNOWLEDGED,
    ALERT_OPEN,
    ALERT_RESOLVED,
    CLINICIAN,
    Alert,
)
from kratomlog.clinic.policy import require_role
from kratomlog.core.errors import InputError

STATES = (ALERT_OPEN, ALERT_ACKNOWLEDGED, ALERT_RESOLVED)


def alerts_for(
    clinician: Any, state: str | None = None, team: str | None = None
) -> QuerySet[Alert]:
    """The alerts about patients `clinician` may see now, newest first: those of their teams'
    sharing patients, and the urgent alerts that were open when a patient stopped sharing."""
    require_role(clinician, CLINICIAN)
    alerts = Alert.objects.filter(
        still_shown(), patient__team__in=clinician.account.teams.all()
    ).select_related("patient", "patient__team", "patient__user", "resolved_by__account",
                     "acknowledged_by__account")  # fmt: skip
    if state is not None:
        if state not in STATES:
            raise InputError("state", f"{state!r} is not one of {', '.join(STATES)}")
        alerts = alerts.filter(state=state)
    if team is not None:
        alerts = alerts.filter(patient__team__name=team)
    return alerts.order_by("-urgent", "-raised_at")


def _alert_for(clinician: Any, alert_id: int) -> Alert:
    alert = alerts_for(clinician).filter(id=alert_id).first()
    if alert is None:
        raise Http404
    return alert


@transaction.atomic
def acknowledge(clinician: Any, alert_id: int, now: datetime, address: str | None = None) -> Alert:
    alert = _alert_for(clinician, alert_id)
    if alert.state == ALERT_OPEN:
        alert.state = ALERT_ACKNOWLEDGED
        alert.acknowledged_by = clinician
        alert.acknowledged_at = now
        alert.updated_at = now
        alert.save()
    audit.record(
        action="alert-ack", actor=clinician, role=CLINICIAN, what=f"alert {alert.id} {alert.kind}",
        patient=alert.patient, address=address, at=now,
    )  # fmt: skip
    return alert


@transaction.atomic
def resolve(
    clinician: Any, alert_id: int, note: str, now: datetime, address: str | None = None
) -> Alert:
    alert = _alert_for(clinician, alert_id)
    if not note.strip():
        raise InputError("note", "say how it was resolved (a short note)")
    if alert.state != ALERT_RESOLVED:
        alert.state = ALERT_RESOLVED
        alert.resolved_by = clinician
        alert.resolved_at = now
        alert.resolution_note = note.strip()
        alert.updated_at = now
        if alert.acknowledged_at is None:
            alert.acknowledged_by, alert.acknowledged_at = clinician, now
        alert.save()
    audit.record(
        action="alert-resolve", actor=clinician, role=CLINICIAN,
        what=f"alert {alert.id} {alert.kind}", patient=alert.patient, address=address, at=now,
    )  # fmt: skip
    return alert
