"""Check-in schedules in a clinic: set by a clinician (kept and audited), a team's default,
the ledger the worker keeps, and reminders that say nothing but that a check-in is due."""

import json
from datetime import timedelta

import pytest
from django.core import mail

from kratomlog.checkins.models import ScheduleVersion
from kratomlog.checkins.services import record_checkin
from kratomlog.clinic import people, schedules, tasks, tokens
from kratomlog.clinic.consent import CARE_CONSENT
from kratomlog.clinic.models import AuditEntry, ClinicSettings, Occurrence, Reminder
from kratomlog.clinic.reminders import settings as reminder_settings
from kratomlog.core.schedule import items_from_list
from tests.clinic.conftest import NOW

PHQ9_WEEKLY = {"instrument": "phq9", "every": "week", "weekday": "mon", "at": "09:00"}
SLEEP_DAILY = {"instrument": "sleep", "every": "day", "at": "08:30"}
NINE = "1,1,1,1,1,1,1,1,0"


@pytest.fixture
def call(client, cast):
    keys = {
        "clinician_a": tokens.issue(cast.clinician_a, NOW),
        "clinician_b": tokens.issue(cast.clinician_b, NOW),
        "patient_a": tokens.issue(cast.patient_a.user, NOW),
    }

    def run(method, path, who, body=None):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {keys[who]}"}
        if body is None:
            return getattr(client, method)(f"/api/v1{path}", **headers)
        return getattr(client, method)(
            f"/api/v1{path}", data=json.dumps(body), content_type="application/json", **headers
        )

    return run


def test_a_clinician_sets_the_schedule_every_version_kept_with_its_author_and_audited(cast, call):
    path = f"/patients/{cast.patient_a.public_id}/schedule"
    answer = call("put", path, "clinician_a", {"items": [PHQ9_WEEKLY, SLEEP_DAILY]})
    assert answer.status_code == 200, answer.content
    shown = answer.json()
    assert shown["set_by"] == "Dr Lee" and shown["patients_may_change"] is False
    phq9 = shown["items"][0]
    assert phq9["instrument"] == "phq9" and len(phq9["next"]) == 14
    # 09:00 in Berlin: the next Monday is 30 November (NOW is Monday 19:00, after today's).
    assert phq9["next"][0]["due_at"] == "2026-11-30T08:00:00Z"
    assert call("get", "/me/schedule", "patient_a").json()["items"][1]["instrument"] == "sleep"
    call("put", path, "clinician_a", {"items": [SLEEP_DAILY]})
    assert ScheduleVersion.objects.filter(person=cast.patient_a.person).count() == 2
    assert AuditEntry.objects.filter(action="schedule", patient=cast.patient_a).count() == 2
    # Another team's clinician meets an unknown address.
    assert call("put", path, "clinician_b", {"items": [SLEEP_DAILY]}).status_code == 404


def test_bad_items_answer_422_naming_the_field_and_write_nothing(cast, call):
    path = f"/patients/{cast.patient_a.public_id}/schedule"
    bad = {**PHQ9_WEEKLY, "weekday": "someday"}
    answer = call("put", path, "clinician_a", {"items": [SLEEP_DAILY, bad]})
    assert answer.status_code == 422
    detail = answer.json()["detail"][0]
    assert detail["loc"] == ["body", "items[1].weekday"] and "mon, tue" in detail["msg"]
    assert not ScheduleVersion.objects.exists()


def test_a_patient_changes_their_own_only_where_the_clinic_lets_them(cast, call, settings):
    assert call("put", "/me/schedule", "patient_a", {"items": [SLEEP_DAILY]}).status_code == 403
    settings.PATIENTS_SET_SCHEDULE = True
    answer = call("put", "/me/schedule", "patient_a", {"items": [SLEEP_DAILY]})
    assert answer.status_code == 200 and answer.json()["set_by"] == "patient"


def test_a_new_patient_starts_with_the_team_default(cast, tmp_path):
    from typer.testing import CliRunner

    from kratomlog.cli import app

    default = tmp_path / "north.json"
    default.write_text(json.dumps({"items": [SLEEP_DAILY]}))
    runner = CliRunner()
    done = runner.invoke(app, ["clinic", "team-schedule", "North", "--file", str(default)])
    assert done.exit_code == 0 and '"instrument": "sleep"' in done.output, done.output
    default.write_text(json.dumps({"items": [{**SLEEP_DAILY, "at": "8am"}]}))
    refused = runner.invoke(app, ["clinic", "team-schedule", "North", "--file", str(default)])
    assert refused.exit_code == 2 and "items[0].at" in refused.output
    patient = people.add_patient(
        email="cy@example.org", password="cy's long password 12", timezone="Europe/Berlin",
        team=cast.north, consent_version=CARE_CONSENT.version, share_with_care_team=True, now=NOW,
    )  # fmt: skip
    version = ScheduleVersion.objects.get(person=patient.person)
    assert version.set_by == "default of North" and version.items[0]["instrument"] == "sleep"
    assert version.items[0]["start"] == "2026-11-23"


def test_reminder_settings_round_trip_and_refuse_an_unknown_channel(cast, call):
    assert call("get", "/me/reminder-settings", "patient_a").json() == {
        "channels": ["push"], "quiet_hours": {"from": "22:00", "to": "08:00"},
    }  # fmt: skip
    chosen = {"channels": ["push", "mail"], "quiet_hours": {"from": "21:30", "to": "07:00"}}
    assert call("put", "/me/reminder-settings", "patient_a", chosen).json() == chosen
    refused = call("put", "/me/reminder-settings", "patient_a", {"channels": ["sms"]})
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["body", "channels"]
    late = {"channels": ["mail"], "quiet_hours": {"from": "10pm", "to": "08:00"}}
    refused = call("put", "/me/reminder-settings", "patient_a", late)
    assert refused.json()["detail"][0]["loc"] == ["body", "quiet_hours.from"]


def _daily_phq9_set_earlier(cast, clock, at="09:00"):
    """A daily PHQ-9 at `at` in Berlin, set a week before NOW by Dr Lee."""
    items = items_from_list(
        [{"instrument": "phq9", "every": "day", "at": at}], (NOW - timedelta(days=7)).date()
    )
    schedules.set_for_patient(cast.clinician_a, cast.patient_a, items, NOW - timedelta(days=7))


def test_the_worker_sends_one_mail_then_a_second_three_hours_on_and_none_once_done(cast, clock):
    ClinicSettings.objects.create(contact_name="North clinic")
    _daily_phq9_set_earlier(cast, clock, at="10:00")
    clock.move_to(NOW.replace(hour=9))  # 10:00 in Berlin: today's is due
    now = NOW.replace(hour=9)
    assert tasks.check_schedules(now) == 1
    assert tasks.check_schedules(now) == 0  # the same tick again: nothing more
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.subject == "North clinic" and sent.to == ["ana@example.org"]
    assert "A check-in is due." in sent.body and "/due/" in sent.body
    for word in ("PHQ", "phq9", "kratom", "score", "depress"):
        assert word.lower() not in (sent.subject + sent.body).lower(), word
    assert tasks.check_schedules(now + timedelta(hours=2)) == 0  # too soon for the second
    assert tasks.check_schedules(now + timedelta(hours=3)) == 1
    assert tasks.check_schedules(now + timedelta(hours=6)) == 0  # two at most
    occurrence = Occurrence.objects.get(patient=cast.patient_a, due_at=now)
    assert sorted(occurrence.reminders.values_list("channel", "round")) == [
        ("mail", 1),
        ("mail", 2),
    ]
    assert occurrence.reminders.first().answer == "accepted by the mail server"
    # Tomorrow's: a PHQ-9 inside its window marks it done, and no reminder goes.
    tomorrow = now + timedelta(days=1)
    record_checkin(person=cast.patient_a.person, key="phq9", now=tomorrow, answers=NINE)
    assert tasks.check_schedules(tomorrow + timedelta(minutes=1)) == 0
    done = Occurrence.objects.get(patient=cast.patient_a, due_at=tomorrow)
    assert done.state == "done" and done.done_at == tomorrow
    assert Occurrence.objects.get(due_at=now).state == "missed"


def test_no_reminder_in_quiet_hours_and_none_for_a_patient_who_chose_none(cast, clock, call):
    _daily_phq9_set_earlier(cast, clock, at="21:00")
    late = NOW.replace(hour=21, minute=30)  # 22:30 in Berlin: today's 21:00 is due, but quiet
    assert tasks.check_schedules(late) == 0 and mail.outbox == []
    assert Occurrence.objects.get(due_at=NOW.replace(hour=20)).state == "due"
    call("put", "/me/reminder-settings", "patient_a", {"channels": []})
    assert tasks.check_schedules(NOW.replace(hour=20, minute=5)) == 0
    assert not Reminder.objects.exists()


def test_two_missed_in_a_row_put_the_patient_on_triage_after_not_heard_from(cast, clock, call):
    _daily_phq9_set_earlier(cast, clock, at="09:00")
    tasks.check_schedules(NOW - timedelta(days=3))
    tasks.check_schedules(NOW)  # the days before, unanswered, are missed
    reasons = cast.patient_a.standing.__class__.objects.get(patient=cast.patient_a).reasons
    assert "missed_checkins" in reasons
    ledger = call("get", f"/patients/{cast.patient_a.public_id}/occurrences", "clinician_a")
    assert ledger.status_code == 200
    states = [row["state"] for row in ledger.json()]
    assert states[-2:] == ["due", "upcoming"] and set(states[:-2]) == {"missed"}
    mine = call("get", "/me/occurrences?from=2026-11-22T00:00Z&to=2026-11-24T00:00Z", "patient_a")
    assert [row["due_at"] for row in mine.json()] == [
        "2026-11-22T08:00:00Z",
        "2026-11-23T08:00:00Z",
    ]
    assert AuditEntry.objects.filter(what="check-in ledger", patient=cast.patient_a).exists()
    bad = call("get", "/me/occurrences?from=yesterday", "patient_a")
    assert bad.status_code == 422


def test_the_patient_page_sets_the_schedule_and_shows_adherence_per_instrument(cast, clock):
    from html import unescape

    from tests.clinic.helpers_ca import verified_client

    lee = verified_client(cast.clinician_a)
    page = f"/clinic/patients/{cast.patient_a.public_id}"
    form = {"phq9-every": "week", "phq9-on": "someday", "phq9-at": "09:00"}
    refused = lee.post(f"{page}/schedule", form)
    assert refused.status_code == 400
    assert "PHQ-9: 'someday' is not a weekday" in unescape(refused.content.decode())
    form = {"phq9-every": "day", "phq9-at": "09:00", "sleep-every": "day", "sleep-at": "08:30"}
    assert lee.post(f"{page}/schedule", form).status_code == 302
    version = ScheduleVersion.objects.get(person=cast.patient_a.person)
    assert version.set_by == "Dr Lee" and [i["instrument"] for i in version.items] == [
        "phq9", "sleep",
    ]  # fmt: skip
    tasks.check_schedules(NOW)
    html = unescape(lee.get(page).content.decode())
    assert "In force: phq9, sleep</strong>, set by Dr Lee" in html
    assert "<td>PHQ-9</td><td>0</td><td>0</td>" in html  # today's is still open


def test_the_patients_settings_page_saves_the_reminder_settings(cast, clock):
    from html import unescape

    from django.test import Client

    client = Client()
    client.force_login(cast.patient_a.user, backend="django.contrib.auth.backends.ModelBackend")
    assert "Remind me by" in client.get("/settings").content.decode()
    saved = client.post(
        "/settings/reminders", {"channels": ["mail"], "quiet_from": "21:00", "quiet_to": "07:30"}
    )
    assert saved.status_code == 302
    chosen = reminder_settings.of(cast.patient_a)
    assert chosen.channels == ["mail"] and f"{chosen.quiet_from:%H:%M}" == "21:00"
    refused = client.post("/settings/reminders", {"channels": ["mail"], "quiet_from": "late"})
    assert refused.status_code == 400
    assert "'late' is not a time of day; use HH:MM" in unescape(refused.content.decode())
