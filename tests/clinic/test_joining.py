"""Joining a clinic: staff by a set-up link, patients by an invitation, both on the web."""

from datetime import timedelta

from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from kratomlog.clinic import invitations, people
from kratomlog.clinic.consent import CARE_CONSENT
from kratomlog.clinic.models import AuditEntry, Patient, SetupLink
from tests.clinic.conftest import NOW
from tests.clinic.helpers_ca import (
    authenticator,
    code_from_page,
    code_now,
    sign_in,
    verified_client,
)


def new_staff(email="new@clinic.test", role="clinician", teams=("North",)):
    return people.add_staff(email=email, role=role, now=NOW, teams=list(teams), name="Dr New")


def test_a_set_up_link_sets_a_password_enrols_an_authenticator_and_signs_in_once(cast, clock):
    user, token = new_staff()
    client = Client()
    page = client.get(f"/setup/{token}")
    assert page.status_code == 200 and b"Choose a password" in page.content
    weak = client.post(f"/setup/{token}", {"password": "short", "password_again": "short"})
    assert weak.status_code == 400 and b"too short" in weak.content
    differ = client.post(
        f"/setup/{token}", {"password": "a fine new password", "password_again": "another one here"}
    )
    assert differ.status_code == 400 and b"the two passwords differ" in differ.content
    done = client.post(
        f"/setup/{token}",
        {"password": "a fine new password", "password_again": "a fine new password"},
    )
    assert done["Location"] == f"/setup/{token}"
    enrol = client.get(f"/setup/{token}")
    html = enrol.content.decode()
    assert "<svg" in html and "otpauth://" not in html  # the QR code holds the URI
    assert not TOTPDevice.objects.get(user=user).confirmed  # not until a code proves it
    assert client.get("/accounts/invite-patient").status_code == 302  # not signed in yet

    wrong = client.post(f"/setup/{token}", {"code": "12345x"})
    assert wrong.status_code == 400 and b"not the code the app shows now" in wrong.content
    finished = client.post(f"/setup/{token}", {"code": code_from_page(html)})
    assert finished.status_code == 302 and finished["Location"] == "/clinic/"
    assert TOTPDevice.objects.get(user=user).confirmed
    assert client.get("/accounts/invite-patient").status_code == 200  # signed in and verified
    assert AuditEntry.objects.filter(action="setup", actor=user).exists()

    again = Client().get(f"/setup/{token}")
    assert again.status_code == 410 and b"already been used" in again.content
    # The new password and authenticator are what signing in asks for from now on.
    clock.shift(timedelta(seconds=60))
    fresh = Client()
    sign_in(fresh, "new@clinic.test", "a fine new password")
    device = TOTPDevice.objects.get(user=user)
    assert (
        fresh.post("/accounts/verify", {"code": code_now(device.bin_key)})["Location"] == "/clinic/"
    )


def test_a_set_up_link_expires_after_72_hours(cast, clock):
    _, token = new_staff()
    clock.shift(timedelta(hours=71, minutes=59))
    assert Client().get(f"/setup/{token}").status_code == 200
    clock.shift(timedelta(minutes=2))
    late = Client().get(f"/setup/{token}")
    assert late.status_code == 410 and b"has expired" in late.content
    assert Client().get("/setup/not-a-token").status_code == 410


def test_a_new_set_up_link_replaces_the_old_one_until_set_up_is_done(cast):
    user, first = new_staff()
    again, second = new_staff(teams=("South",))
    assert again == user and first != second
    assert Client().get(f"/setup/{first}").status_code == 410
    assert Client().get(f"/setup/{second}").status_code == 200
    assert sorted(t.name for t in user.account.teams.all()) == ["North", "South"]
    authenticator(user)
    from kratomlog.core.errors import InputError

    try:
        new_staff()
    except InputError as refused:
        assert "delete it in the admin" in str(refused)
    else:
        raise AssertionError("a set-up account got a new link")
    assert SetupLink.objects.filter(user=user).count() == 2


def test_a_clinician_invites_on_the_web_and_sees_the_code_and_link(cast):
    client = verified_client(cast.clinician_a)
    page = client.get("/accounts/invite-patient")
    assert page.status_code == 200 and b"<option>North</option>" in page.content
    made = client.post("/accounts/invite-patient", {"team": "North"})
    html = made.content.decode()
    assert made.status_code == 200 and "Invitation to North" in html
    code = html.split('<code id="invitation-code">', 1)[1].split("<", 1)[0]
    assert f'href="http://127.0.0.1:8000/invite/{code}"' in html and "<svg" in html
    assert invitations.open_invitation(code, NOW).team == cast.north
    refused = client.post("/accounts/invite-patient", {"team": "South"})
    assert refused.status_code == 400 and b"not one of your teams" in refused.content


def test_only_verified_clinicians_reach_the_invitation_page(cast):
    assert verified_client(cast.researcher).get("/accounts/invite-patient").status_code == 404
    assert verified_client(cast.admin).get("/accounts/invite-patient").status_code == 404
    patient = Client()
    patient.force_login(cast.patient_a.user, backend="django.contrib.auth.backends.ModelBackend")
    assert patient.get("/accounts/invite-patient").status_code == 404
    assert Client().get("/accounts/invite-patient")["Location"].startswith("/accounts/login")


def accept_form(**changes):
    form = {
        "email": "cy@example.org", "password": "cy's long password",
        "password_again": "cy's long password", "timezone": "Europe/Paris",
        "consent_version": CARE_CONSENT.version, "agree": "yes",
    }  # fmt: skip
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def test_a_patient_accepts_an_invitation_on_the_web_and_lands_on_today(cast, clock):
    code = invitations.invite(cast.clinician_a, NOW).code
    client = Client()
    page = client.get(f"/invite/{code}")
    html = page.content.decode()
    assert page.status_code == 200 and "North" in html
    assert "This is not an emergency service" in html and CARE_CONSENT.version in html
    assert "<option selected>UTC</option>" in html and "Europe/Paris" in html

    for changes, field in (
        ({"agree": None}, "I agree"),
        ({"timezone": "Mars/Olympus"}, "Mars/Olympus"),
        ({"password": "password", "password_again": "password"}, "too common"),
        ({"password_again": "something else"}, "the two passwords differ"),
        ({"email": "ben@example.org"}, "already has an account"),
        ({"consent_version": "2001-01"}, "not the current consent text"),
    ):
        bad = client.post(f"/invite/{code}", accept_form(**changes))
        assert bad.status_code == 400 and field in bad.content.decode(), changes
    assert not Patient.objects.filter(user__username="cy@example.org").exists()

    joined = client.post(f"/invite/{code}", accept_form())
    assert joined.status_code == 302 and joined["Location"] == "/"
    today = client.get("/")
    assert today.status_code == 200 and b"Sharing" in today.content
    assert b"Load the demo journal" not in today.content  # a shared journal gets no made-up data
    patient = Patient.objects.get(user__username="cy@example.org")
    assert (
        patient.team == cast.north and patient.sharing and patient.person.timezone == "Europe/Paris"
    )
    consent = AuditEntry.objects.get(action="consent", patient=patient)
    assert (consent.actor, consent.what, consent.address) == (
        patient.user,
        "granted sharing",
        "127.0.0.1",
    )
    assert not patient.user.api_tokens.exists()  # the web signs in with a session, no token

    spent = Client().get(f"/invite/{code}")
    assert spent.status_code == 410 and b"already been used" in spent.content
    assert Client().post(f"/invite/{code}", accept_form(email="dee@example.org")).status_code == 410


def test_an_expired_invitation_answers_410(cast, clock):
    code = invitations.invite(cast.clinician_a, NOW).code
    clock.shift(timedelta(days=14, minutes=1))
    gone = Client().get(f"/invite/{code}")
    assert gone.status_code == 410 and b"has expired" in gone.content
    assert Client().get("/invite/AAAA-BBBB-CCCC").status_code == 410
