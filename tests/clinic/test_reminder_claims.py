"""Reminders claimed a batch at a time: each still goes once, a send another live worker holds
is left to it, and one lost with its worker is taken over and sent."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.core import mail

from kratomlog.checkins import schedules
from kratomlog.clinic import tasks
from kratomlog.clinic.models import Occurrence, Reminder, WorkerLease
from kratomlog.clinic.reminders import sending
from kratomlog.core.schedule import items_from_list
from tests.clinic.conftest import NOW

MOMENT = NOW.replace(hour=15, minute=0)  # afternoon in Berlin, morning in New York


def _daily_due_ten_minutes_ago(patient):
    at = (MOMENT - timedelta(minutes=10)).astimezone(ZoneInfo(patient.person.timezone))
    items = items_from_list(
        [{"instrument": "phq9", "every": "day", "at": f"{at:%H:%M}"}],
        (NOW - timedelta(days=7)).date(),
    )
    schedules.save(patient.person, items, MOMENT - timedelta(days=7))


def test_patients_in_several_batches_each_get_one_reminder(cast, clock, monkeypatch):
    monkeypatch.setattr(tasks, "LEDGER_CHUNK", 1)
    monkeypatch.setattr(sending, "BATCH", 1)
    clock.move_to(MOMENT)
    for patient in (cast.patient_a, cast.patient_b):
        _daily_due_ten_minutes_ago(patient)
    assert tasks.check_schedules(MOMENT) == 2
    assert tasks.check_schedules(MOMENT + timedelta(minutes=1)) == 0
    assert sorted(m.to[0] for m in mail.outbox) == ["ana@example.org", "ben@example.org"]
    today = Occurrence.objects.filter(due_at=MOMENT - timedelta(minutes=10))
    assert sorted(today.values_list("state", flat=True)) == ["due", "due"]


def test_a_send_a_live_worker_holds_is_left_to_it_and_taken_over_once_that_worker_is_gone(
    cast, clock
):
    clock.move_to(MOMENT)
    _daily_due_ten_minutes_ago(cast.patient_a)
    tasks.check_schedules(MOMENT - timedelta(minutes=20))  # today's made, not due yet
    mail.outbox.clear()  # yesterday's reminder, sent in that tick
    occurrence = Occurrence.objects.get(
        patient=cast.patient_a, due_at=MOMENT - timedelta(minutes=10)
    )
    WorkerLease.objects.create(worker_id="other:1", started_at=MOMENT, beat_at=MOMENT)
    Reminder.objects.create(
        occurrence=occurrence, channel="mail", round=1, claimed_at=MOMENT, claimed_by="other:1"
    )
    assert tasks.check_schedules(MOMENT) == 0 and mail.outbox == []
    WorkerLease.objects.all().delete()  # that worker died before it sent
    assert tasks.check_schedules(MOMENT) == 1
    assert tasks.check_schedules(MOMENT) == 0
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]
    reminder = Reminder.objects.get(occurrence=occurrence)
    assert reminder.sent_at is not None and reminder.answer == "accepted by the mail server"
