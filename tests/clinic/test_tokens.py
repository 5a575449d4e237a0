"""API tokens are revocable: by their holder (DELETE /me/token), their owner's page, the admin
pages, `clinic token EMAIL --revoke`, and deactivating the user; 401 from the next request."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from typer.testing import CliRunner

from kratomlog.cli import app
from kratomlog.clinic import tokens
from kratomlog.clinic.models import ApiToken, AuditEntry
from tests.clinic.conftest import NOW
from tests.clinic.helpers_ca import verified_client


def api(method: str, path: str, token: str):  # type: ignore[no-untyped-def]
    return getattr(Client(), method)(f"/api/v1{path}", HTTP_AUTHORIZATION=f"Bearer {token}")


def revoked_rows(user) -> list[str]:  # type: ignore[no-untyped-def]
    return list(
        AuditEntry.objects.filter(action="token-revoked", what__contains=user.username)
        .order_by("id")
        .values_list("what", flat=True)
    )


def test_delete_me_token_revokes_the_calling_token_only_and_it_answers_401_next(cast, clock):
    user = cast.patient_a.user
    laptop, phone = tokens.issue(user, NOW, days=365), tokens.issue(user, NOW, days=365)
    assert api("get", "/me/status", laptop).status_code == 200
    gone = api("delete", "/me/token", laptop)
    assert gone.status_code == 204 and gone.content == b""
    assert api("get", "/me/status", laptop).status_code == 401
    assert api("post", "/me/consent", laptop).status_code == 401  # nor turns sharing back on
    assert api("delete", "/me/token", laptop).status_code == 401
    assert api("get", "/me/status", phone).status_code == 200  # the patient's other token
    assert revoked_rows(user) == ["1 token of ana@example.org: given up by its holder"]


def test_clinic_token_revoke_revokes_every_token_of_that_user_and_says_how_many(cast, clock):
    user = cast.clinician_a
    made = [tokens.issue(user, NOW) for _ in range(3)]
    other = tokens.issue(cast.clinician_b, NOW)
    result = CliRunner().invoke(app, ["clinic", "token", "Lee@clinic.test", "--revoke"])
    assert result.exit_code == 0, result.output
    assert "Revoked 3 tokens of lee@clinic.test" in result.stdout
    assert "klc_" not in result.stdout
    assert all(api("get", "/patients", token).status_code == 401 for token in made)
    assert api("get", "/patients", other).status_code == 200
    again = CliRunner().invoke(app, ["clinic", "token", "lee@clinic.test", "--revoke"])
    assert "Revoked 0 tokens of lee@clinic.test (none was live)" in again.stdout
    unknown = CliRunner().invoke(app, ["clinic", "token", "who@clinic.test", "--revoke"])
    assert unknown.exit_code == 2
    assert "error: EMAIL: no user signs in as 'who@clinic.test'" in unknown.stderr
    assert revoked_rows(user) == ["3 tokens of lee@clinic.test: revoked by `clinic token --revoke`"]


@pytest.mark.parametrize("how", ["save", "admin"])
def test_deactivating_a_user_revokes_their_tokens(cast, clock, how):
    user = cast.researcher
    secret = tokens.issue(user, NOW)
    if how == "save":
        user.is_active = False
        user.save()
    else:
        page = verified_client(cast.admin).post(
            f"/admin/auth/user/{user.id}/change/",
            {"username": user.username, "email": user.email, "is_active": "",
             "account-TOTAL_FORMS": "1", "account-INITIAL_FORMS": "1",
             "account-MIN_NUM_FORMS": "0", "account-MAX_NUM_FORMS": "1",
             "account-0-id": user.account.id, "account-0-user": user.id,
             "account-0-role": "researcher", "account-0-display_name": "Rao"},
        )  # fmt: skip
        assert page.status_code == 302, page.content.decode()[:2000]
    assert not ApiToken.objects.filter(user=user, revoked_at__isnull=True).exists()
    user.is_active = True  # reactivated: the old token stays revoked
    user.save()
    assert api("get", "/studies", secret).status_code == 401
    assert revoked_rows(user) == ["1 token of rao@clinic.test: the account was deactivated"]


def test_staff_see_their_tokens_on_their_account_page_and_revoke_one(cast, clock):
    user = cast.clinician_a
    user.account.timezone = "Europe/Berlin"
    user.account.save()
    old = tokens.issue(user, NOW - timedelta(days=3), days=30)
    new = tokens.issue(user, NOW, days=10)
    tokens.user_for(old, NOW - timedelta(days=1))
    theirs = tokens.issue(cast.clinician_b, NOW)
    browser = verified_client(user)
    page = browser.get("/accounts/").content.decode()
    assert (
        "klc_" not in page
        and ApiToken.objects.get(user=user, created_at=NOW).token_hash not in page
    )
    # Newest first, in Lee's zone: made, last used, expires.
    rows = re.findall(r"<tr><td>(.*?)</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>", page)
    assert rows == [
        ("Mon 23 Nov 2026 19:00", "never", "Thu 03 Dec 2026 19:00"),
        ("Fri 20 Nov 2026 19:00", "Sun 22 Nov 2026 19:00", "Sun 20 Dec 2026 19:00"),
    ]
    assert "Times are in Europe/Berlin" in page
    first = ApiToken.objects.get(user=user, created_at=NOW - timedelta(days=3))
    answer = browser.post("/accounts/", {"revoke_token": first.id})
    assert answer.status_code == 302 and answer["Location"] == "/accounts/"
    page = browser.get("/accounts/").content.decode()
    assert "Token revoked: it no longer works" in page
    assert "Fri 20 Nov 2026" not in page and "Mon 23 Nov 2026 19:00" in page
    assert api("get", "/patients", old).status_code == 401
    assert api("get", "/patients", new).status_code == 200
    # Another person's token: not theirs to revoke, and nothing is said about it.
    other = ApiToken.objects.get(user=cast.clinician_b)
    browser.post("/accounts/", {"revoke_token": other.id})
    assert "not one of yours" in browser.get("/accounts/").content.decode()
    assert api("get", "/patients", theirs).status_code == 200
    browser.post("/accounts/", {"revoke_token": "x" * 40})
    assert "that is not one of your tokens" in browser.get("/accounts/").content.decode()
    assert revoked_rows(user) == ["1 token of lee@clinic.test: revoked by its owner"]


def test_a_patient_revokes_a_lost_journals_token_on_their_sharing_page(cast, clock):
    user = cast.patient_a.user
    lost = tokens.issue(user, NOW, days=365)
    browser = Client()
    browser.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    page = browser.get("/sharing").content.decode()
    assert "API tokens" in page and "Tue 23 Nov 2027 19:00" in page  # Berlin time
    token = ApiToken.objects.get(user=user)
    assert browser.post("/sharing", {"revoke_token": token.id}).status_code == 302
    assert "You have no API token that works" in browser.get("/sharing").content.decode()
    assert cast.patient_a.sharing  # revoking a token is not a change of sharing
    assert api("get", "/me/status", lost).status_code == 401


def test_admins_list_tokens_without_the_token_and_revoke_the_chosen_ones(cast, clock):
    lee = tokens.issue(cast.clinician_a, NOW)
    ana = tokens.issue(cast.patient_a.user, NOW)
    admin = verified_client(cast.admin)
    listing = admin.get("/admin/clinic/apitoken/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "lee@clinic.test" in html and "ana@example.org" in html
    assert "klc_" not in html and not any(row.token_hash in html for row in ApiToken.objects.all())
    chosen = ApiToken.objects.get(user=cast.clinician_a)
    done = admin.post(
        "/admin/clinic/apitoken/",
        {"action": "revoke", "_selected_action": [chosen.id], "index": 0},
        follow=True,
    )
    assert "Revoked 1 token." in done.content.decode()
    assert api("get", "/patients", lee).status_code == 401
    assert api("get", "/me/status", ana).status_code == 200
    assert revoked_rows(cast.clinician_a) == ["1 token of lee@clinic.test: revoked by an admin"]
    row = AuditEntry.objects.get(action="token-revoked")
    assert row.actor == cast.admin
    assert admin.get("/admin/clinic/apitoken/add/").status_code == 403
