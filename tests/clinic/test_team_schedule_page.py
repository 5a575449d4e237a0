"""A team's default check-in schedule on its own page, with the form of a patient's schedule
(the step-down included), every version listed with its author and audited, as from the CLI."""

import json
from html import unescape

from kratomlog.checkins.models import ScheduleVersion
from kratomlog.clinic import people
from kratomlog.clinic.consent import CARE_CONSENT
from kratomlog.clinic.models import AuditEntry, Team, TeamScheduleVersion
from tests.clinic.conftest import NOW
from tests.clinic.helpers_ca import verified_client

STEPPING_DOWN = {
    "phq9-every": "week", "phq9-on": "mon", "phq9-at": "09:00",
    "phq9-then1-after": "4", "phq9-then1-every": "14",
    "phq9-then2-after": "2", "phq9-then2-every": "28",
    "sleep-every": "day", "sleep-at": "08:30",
}  # fmt: skip
IN_WORDS = (
    "every week on Monday at 09:00, then after 4, every 14 days at 09:00, then after 2, "
    "every 28 days at 09:00"
)


def _page(team: Team) -> str:
    return f"/clinic/teams/{team.id}/schedule"


def test_a_clinician_sets_their_teams_default_with_a_step_down_kept_and_audited(cast, clock):
    lee = verified_client(cast.clinician_a)
    patient_page = unescape(
        lee.get(f"/clinic/patients/{cast.patient_a.public_id}").content.decode()
    )
    assert f'href="{_page(cast.north)}" id="team-schedule-link"' in patient_page
    empty = unescape(lee.get(_page(cast.north)).content.decode())
    assert "No schedule: new patients see the suggested cadence" in empty
    assert 'name="phq9-then1-after"' in empty and "None set yet." in empty

    assert lee.post(_page(cast.north), STEPPING_DOWN).status_code == 302
    north = Team.objects.get(id=cast.north.id)
    assert [item["instrument"] for item in north.default_schedule] == ["phq9", "sleep"]
    assert north.default_schedule[0]["step_down"] == [
        {"after": 4, "every": 14}, {"after": 2, "every": 28},
    ]  # fmt: skip
    version = TeamScheduleVersion.objects.get(team=north)
    assert version.set_by == "Dr Lee" and version.set_by_user_id == cast.clinician_a.id
    audited = AuditEntry.objects.get(action="schedule", actor=cast.clinician_a)
    assert audited.what == "set team North's default schedule (phq9, sleep)"

    html = unescape(lee.get(_page(cast.north)).content.decode())
    assert f"<strong>PHQ-9</strong>: {IN_WORDS}</li>" in html  # no start: each patient's own
    assert "In force: phq9, sleep</strong>, set by Dr Lee on 23 Nov 2026 18:00" in html
    assert '<option value="14" selected>every 2 weeks</option>' in html  # the form shows it

    # A new patient of the team starts with it, step-down and all.
    cy = people.add_patient(
        email="cy@example.org", password="cy's long password 12", timezone="Europe/Berlin",
        team=cast.north, consent_version=CARE_CONSENT.version, share_with_care_team=True, now=NOW,
    )  # fmt: skip
    started = ScheduleVersion.objects.get(person=cy.person)
    assert started.items[0]["step_down"] == north.default_schedule[0]["step_down"]


def test_the_form_sent_back_unchanged_keeps_a_longer_step_down_set_by_the_cli(
    cast, clock, tmp_path
):
    from typer.testing import CliRunner

    from kratomlog.cli import app

    three = [{"after": 4, "every": 14}, {"after": 2, "every": 28}, {"after": 6, "every": 56}]
    default = tmp_path / "north.json"
    default.write_text(json.dumps({"items": [
        {"instrument": "phq9", "every": "week", "weekday": "mon", "at": "09:00",
         "step_down": three}]}))  # fmt: skip
    done = CliRunner().invoke(app, ["clinic", "team-schedule", "North", "--file", str(default)])
    assert done.exit_code == 0, done.output
    by_cli = TeamScheduleVersion.objects.get(team=cast.north)
    assert by_cli.set_by == "the clinic's command line" and by_cli.set_by_user_id is None
    assert AuditEntry.objects.filter(
        action="schedule", actor=None, what="set team North's default schedule (phq9)"
    ).exists()
    lee = verified_client(cast.clinician_a)
    unchanged = {k: v for k, v in STEPPING_DOWN.items() if k.startswith("phq9")}
    assert lee.post(_page(cast.north), unchanged).status_code == 302
    assert Team.objects.get(id=cast.north.id).default_schedule[0]["step_down"] == three
    html = unescape(lee.get(_page(cast.north)).content.decode())
    assert "set by Dr Lee" in html and "set by the clinic's command line" in html


def test_a_step_down_without_how_many_is_refused_naming_the_check_in(cast, clock):
    lee = verified_client(cast.clinician_a)
    refused = lee.post(_page(cast.north), {**STEPPING_DOWN, "phq9-then1-after": ""})
    assert refused.status_code == 400
    assert "PHQ-9: then, after how many of these? a whole number such as 4" in unescape(
        refused.content.decode()
    )
    assert not TeamScheduleVersion.objects.exists()


def test_another_teams_clinician_and_a_patient_meet_an_unknown_page(cast, clock):
    from django.test import Client

    okafor = verified_client(cast.clinician_b)
    assert okafor.get(_page(cast.north)).status_code == 404
    assert okafor.post(_page(cast.north), STEPPING_DOWN).status_code == 404
    assert okafor.get(_page(cast.south)).status_code == 200
    patient = Client()
    patient.force_login(cast.patient_a.user, backend="django.contrib.auth.backends.ModelBackend")
    assert patient.get(_page(cast.north)).status_code == 404
    assert Team.objects.get(id=cast.north.id).default_schedule == []


def test_the_patient_page_sets_a_step_down_in_the_same_form(cast, clock):
    lee = verified_client(cast.clinician_a)
    page = f"/clinic/patients/{cast.patient_a.public_id}"
    assert lee.post(f"{page}/schedule", STEPPING_DOWN).status_code == 302
    version = ScheduleVersion.objects.get(person=cast.patient_a.person)
    assert version.items[0]["step_down"] == [{"after": 4, "every": 14}, {"after": 2, "every": 28}]
    html = unescape(lee.get(page).content.decode())
    assert f"{IN_WORDS}, from 2026-11-23" in html
    assert 'id="phq9-then2-every"' in html and '<option value="28" selected>' in html


def test_the_patients_checkins_page_says_who_at_the_clinic_set_their_schedule(cast, clock):
    from django.test import Client

    lee = verified_client(cast.clinician_a)
    lee.post(f"/clinic/patients/{cast.patient_a.public_id}/schedule", STEPPING_DOWN)
    ana = Client()
    ana.force_login(cast.patient_a.user, backend="django.contrib.auth.backends.ModelBackend")
    html = unescape(ana.get("/checkins").content.decode())
    assert '<p id="schedule-set-by">Set by Dr Lee at your clinic.</p>' in html
    assert f"PHQ-9</strong>: {IN_WORDS}, from 2026-11-23" in html
