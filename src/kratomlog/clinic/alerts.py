"""Raising alerts: one alert per piece of evidence, and one unresolved alert per patient and kind.

An alert carries the evidence it was raised on (the PHQ-9 answer, the breach day, the moment of
last contact): the same evidence never raises it again, resolved or not, whatever is recorded
next. New evidence updates the unresolved alert of that kind, or raises a new one once the last
was resolved. A new alert is mailed to the patient's clinicians by the worker once the raising
transaction commits (see tasks); self-harm risk is urgent and raised in the check-in's own
transaction. A patient who does not share raises nothing.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet

from kratomlog.clinic.models import ALERT_RESOLVED, Alert, Patient

URGENT_KINDS = {"self_harm_risk", "help_requested"}  # mailed at once, re-sent after an hour


@dataclass(frozen=True)
class Evidence:
    """What an alert is raised on: `key` names the event (never raised again for it), `detail`
    says it to a clinician in the third person, `facts` gives it as fields (the API's)."""

    key: str
    detail: str
    facts: dict[str, Any] = field(default_factory=dict)


def _key(kind: str, evidence: Evidence) -> str:
    return f"{kind}:{evidence.key}"[:200]


def raise_alert(patient: Patient, kind: str, now: datetime, evidence: Evidence) -> Alert | None:
    """The alert of `kind` for this evidence: None when the patient does not share or an alert
    (resolved or not) already carries it; the unresolved one updated; else a new one, mailed."""
    if not patient.sharing:
        return None
    key = _key(kind, evidence)
    ours = Alert.objects.filter(patient=patient, kind=kind)
    if ours.filter(evidence_key=key).exists():
        return None
    values = {
        "updated_at": now,
        "detail": evidence.detail[:500],
        "evidence": evidence.facts,
        "evidence_key": key,
    }
    live = ours.exclude(state=ALERT_RESOLVED)
    if live.update(**values):
        return live.get()
    try:
        # A savepoint: another process raising the same alert at this moment wins a unique
        # constraint, and this one leaves theirs as it is instead of failing the writer's
        # transaction.
        with transaction.atomic():
            alert = Alert.objects.create(
                patient=patient, kind=kind, urgent=kind in URGENT_KINDS, raised_at=now, **values
            )
    except IntegrityError:
        return live.first()
    from kratomlog.clinic import tasks

    alert_id = alert.id
    transaction.on_commit(lambda: tasks.send_alert_mail.enqueue(alert_id, "first"))
    return alert


def open_urgent(patient: Patient) -> QuerySet[Alert]:
    """The patient's unresolved urgent alerts: what their team keeps if they stop sharing."""
    return Alert.objects.filter(patient=patient, urgent=True).exclude(state=ALERT_RESOLVED)


def patient_stopped_sharing(patient: Patient, now: datetime) -> int:
    """Mark the unresolved urgent alerts as kept by the team; the number marked."""
    return (
        open_urgent(patient).filter(stopped_sharing_at__isnull=True).update(stopped_sharing_at=now)
    )


def still_shown() -> Q:
    """Alerts a team sees: those of sharing patients, and the urgent alerts that were open when
    their patient stopped sharing."""
    return Q(patient__sharing=True) | Q(stopped_sharing_at__isnull=False)


def help_requested(patient: Patient, now: datetime) -> Alert | None:
    """Help now's "Tell my care team now": each tap is an event of its own, urgent, mailed to the
    team at once (None when the patient does not share: nobody is told)."""
    return raise_alert(
        patient,
        "help_requested",
        now,
        Evidence(
            key=f"tapped {now.isoformat()}",
            detail="Tapped Help now and asked the care team to contact them now.",
            facts={"at": now.isoformat()},
        ),
    )
