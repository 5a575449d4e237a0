"""Reminders by SMS, through django-sms's backend when the clinic names one: the same neutral
words as mail, to the number the clinic keeps, with the gateway's answer in the ledger; no
backend, no SMS (and the setting refused in words)."""

import json
from datetime import timedelta

import pytest
import sms
from django.core import mail

from kratomlog.clinic import schedules, tasks, tokens
from kratomlog.clinic.models import ClinicSettings, Occurrence
from kratomlog.clinic.reminders import settings as reminder_settings
from kratomlog.core.schedule import items_from_list
from tests.clinic.conftest import NOW

LOCMEM = "sms.backends.locmem.SmsBackend"


@pytest.fixture
def outbox():
    sms.outbox = []
    yield sms.outbox
    del sms.outbox


@pytest.fixture
def put_settings(client, cast):
    key = {"HTTP_AUTHORIZATION": f"Bearer {tokens.issue(cast.patient_a.user, NOW)}"}

    def put(channels):
        return client.put(
            "/api/v1/me/reminder-settings", data=json.dumps({"channels": channels}),
            content_type="application/json", **key,
        )  # fmt: skip

    return put


def _phq9_due_at_ten(cast):
    items = items_from_list(
        [{"instrument": "phq9", "every": "day", "at": "10:00"}], (NOW - timedelta(days=7)).date()
    )
    schedules.set_for_patient(cast.clinician_a, cast.patient_a, items, NOW - timedelta(days=7))


def test_without_a_backend_sms_is_refused_in_words(put_settings, settings):
    settings.SMS_BACKEND = ""
    refused = put_settings(["mail", "sms"])
    assert refused.status_code == 422
    (problem,) = refused.json()["detail"]
    assert problem["loc"] == ["body", "channels"] and "no SMS gateway" in problem["msg"]


def test_with_a_backend_a_reminder_goes_by_sms_too_saying_only_that_a_check_in_is_due(
    cast, clock, put_settings, settings, outbox
):
    settings.SMS_BACKEND = LOCMEM
    settings.DEFAULT_FROM_SMS = "NorthClinic"
    ClinicSettings.objects.create(contact_name="North clinic")
    cast.patient_a.phone = "+49 30 1234567"
    cast.patient_a.save()
    assert put_settings(["mail", "sms"]).json()["channels"] == ["mail", "sms"]
    _phq9_due_at_ten(cast)
    now = NOW.replace(hour=9)  # 10:00 in Berlin
    clock.move_to(now)

    assert tasks.check_schedules(now) == 2  # the mail and the SMS
    assert tasks.check_schedules(now) == 0
    (text,) = outbox
    assert text.recipients == ["+49 30 1234567"] and text.originator == "NorthClinic"
    assert text.body.startswith("North clinic: a check-in is due.") and "/due/" in text.body
    for word in ("phq", "kratom", "score", "depress"):
        assert word not in text.body.lower(), word
    assert len(mail.outbox) == 1
    occurrence = Occurrence.objects.get(patient=cast.patient_a, due_at=now)
    answers = dict(occurrence.reminders.values_list("channel", "answer"))
    assert answers == {"mail": "accepted by the mail server", "sms": "accepted by the SMS gateway"}


def test_no_sms_without_a_phone_number_and_none_once_the_backend_is_gone(
    cast, clock, put_settings, settings, outbox
):
    settings.SMS_BACKEND = LOCMEM
    assert put_settings(["sms"]).status_code == 200
    _phq9_due_at_ten(cast)
    now = NOW.replace(hour=9)
    clock.move_to(now)
    assert tasks.check_schedules(now) == 0 and outbox == []  # the clinic has no number for her
    cast.patient_a.phone = "+49 30 1234567"
    cast.patient_a.save()
    settings.SMS_BACKEND = ""  # the gateway taken away: the choice stays, nothing is sent
    assert reminder_settings.of(cast.patient_a).channels == ["sms"]
    assert tasks.check_schedules(now) == 0 and outbox == []


def test_the_settings_page_offers_sms_only_with_a_backend(client, cast, settings):
    client.force_login(cast.patient_a.user, backend="django.contrib.auth.backends.ModelBackend")
    settings.SMS_BACKEND = ""
    assert b'value="sms"' not in client.get("/settings").content
    settings.SMS_BACKEND = LOCMEM
    page = client.get("/settings").content.decode()
    assert 'value="sms"' in page and "no phone number for you" in page
    saved = client.post(
        "/settings/reminders", {"channels": ["sms"], "quiet_from": "22:00", "quiet_to": "08:00"}
    )
    assert saved.status_code == 302 and reminder_settings.of(cast.patient_a).channels == ["sms"]
