"""A patient resets a forgotten password by mail: one link, once, for an hour; the page never
says whether an email has an account; staff get no link; asking is rate-limited."""

import re
from datetime import timedelta

from django.core import mail
from django.test import Client

from kratomlog.clinic.models import AuditEntry
from tests.clinic.helpers_ca import sign_in

NEW = "a brand new long password"


def ask(client, email):
    return client.post("/accounts/password-reset", {"email": email})


def link_in(message) -> str:
    return re.search(r"http://\S+/accounts/password-reset/\S+", message.body).group()


def test_a_patient_gets_a_link_that_sets_a_new_password_once(cast, clock):
    client = Client()
    assert b"Forgot your password?" in client.get("/accounts/login").content
    answer = ask(client, "ANA@example.org")
    assert answer.status_code == 302 and answer["Location"] == "/accounts/password-reset/sent"
    [sent] = mail.outbox
    assert sent.to == ["ana@example.org"]
    link = link_in(sent).removeprefix("http://127.0.0.1:8000")
    form = client.get(link, follow=True)
    assert b"Choose a new password" in form.content
    weak = client.post(
        form.redirect_chain[-1][0], {"new_password1": "short", "new_password2": "short"}
    )
    assert b"<strong>New password" in weak.content or b"<strong>The same password" in weak.content
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert done["Location"] == "/accounts/password-reset/done"
    assert sign_in(Client(), "ana@example.org", NEW)["Location"] == "/"
    assert sign_in(Client(), "ana@example.org", "ana's long password").status_code == 400
    again = Client().get(link, follow=True)
    assert b"This link no longer works" in again.content  # single use
    assert AuditEntry.objects.filter(action="password-reset", actor=cast.patient_a.user).exists()


def test_the_link_expires_after_an_hour(cast, clock):
    ask(Client(), "ana@example.org")
    link = link_in(mail.outbox[0]).removeprefix("http://127.0.0.1:8000")
    clock.shift(timedelta(minutes=61))
    assert b"This link no longer works" in Client().get(link, follow=True).content


def test_the_answer_is_the_same_for_an_unknown_email_and_staff_get_no_link(cast, clock):
    answers = [ask(Client(), email) for email in
               ("ana@example.org", "nobody@example.org", "lee@clinic.test")]  # fmt: skip
    assert {(a.status_code, a["Location"]) for a in answers} == {
        (302, "/accounts/password-reset/sent")
    }
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]
    sent = Client().get("/accounts/password-reset/sent").content.decode()
    assert "If that email belongs to a patient's account" in sent


def test_asking_is_limited_per_account_and_per_address(cast, clock):
    for _ in range(5):
        ask(Client(), "ana@example.org")
    assert len(mail.outbox) == 3  # three links an hour for one account
    too_many = ask(Client(), "ben@example.org")  # the sixth request from this address
    assert too_many.status_code == 429 and b"Too many requests" in too_many.content
    assert len(mail.outbox) == 3
    clock.shift(timedelta(minutes=61))
    assert ask(Client(), "ben@example.org").status_code == 302 and len(mail.outbox) == 4
