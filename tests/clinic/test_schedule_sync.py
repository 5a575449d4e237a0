"""The check-in schedule travels between a local journal and its clinic: the clinician's comes
down with its author; the patient's own goes up only where the clinic lets patients set their
own, and otherwise is refused without touching the clinician's (as their plans are not)."""

import json
import uuid
from datetime import UTC, timedelta

import pytest
import time_machine

from kratomlog.checkins.models import ScheduleVersion
from kratomlog.clinic import schedules, tokens
from kratomlog.clinic.models import AuditEntry
from kratomlog.core.schedule import items_from_list
from tests.clinic.conftest import NOW
from tests.clinic.test_sync import _linked_journal, kratomlog
from tests.integration.test_first_use import KRATOMLOG

PHQ9_WEEKLY = {"instrument": "phq9", "every": "week", "weekday": "mon", "at": "09:00"}
SLEEP_DAILY = {"instrument": "sleep", "every": "day", "at": "08:30"}


def _set_by_dr_lee(cast, items=(PHQ9_WEEKLY,), now=NOW):
    """A weekly PHQ-9, set by Dr Lee the day before `now`."""
    day_before = now - timedelta(days=1)
    chosen = items_from_list(list(items), day_before.date())
    return schedules.set_for_patient(cast.clinician_a, cast.patient_a, chosen, day_before)


@pytest.fixture
def call(client, cast):
    key = tokens.issue(cast.patient_a.user, NOW)

    def run(method, body=None):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
        if body is None:
            return getattr(client, method)("/api/v1/me/sync/schedule", **headers)
        return getattr(client, method)(
            "/api/v1/me/sync/schedule", data=json.dumps(body), content_type="application/json",
            **headers,
        )  # fmt: skip

    return run


def _own(items=(SLEEP_DAILY,), uid=None):
    return {"uid": uid or str(uuid.uuid4()), "items": list(items),
            "set_at": (NOW - timedelta(hours=1)).isoformat()}  # fmt: skip


def test_the_clinic_answers_its_schedule_with_its_uid_and_author(cast, call):
    assert call("get").json() == {"schedule": None, "patients_may_change": False}
    version = _set_by_dr_lee(cast)
    shown = call("get").json()["schedule"]
    assert shown["uid"] == str(version.uid) and shown["set_by"] == "Dr Lee"
    assert shown["by_patient"] is False and shown["items"][0]["instrument"] == "phq9"


def test_a_patients_own_schedule_is_refused_where_the_care_team_sets_it(cast, call):
    version = _set_by_dr_lee(cast)
    answer = call("put", _own())
    assert answer.status_code == 200, answer.content
    shown = answer.json()
    assert shown["outcome"] == "refused"
    assert shown["detail"] == "your care team sets your schedule in this clinic"
    assert shown["schedule"]["uid"] == str(version.uid)  # for the journal to put back
    # Nothing written but the audit log's row: Dr Lee's stays in force.
    assert list(ScheduleVersion.objects.filter(person=cast.patient_a.person)) == [version]
    assert AuditEntry.objects.filter(
        action="schedule", patient=cast.patient_a, what__contains="not taken"
    ).exists()


def test_a_patients_own_schedule_is_taken_once_under_its_uid_where_patients_set_their_own(
    cast, call, settings
):
    settings.PATIENTS_SET_SCHEDULE = True
    _set_by_dr_lee(cast)
    sent = _own()
    answer = call("put", sent).json()
    assert answer["outcome"] == "added" and answer["patients_may_change"] is True
    assert answer["schedule"]["uid"] == sent["uid"] and answer["schedule"]["set_by"] == ""
    assert answer["schedule"]["by_patient"] is True
    assert call("put", sent).json()["outcome"] == "same"  # sent again: nothing more
    versions = ScheduleVersion.objects.filter(person=cast.patient_a.person)
    assert [v.set_by for v in versions.order_by("set_at")] == ["Dr Lee", ""]  # each its author
    assert AuditEntry.objects.filter(
        action="schedule", patient=cast.patient_a, what__contains="in the local journal"
    ).exists()
    # Another journal's uid is not taken over.
    other = ScheduleVersion.objects.create(person=cast.patient_b.person, items=[], set_at=NOW)
    assert call("put", _own(uid=str(other.uid))).status_code == 422


def _real_clock(clock):
    """The journal runs as its own process on the real clock: the clinic's runs on it too."""
    real = time_machine.escape_hatch.datetime.datetime.now(UTC)
    clock.move_to(real, tick=True)
    return real


def _show(home):
    shown = kratomlog(home, "schedule", "show")
    assert shown.returncode == 0, shown.stderr
    return shown.stdout


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(KRATOMLOG is None, reason="kratomlog is not installed")
def test_the_clinicians_schedule_reaches_the_journal_and_the_patients_own_does_not_replace_it(
    cast, live_server, tmp_path, clock
):
    now = _real_clock(clock)
    home = tmp_path / "laptop"
    _linked_journal(home, live_server.url, tokens.issue(cast.patient_a.user, NOW, days=365))
    version = _set_by_dr_lee(cast, now=now)
    synced = kratomlog(home, "sync")
    assert synced.returncode == 0, synced.stderr
    assert "check-in schedule from the clinic, set by Dr Lee" in synced.stdout
    shown = _show(home)
    assert "Set by Dr Lee at your clinic" in shown and "phq9: every week on Monday" in shown
    assert "set by Dr Lee at your clinic" in kratomlog(home, "due").stdout
    as_json = json.loads(kratomlog(home, "schedule", "show", "--json").stdout)
    assert as_json["set_by"] == "Dr Lee" and as_json["items"][0]["instrument"] == "phq9"
    assert "check-in schedule" not in kratomlog(home, "sync").stdout  # copied once

    # The patient's own change here: refused by the clinic, which keeps Dr Lee's.
    assert (
        kratomlog(home, "schedule", "set", "sleep", "--every", "day", "--at", "08:30").returncode
        == 0
    )
    waiting = json.loads(kratomlog(home, "sync", "--status", "--json").stdout)["waiting"]
    assert waiting["schedule"] == 1
    refused = kratomlog(home, "sync")
    assert refused.returncode == 0, refused.stderr
    assert (
        "your check-in schedule was not sent: your care team sets your schedule in this clinic"
        in refused.stdout
    )
    clinic_side = ScheduleVersion.objects.filter(person=cast.patient_a.person)
    assert list(clinic_side) == [version]
    shown = _show(home)
    assert "Set by Dr Lee at your clinic" in shown and "sleep" not in shown
    again = kratomlog(home, "sync")
    assert "not sent" not in again.stdout and "check-in schedule" not in again.stdout
    assert (
        json.loads(kratomlog(home, "sync", "--status", "--json").stdout)["waiting"]["schedule"] == 0
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(KRATOMLOG is None, reason="kratomlog is not installed")
def test_where_patients_set_their_own_the_journals_schedule_goes_up_with_its_uid(
    cast, live_server, tmp_path, settings, clock
):
    settings.PATIENTS_SET_SCHEDULE = True
    now = _real_clock(clock)
    home = tmp_path / "laptop"
    _linked_journal(home, live_server.url, tokens.issue(cast.patient_a.user, NOW, days=365))
    _set_by_dr_lee(cast, now=now)
    assert kratomlog(home, "sync").returncode == 0
    assert (
        kratomlog(home, "schedule", "set", "sleep", "--every", "day", "--at", "08:30").returncode
        == 0
    )
    sent = kratomlog(home, "sync")
    assert "your check-in schedule: sent to the clinic" in sent.stdout, sent.stdout + sent.stderr
    newest = schedules.schedules.newest(cast.patient_a.person)
    assert newest.set_by == "" and [i["instrument"] for i in newest.items] == ["phq9", "sleep"]
    assert newest.set_by_user_id is None
    shown = _show(home)
    assert "Set by" not in shown and "sleep: every day at 08:30" in shown
    assert "check-in schedule" not in kratomlog(home, "sync").stdout  # nothing comes back
