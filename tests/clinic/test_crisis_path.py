"""The crisis path that knows the clinic: its own resources and contact, set once, shown to its
patients after a positive PHQ-9 item 9, on the page and in the API, every number a tel: link."""

import json
from html import unescape

import pytest
from typer.testing import CliRunner

from kratomlog.cli import app
from kratomlog.clinic import tokens
from kratomlog.clinic.models import AuditEntry, ClinicSettings
from tests.clinic.conftest import NOW
from tests.clinic.helpers_ca import patient_client, verified_client

BERLIN = "Telefonseelsorge | 0800 111 0 111, free, 24/7\nNotruf | call 112\n"


def clinic(*args, code=0):
    result = CliRunner().invoke(app, ["clinic", *map(str, args)], catch_exceptions=False)
    assert result.exit_code == code, f"exit {result.exit_code}: {result.output}"
    return result


def phq9(item9: int) -> dict[str, str]:
    answers = {f"item-{n}": "0" for n in range(9)}
    answers["item-8"] = str(item9)
    return answers


@pytest.fixture
def berlin_clinic(cast, tmp_path):
    lines = tmp_path / "berlin.txt"
    lines.write_text(BERLIN)
    clinic("settings", "set", "crisis-resources", lines)
    clinic("settings", "set", "contact", "--name", "North clinic", "--phone", "+49 30 1234 5678",
           "--hours", "Mon-Fri 8:00-18:00")  # fmt: skip
    return cast


def test_the_clinic_sets_its_crisis_resources_and_contact_once_and_shows_them(berlin_clinic):
    shown = clinic("settings", "show").stdout
    assert "Telefonseelsorge | 0800 111 0 111, free, 24/7" in shown and "Notruf | call 112" in shown
    assert "Contact: North clinic, +49 30 1234 5678; alerts read Mon-Fri 8:00-18:00." in shown
    assert "988" not in shown
    assert list(AuditEntry.objects.filter(action="settings").values_list("what", flat=True)) == [
        "crisis resources: 2 lines", "crisis contact: +49 30 1234 5678"
    ]  # fmt: skip


def test_after_item_9_a_patient_sees_the_clinics_list_that_the_team_was_alerted_and_its_phone(
    berlin_clinic,
):
    client = patient_client(berlin_clinic.patient_a)
    html = unescape(client.post("/checkin/phq9", phq9(2)).content.decode())
    assert "Telefonseelsorge" in html and "988" not in html
    assert '<a href="tel:08001110111">0800 111 0 111</a>' in html
    assert '<a href="tel:112">112</a>' in html
    assert "Your care team has been alerted: they read alerts Mon-Fri 8:00-18:00." in html
    assert 'call <a href="tel:+493012345678">+49 30 1234 5678</a>' in html
    today = unescape(client.get("/").content.decode())
    assert "Telefonseelsorge" in today and "Your care team has been alerted" in today


def test_without_hours_set_the_patient_reads_in_working_hours(cast):
    clinic("settings", "set", "contact", "--phone", "030 1234")
    html = unescape(patient_client(cast.patient_a).post("/checkin/phq9", phq9(1)).content.decode())
    assert "they read alerts in working hours" in html
    assert 'To speak to your care team, call <a href="tel:0301234">030 1234</a>' in html


def test_the_api_answers_care_team_alerted_and_the_clinics_resources(berlin_clinic, client):
    key = tokens.issue(berlin_clinic.patient_a.user, NOW)
    answer = client.post(
        "/api/v1/me/checkins",
        data=json.dumps({"kind": "phq9", "answers": [0, 0, 0, 0, 0, 0, 0, 0, 1]}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["care_team_alerted"] is True
    assert body["crisis_resources"] == [
        {"name": "Telefonseelsorge", "contact": "0800 111 0 111, free, 24/7"},
        {"name": "Notruf", "contact": "call 112"},
    ]
    assert body["care_team"] == {"name": "North clinic", "phone": "+49 30 1234 5678",
                                 "reads_alerts": "Mon-Fri 8:00-18:00"}  # fmt: skip


def test_a_clinic_without_a_list_shows_each_patient_the_default_for_their_zone(cast):
    html = unescape(patient_client(cast.patient_a).post("/checkin/phq9", phq9(1)).content.decode())
    assert html.index("findahelpline.com") < html.index("988")  # Berlin
    html = unescape(patient_client(cast.patient_b).post("/checkin/phq9", phq9(1)).content.decode())
    assert html.index("988") < html.index("findahelpline.com")  # New York


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("Notruf | call 112\nNul\x00 | 1\n", "error: crisis resources: holds a NUL character"),
        ("Notruf | call 112\njust a name\n", "error: crisis resources: line 2 is 'just a name'"),
        ("\n\n", "error: crisis resources: the list cannot be empty"),
    ],
)
def test_a_bad_resources_file_is_refused_naming_the_field_and_nothing_is_kept(
    cast, tmp_path, text, said
):
    bad = tmp_path / "bad.txt"
    bad.write_text(text)
    refused = clinic("settings", "set", "crisis-resources", bad, code=2)
    assert said in refused.stderr
    assert not ClinicSettings.objects.exclude(crisis_resources="").exists()


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--name", "North\nclinic", "--phone", "+49 30 1234"], "error: --name: 'North\\nclinic' "
         "holds a line break"),
        (["--name", "North", "--phone", ""], "error: --phone: a phone number is needed"),
        (["--phone", "ring us"], "error: --phone: 'ring us' is not a phone number"),
    ],
)  # fmt: skip
def test_a_bad_contact_is_refused_naming_the_field(cast, args, said):
    assert said in clinic("settings", "set", "contact", *args, code=2).stderr
    assert not ClinicSettings.objects.exclude(contact_phone="").exists()


def test_an_admin_sets_them_on_the_admin_pages_with_errors_next_to_the_field(cast):
    admin = verified_client(cast.admin)
    assert b"Clinic settings" in admin.get("/admin/").content
    form = {"crisis_resources": "just a name", "contact_name": "North",
            "contact_phone": "ring us", "contact_hours": ""}  # fmt: skip
    refused = unescape(admin.post("/admin/clinic/clinicsettings/add/", form).content.decode())
    assert "line 1 is 'just a name'" in refused and "'ring us' is not a phone number" in refused
    assert not ClinicSettings.objects.exists()
    form.update(crisis_resources=BERLIN, contact_phone="+49 30 1234 5678")
    saved = admin.post("/admin/clinic/clinicsettings/add/", form)
    assert saved.status_code == 302, saved.content.decode()[:3000]
    html = unescape(patient_client(cast.patient_a).post("/checkin/phq9", phq9(1)).content.decode())
    assert "Telefonseelsorge" in html and 'href="tel:+493012345678"' in html
