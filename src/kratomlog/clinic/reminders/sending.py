"""Sending reminders: at most two per occurrence (the second SECOND_AFTER after the first),
none once it is done, missed or superseded (its window ends when the next is due), none in
the patient's quiet hours.

Each send is claimed first under the key (occurrence, channel, round), then sent, then marked
sent with what the channel answered, as alert mail is (clinic.tasks): a second worker, a retry
or a repeat finds the claim and sends nothing, and a claim whose worker died is taken over.
The one case that can send twice: a worker killed after handing the reminder to the mail
server (or push service) and before marking it sent; the worker that takes the claim over
sends it again.
"""

import logging
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from kratomlog.clinic import worker_lease
from kratomlog.clinic.models import Occurrence, Patient, Reminder
from kratomlog.clinic.reminders import channels, settings
from kratomlog.core import schedule
from kratomlog.core.days import stored_zone

STALE_CLAIM = timedelta(minutes=10)
_log = logging.getLogger("kratomlog.reminders")


def _claim(occurrence: Occurrence, channel: str, round_: int, now: datetime) -> Reminder | None:
    """This worker's claim on one send, or None when it is sent or another worker has it."""
    worker_id = worker_lease.current_worker_id()
    try:
        with transaction.atomic():
            return Reminder.objects.create(
                occurrence=occurrence, channel=channel, round=round_,
                claimed_at=now, claimed_by=worker_id,
            )  # fmt: skip
    except IntegrityError:
        pass
    unsent = Reminder.objects.filter(
        occurrence=occurrence, channel=channel, round=round_, sent_at__isnull=True
    )
    reminder = unsent.first()
    if reminder is None:
        return None
    lost_with_worker = reminder.claimed_by not in ("", worker_id) and (
        reminder.claimed_by not in worker_lease.live_worker_ids(now)
    )
    if not lost_with_worker and reminder.claimed_at >= now - STALE_CLAIM:
        return None
    taken = unsent.filter(
        id=reminder.id, claimed_at=reminder.claimed_at, claimed_by=reminder.claimed_by
    ).update(claimed_at=now, claimed_by=worker_id)
    return reminder if taken else None


def _round_due(occurrence: Occurrence, now: datetime, chosen: settings.Chosen) -> int | None:
    sent = sorted(
        (r for r in occurrence.reminders.all() if r.sent_at is not None),
        key=lambda r: r.round,
    )
    rounds = {r.round for r in sent}
    first = min((r.sent_at for r in sent if r.round == 1 and r.sent_at), default=None)
    core = schedule.Occurrence(occurrence.instrument, occurrence.due_at, occurrence.window_end)
    return schedule.reminder_round_due(
        core, core.state(now, occurrence.state == "done"), now, first, len(rounds),
        (chosen.quiet_from, chosen.quiet_to), stored_zone(occurrence.patient.person.timezone),
    )  # fmt: skip


def send_for(patient: Patient, now: datetime) -> int:
    """Send the reminders due now for the patient's open occurrences; the number sent."""
    chosen = settings.of(patient)
    ways = channels.chosen(patient, chosen.channels)
    if not ways:
        return 0
    due = Occurrence.objects.filter(
        patient=patient, state="due", due_at__lte=now, window_end__gt=now
    ).prefetch_related("reminders")
    sent = 0
    for occurrence in due:
        occurrence.patient = patient
        round_ = _round_due(occurrence, now, chosen)
        if round_ is None:
            continue
        for way in ways:
            send = channels.CHANNELS.get(way)
            if send is None:
                continue
            reminder = _claim(occurrence, way, round_, now)
            if reminder is None:
                continue
            try:
                answers = send(patient, occurrence, round_)
            except Exception as error:  # a channel down: logged, the claim left for a retry
                _log.error("reminder %s by %s not sent: %s", occurrence.id, way, error)
                continue
            Reminder.objects.filter(id=reminder.id).update(
                sent_at=timezone.now(), answer="; ".join(answers)[:2000]
            )
            sent += 1
    return sent
