"""Raising alerts: one unresolved alert per patient and kind; a repeat updates it.

A new alert is mailed to the patient's clinicians by the worker once the raising transaction
commits (see tasks); self-harm risk is urgent and raised in the check-in's own transaction.
"""

from datetime import datetime

from django.db import IntegrityError, transaction

from kratomlog.clinic.models import ALERT_RESOLVED, Alert, Patient

URGENT_KINDS = {"self_harm_risk", "help_requested"}  # mailed at once, re-sent after an hour


def raise_alert(patient: Patient, kind: str, now: datetime, detail: str = "") -> Alert:
    """The unresolved alert of `kind` for `patient`: updated if there is one, else a new one."""
    detail = detail[:500]
    live = Alert.objects.filter(patient=patient, kind=kind).exclude(state=ALERT_RESOLVED)
    if live.update(updated_at=now, detail=detail):
        return live.get()
    try:
        # A savepoint: another process raising the same alert at this moment wins the unique
        # constraint, and this one updates theirs instead of failing the writer's transaction.
        with transaction.atomic():
            alert = Alert.objects.create(
                patient=patient,
                kind=kind,
                urgent=kind in URGENT_KINDS,
                detail=detail,
                raised_at=now,
                updated_at=now,
            )
    except IntegrityError:
        live.update(updated_at=now, detail=detail)
        return live.get()
    from kratomlog.clinic import tasks

    alert_id = alert.id
    transaction.on_commit(lambda: tasks.send_alert_mail.enqueue(alert_id, "first"))
    return alert
