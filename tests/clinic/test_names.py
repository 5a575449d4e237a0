"""Patients are named: the invitation carries the name, record number and email (and can be
mailed); the patient sets their own name on their account page; staff see the name."""

import re
from html import unescape

from django.core import mail
from django.test import Client

from kratomlog.clinic.consent import CARE_CONSENT
from kratomlog.clinic.models import Invitation, Patient
from tests.clinic.helpers_ca import patient_client, verified_client


def test_the_invitation_takes_the_name_and_record_number_which_the_patient_joins_with(cast):
    clinician = verified_client(cast.clinician_a)
    made = unescape(
        clinician.post(
            "/accounts/invite-patient",
            {"display_name": "Carla M.", "record_number": "MRN-0042", "email": "Carla@Example.org",
             "team": "North"},
        ).content.decode()
    )  # fmt: skip
    assert "Invitation for Carla M. to North" in made
    code = re.search(r'<code id="invitation-code">([A-Z0-9-]+)</code>', made).group(1)
    assert mail.outbox == []  # not asked to send
    patient = Client()
    form = patient.get(f"/invite/{code}").content.decode()
    assert 'value="carla@example.org"' in form  # the email given, ready to use
    joined = patient.post(f"/invite/{code}", {
        "email": "carla@example.org", "password": "carla's long password",
        "password_again": "carla's long password", "timezone": "Europe/Berlin",
        "consent_version": CARE_CONSENT.version, "agree": "yes",
    })  # fmt: skip
    assert joined.status_code == 302, joined.content.decode()[:2000]
    carla = Patient.objects.get(user__email="carla@example.org")
    assert (carla.display_name, carla.record_number, carla.shown_name) == (
        "Carla M.",
        "MRN-0042",
        "Carla M.",
    )


def test_the_invitation_is_sent_by_mail_when_asked(cast):
    clinician = verified_client(cast.clinician_a)
    made = unescape(
        clinician.post(
            "/accounts/invite-patient",
            {"display_name": "Carla M.", "email": "carla@example.org", "send": "yes"},
        ).content.decode()
    )
    assert "Sent by mail to carla@example.org." in made
    link = re.search(r'id="invitation-link" href="([^"]+)"', made).group(1)
    [sent] = mail.outbox
    assert sent.to == ["carla@example.org"] and "North" in sent.subject
    assert sent.body.startswith("Dear Carla M.,") and "Dr Lee invites you" in sent.body
    assert link in sent.body


def test_a_bad_invitation_keeps_what_was_typed_and_names_the_field(cast):
    clinician = verified_client(cast.clinician_a)
    for form, label, said in (
        ({"display_name": "Carla", "email": "", "send": "yes"}, "Email",
         "give the patient's email to send the invitation by mail"),
        ({"display_name": "Carla", "email": "carla at example"}, "Email",
         "'carla at example' is not an email address"),
        ({"display_name": "Carla\nM.", "email": ""}, "Name", "holds a line break"),
        ({"display_name": "Carla", "record_number": "9" * 65}, "Record number",
         "at most 64"),
    ):  # fmt: skip
        refused = clinician.post("/accounts/invite-patient", form)
        html = unescape(refused.content.decode())
        assert refused.status_code == 400 and f"<strong>{label}:</strong>" in html and said in html
        assert 'value="Carla' in html and 'aria-invalid="true"' in html
    assert not Invitation.objects.exists() and mail.outbox == []


def test_a_patient_sets_the_name_their_care_team_sees_on_their_account_page(cast):
    client = patient_client(cast.patient_a)
    page = unescape(client.get("/account").content.decode())
    assert "Signed in as</th><td>ana@example.org" in page and "North" in page
    saved = client.post("/account", {"display_name": "  Ana   P. "})
    assert saved["Location"] == "/account"
    assert "Your care team now sees you as Ana P." in unescape(
        client.get("/account").content.decode()
    )
    cast.patient_a.refresh_from_db()
    assert cast.patient_a.shown_name == "Ana P."
    refused = client.post("/account", {"display_name": "A" * 201})
    assert refused.status_code == 400 and "at most 200" in unescape(refused.content.decode())
    cast.patient_a.refresh_from_db()
    assert cast.patient_a.display_name == "Ana P."
    assert verified_client(cast.clinician_a).get("/account").status_code in (302, 404)


def test_the_api_invitation_takes_the_name_and_refuses_a_bad_one_with_422(cast, client):
    import json

    from kratomlog.clinic import tokens
    from tests.clinic.conftest import NOW

    key = tokens.issue(cast.clinician_a, NOW)

    def invite(body):
        return client.post("/api/v1/invitations", data=json.dumps(body),
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}")  # fmt: skip

    assert invite({"display_name": "Dan K.", "record_number": "7"}).status_code == 201
    assert Invitation.objects.get().display_name == "Dan K."
    refused = invite({"display_name": "Dan\nK."})
    assert refused.status_code == 422 and "display_name" in json.dumps(refused.json())
    assert Invitation.objects.count() == 1
