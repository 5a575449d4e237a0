"""Signing in to the clinic: password, TOTP for staff, lockout, idle timeout, the audit trail."""

from datetime import timedelta

import pytest
from django.test import Client

from kratomlog.clinic.models import AuditEntry
from tests.clinic.helpers_ca import (
    PASSWORD,
    authenticator,
    code_now,
    patient_client,
    sign_in,
    verified_client,
)


def test_a_patient_signs_in_with_email_and_password_and_lands_on_today(cast):
    client = Client()
    answer = sign_in(client, "ANA@example.org ", "ana's long password")
    assert answer.status_code == 302 and answer["Location"] == "/"
    today = client.get("/")
    assert today.status_code == 200 and b"Sharing" in today.content and b"Sign out" in today.content
    row = AuditEntry.objects.filter(action="sign-in").get()
    assert (row.actor, row.role, row.address) == (cast.patient_a.user, "patient", "127.0.0.1")


def test_staff_need_the_code_of_their_authenticator_after_the_password(cast, clock):
    device = authenticator(cast.clinician_a)
    client = Client()
    answer = sign_in(client, "lee@clinic.test", PASSWORD, next="/accounts/invite-patient")
    assert answer.status_code == 302 and answer["Location"] == "/accounts/verify"
    # The password alone opens nothing of the staff's.
    assert client.get("/accounts/invite-patient")["Location"].startswith("/accounts/login")
    assert not AuditEntry.objects.filter(action="sign-in").exists()

    wrong = client.post(
        "/accounts/verify", {"code": "000000" if code_now(device.bin_key) != "000000" else "111111"}
    )
    assert (
        wrong.status_code == 400
        and b"not the code your authenticator app shows now" in wrong.content
    )
    clock.shift(timedelta(seconds=2))  # django-otp makes a wrong code wait 1 second
    right = client.post("/accounts/verify", {"code": code_now(device.bin_key)})
    assert right.status_code == 302 and right["Location"] == "/accounts/invite-patient"
    assert client.get("/accounts/invite-patient").status_code == 200
    actions = list(AuditEntry.objects.filter(actor=cast.clinician_a).values_list("action", "what"))
    assert ("sign-in-failed", "wrong authenticator code") in actions and ("sign-in", "") in actions


def test_a_clinician_without_a_next_page_lands_on_triage_and_an_admin_on_the_admin(cast, clock):
    for user, email, home in ((cast.clinician_a, "lee@clinic.test", "/clinic/"),
                              (cast.admin, "admin@clinic.test", "/admin/")):  # fmt: skip
        device = authenticator(user)
        client = Client()
        sign_in(client, email, PASSWORD)
        assert (
            client.post("/accounts/verify", {"code": code_now(device.bin_key)})["Location"] == home
        )


def test_staff_without_an_authenticator_are_sent_to_their_set_up_link(cast):
    answer = sign_in(Client(), "lee@clinic.test", PASSWORD)
    assert answer.status_code == 400 and b"no authenticator app yet" in answer.content


def test_the_code_step_expires_and_cannot_be_reached_without_the_password(cast, clock):
    device = authenticator(cast.clinician_a)
    assert Client().get("/accounts/verify")["Location"] == "/accounts/login"
    client = Client()
    sign_in(client, "lee@clinic.test", PASSWORD)
    clock.shift(timedelta(minutes=6))
    late = client.post("/accounts/verify", {"code": code_now(device.bin_key)})
    assert late.status_code == 302 and late["Location"] == "/accounts/login"
    assert client.get("/accounts/")["Location"].startswith("/accounts/login")


def test_a_wrong_password_says_so_and_is_audited_with_the_email_tried(cast):
    answer = sign_in(Client(), "ana@example.org", "not her password")
    assert answer.status_code == 400
    assert b"they do not match an account" in answer.content
    row = AuditEntry.objects.get(action="sign-in-failed")
    assert row.what == "as ana@example.org" and row.actor is None and row.address == "127.0.0.1"


def test_five_failures_lock_the_account_out_even_for_the_right_password(cast):
    client = Client()
    answers = [sign_in(client, "ana@example.org", f"wrong {n}") for n in range(5)]
    assert [a.status_code for a in answers] == [400, 400, 400, 400, 429]
    locked = sign_in(client, "ana@example.org", "ana's long password")
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "Too many failed sign-ins" in text and "ana@example.org" in text and "60 minutes" in text
    assert client.get("/").status_code == 302  # not signed in
    assert AuditEntry.objects.filter(action="sign-in-failed").count() == 6
    assert not AuditEntry.objects.filter(action="sign-in").exists()
    # Another account from the same address is not locked.
    assert sign_in(Client(), "ben@example.org", "ben's long password").status_code == 302


def test_staff_are_signed_out_after_15_idle_minutes_and_patients_are_not(cast, clock):
    staff = verified_client(cast.clinician_a)
    patient = patient_client(cast.patient_a)
    assert staff.get("/accounts/").status_code == 200
    assert patient.get("/sharing").status_code == 200
    clock.shift(timedelta(minutes=14))
    assert staff.get("/accounts/").status_code == 200  # activity restarts the 15 minutes
    clock.shift(timedelta(minutes=15, seconds=30))
    idle = staff.get("/accounts/")
    assert idle.status_code == 302 and idle["Location"] == "/accounts/login?idle=1"
    assert b"15 minutes without activity" in staff.get(idle["Location"]).content
    assert staff.get("/accounts/")["Location"].startswith("/accounts/login")
    assert patient.get("/sharing").status_code == 200


def test_signing_out_is_a_post_and_ends_the_session(cast):
    client = patient_client(cast.patient_a)
    assert client.get("/accounts/logout").status_code == 405
    answer = client.post("/accounts/logout")
    assert answer["Location"] == "/accounts/login?signed_out=1"
    assert client.get("/")["Location"] == "/accounts/login?next=/"
    assert AuditEntry.objects.filter(action="sign-out", actor=cast.patient_a.user).exists()


def test_only_a_verified_admin_reaches_the_admin(cast):
    for user in (cast.clinician_a, cast.researcher):
        assert verified_client(user).get("/admin/").status_code == 404
    assert patient_client(cast.patient_a).get("/admin/").status_code == 404
    unverified = Client()
    unverified.force_login(cast.admin, backend="django.contrib.auth.backends.ModelBackend")
    assert unverified.get("/admin/")["Location"] == "/accounts/login?next=/admin/"
    admin = verified_client(cast.admin)
    index = admin.get("/admin/")
    assert index.status_code == 200
    for model in (b"/admin/auth/user/", b"/admin/clinic/team/", b"/admin/otp_totp/totpdevice/"):
        assert model in index.content
    users = admin.get("/admin/auth/user/")
    assert users.status_code == 200 and b"lee@clinic.test" in users.content


def test_an_admin_manages_a_users_role_and_teams_and_it_is_audited(cast):
    admin = verified_client(cast.admin)
    user = cast.researcher
    page = admin.get(f"/admin/auth/user/{user.id}/change/")
    assert page.status_code == 200 and b"Role" in page.content
    answer = admin.post(
        f"/admin/auth/user/{user.id}/change/",
        {
            "username": user.username, "email": user.email, "is_active": "on",
            "account-TOTAL_FORMS": "1", "account-INITIAL_FORMS": "1",
            "account-MIN_NUM_FORMS": "0", "account-MAX_NUM_FORMS": "1",
            "account-0-id": user.account.id, "account-0-user": user.id,
            "account-0-role": "clinician", "account-0-display_name": "Dr Rao",
            "account-0-teams": [cast.south.id],
        },
    )  # fmt: skip
    assert answer.status_code == 302, answer.content.decode()[:2000]
    user.account.refresh_from_db()
    assert user.account.role == "clinician" and list(user.account.teams.all()) == [cast.south]
    assert AuditEntry.objects.filter(
        action="admin", actor=cast.admin, what__contains="rao@"
    ).exists()


def test_staff_opening_the_journal_pages_are_sent_to_their_own(cast):
    assert verified_client(cast.researcher).get("/")["Location"] == "/research/"
    assert verified_client(cast.clinician_a).get("/history")["Location"] == "/clinic/"


@pytest.mark.urls("tests.clinic.urls_ca")
def test_the_demo_sign_in_link_works_only_in_the_demo(cast, settings):
    from kratomlog.clinic.accounts.sign_in import demo_link

    authenticator(cast.clinician_a)
    path = demo_link(cast.clinician_a).split("8000", 1)[1]
    assert Client().get(path).status_code == 404
    settings.CLINIC_DEMO = True
    client = Client()
    assert client.get(path)["Location"] == "/clinic/"
    assert client.get("/accounts/invite-patient").status_code == 200  # verified
    assert Client().get(path[:-3] + "xyz").status_code == 404


def test_an_admin_lifts_a_lockout_in_the_admin(cast):
    from axes.models import AccessAttempt

    client = Client()
    for n in range(5):
        sign_in(client, "ana@example.org", f"wrong {n}")
    assert sign_in(client, "ana@example.org", "ana's long password").status_code == 429
    admin = verified_client(cast.admin)
    listing = admin.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and b"ana@example.org" in listing.content
    attempt = AccessAttempt.objects.get(username="ana@example.org")
    deleted = admin.post(f"/admin/axes/accessattempt/{attempt.id}/delete/", {"post": "yes"})
    assert deleted.status_code == 302
    assert sign_in(client, "ana@example.org", "ana's long password").status_code == 302
    assert AuditEntry.objects.filter(action="admin", what__startswith="deleted").exists()
