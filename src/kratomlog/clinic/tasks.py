"""Background work for a clinic, run by `kratomlog clinic worker` (Django tasks, a database queue).

Mail about an alert is sent at most once per (alert, recipient, round): the delivery row is
claimed first (a unique key), the mail sent, then the row marked sent. A retry, a second
worker or a repeat of the alert finds the claim and sends nothing. A claim whose worker died
(its lease expired, see worker_lease) or that is older than STALE_CLAIM is taken over, so the
task run again by a live worker sends what the dead one did not. The one case that can send
twice: a worker killed after handing the mail to the server and before marking it sent.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.tasks import task
from django.utils import timezone

from kratomlog.clinic import alerts, mail, worker_lease
from kratomlog.clinic.models import ALERT_OPEN, Alert, AlertDelivery, Patient
from kratomlog.clinic.policy import clinicians_of

FIRST, ESCALATION = "first", "escalation"
STALE_CLAIM = timedelta(minutes=10)  # a claim not marked sent by then was lost with its worker
ESCALATE_AFTER = timedelta(hours=1)  # urgent alerts unacknowledged this long go to the team


def _claim(alert: Alert, recipient_id: int, round_: str, now: datetime) -> AlertDelivery | None:
    """This worker's claim on one delivery, or None when it is sent or another worker has it."""
    worker_id = worker_lease.current_worker_id()
    try:
        with transaction.atomic():
            return AlertDelivery.objects.create(
                alert=alert,
                recipient_id=recipient_id,
                round=round_,
                claimed_at=now,
                claimed_by=worker_id,
            )
    except IntegrityError:
        pass
    unsent = AlertDelivery.objects.filter(
        alert=alert, recipient_id=recipient_id, round=round_, sent_at__isnull=True
    )
    delivery = unsent.first()
    if delivery is None:
        return None
    lost_with_worker = delivery.claimed_by not in (
        "",
        worker_id,
    ) and delivery.claimed_by not in worker_lease.live_worker_ids(now)
    if not lost_with_worker and delivery.claimed_at >= now - STALE_CLAIM:
        return None
    # Take it over with a conditional update on the claim seen: of several takers, one wins.
    taken = unsent.filter(
        id=delivery.id, claimed_at=delivery.claimed_at, claimed_by=delivery.claimed_by
    ).update(claimed_at=now, claimed_by=worker_id)
    return delivery if taken else None


def alert_mail(alert: Alert) -> tuple[str, str]:
    """Subject and body: no health detail, only that a patient needs attention, and a link."""
    link = f"{settings.CLINIC_BASE_URL.rstrip('/')}/clinic/alerts/{alert.id}"
    urgent = "Urgent: " if alert.urgent else ""
    subject = f"{urgent}a patient of {alert.patient.team.name} needs attention"
    body = (
        f"A patient of the care team {alert.patient.team.name} needs attention.\n\n"
        f"Sign in to the clinic to see why:\n{link}\n\n"
        "This mail holds no health details on purpose."
    )
    return subject, body


def deliver(alert_id: int, round_: str, now: datetime | None = None) -> int:
    """Mail the alert to each recipient not yet mailed for this round; the number sent."""
    now = now or timezone.now()
    alert = (
        Alert.objects.select_related("patient__team")
        .filter(alerts.still_shown(), id=alert_id)
        .first()
    )
    if alert is None:  # gone, or about a patient who stopped sharing: no mail to a dead link
        return 0
    recipients = clinicians_of(alert.patient).exclude(email="")
    subject, body = alert_mail(alert)
    sent = 0
    for user in recipients:
        delivery = _claim(alert, user.id, round_, now)
        if delivery is None:
            continue
        mail.send(subject, body, [user.email], about=f"alert {alert.id}, {round_} round")
        AlertDelivery.objects.filter(id=delivery.id).update(sent_at=timezone.now())
        sent += 1
    return sent


@task()
def send_alert_mail(alert_id: int, round_: str = FIRST) -> int:
    return deliver(alert_id, round_)


def escalate_urgent(now: datetime | None = None) -> int:
    """Urgent alerts still unacknowledged after an hour: re-sent once to the whole team."""
    now = now or timezone.now()
    due = Alert.objects.filter(
        urgent=True,
        state=ALERT_OPEN,
        escalated_at__isnull=True,
        raised_at__lte=now - ESCALATE_AFTER,
    )
    count = 0
    for alert in due:
        if Alert.objects.filter(id=alert.id, escalated_at__isnull=True).update(escalated_at=now):
            deliver(alert.id, ESCALATION, now)
            count += 1
    return count


def check_not_heard_from(now: datetime | None = None) -> int:
    """Refresh the standing of patients silent for a week, which raises `not_heard_from`.

    Silence changes no data, so no write refreshes it: this periodic check does.
    """
    from django.db.models import Q

    from kratomlog.clinic import standing

    now = now or timezone.now()
    quiet_since = now - standing.SILENCE
    silent = Patient.objects.filter(
        Q(standing__last_activity_at__lt=quiet_since)
        | Q(standing__last_activity_at__isnull=True, joined_at__lt=quiet_since)
    )
    count = 0
    for patient in silent.select_related("person"):
        with transaction.atomic():
            refreshed = standing.refresh(patient, now)
        count += "not_heard_from" in refreshed.reasons
    return count


LEDGER_CHUNK = 500  # patients brought up to date together, in one transaction


def _bring_up_to_date(patients: list[Patient], now: datetime) -> None:
    """The chunk's ledger made, opened, done or missed, their standing refreshed when that
    changed a missed run. A chunk that fails is done again patient by patient, so that one
    patient whose turn fails is logged and skipped and the others' reminders go on."""
    import logging

    from kratomlog.clinic import occurrences, standing

    log = logging.getLogger("kratomlog.reminders")
    try:
        with transaction.atomic():
            occurrences.make_coming_for(patients, now)
            for patient in occurrences.settle_for(patients, now):
                if occurrences.missed_in_a_row(patient, now) != patient.missed_before:  # type: ignore[attr-defined]
                    standing.refresh(patient, now)
        return
    except Exception:
        log.warning("schedules of %d patients checked one by one", len(patients), exc_info=True)
    for patient in patients:
        try:
            with transaction.atomic():
                occurrences.make_coming(patient, now)
                missed_before = occurrences.missed_in_a_row(patient, now)
                occurrences.settle(patient, now)
                if occurrences.missed_in_a_row(patient, now) != missed_before:
                    standing.refresh(patient, now)
        except Exception:
            log.exception("schedule of patient %s not checked", patient.id)


def check_schedules(now: datetime | None = None) -> int:
    """Each scheduled patient's ledger brought up to now, a chunk of patients at a time, then
    the reminders due sent (reminders.sending.send_due: another worker may share that); the
    number of reminders this worker sent."""
    from kratomlog.clinic import occurrences
    from kratomlog.clinic.reminders import sending

    now = now or timezone.now()
    chunk: list[Patient] = []
    for patient in occurrences.scheduled_patients().iterator(chunk_size=LEDGER_CHUNK):
        chunk.append(patient)
        if len(chunk) == LEDGER_CHUNK:
            _bring_up_to_date(chunk, now)
            chunk = []
    if chunk:
        _bring_up_to_date(chunk, now)
    return sending.send_due(now)


@task()
def periodic_checks() -> dict[str, int]:
    """What the worker runs every minute: not-heard-from checks and urgent escalations."""
    return {"not_heard_from": check_not_heard_from(), "escalated": escalate_urgent()}
