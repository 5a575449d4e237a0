"""Odd input answers a 400/422 that names the field, never a crash page: a NUL in a filter, a
page number past any table, an email no person has; and the API answers JSON whatever happens."""

import pytest
from django.db import connection

from kratomlog.clinic import invitations, tokens
from tests.clinic.conftest import NOW

NUL = "North\x00"
HUGE = str(2**63)


@pytest.fixture
def keys(cast):
    return {
        "clinician": tokens.issue(cast.clinician_a, NOW),
        "patient": tokens.issue(cast.patient_a.user, NOW),
        "admin": tokens.issue(cast.admin, NOW),
    }


def _api(client, key, path, **params):
    return client.get(f"/api/v1{path}", params, HTTP_AUTHORIZATION=f"Bearer {key}")


def _names(answer, field):
    assert answer["Content-Type"].startswith("application/json"), answer.content[:200]
    detail = answer.json()["detail"]
    assert any(problem["loc"][-1] == field for problem in detail), detail
    return " ".join(problem["msg"] for problem in detail)


@pytest.mark.parametrize(("path", "field"), [("/patients", "team"), ("/patients", "reason"),
                                             ("/alerts", "team")])  # fmt: skip
def test_a_nul_in_a_filter_of_the_api_answers_422_naming_it(client, keys, path, field):
    answer = _api(client, keys["clinician"], path, **{field: NUL})
    assert answer.status_code == 422
    assert "NUL" in _names(answer, field)


@pytest.mark.parametrize(("path", "who"), [("/me/entries", "patient"),
                                           ("/me/access-log", "patient"), ("/audit", "admin")])  # fmt: skip
def test_a_page_number_past_any_table_answers_422_naming_the_page(client, keys, path, who):
    answer = _api(client, keys[who], path, page=HUGE)
    assert answer.status_code == 422
    assert "less than or equal" in _names(answer, "page")


@pytest.mark.parametrize("page", ["/clinic/", "/clinic/alerts"])
def test_a_nul_in_the_team_filter_of_a_page_shows_the_page_again_with_why(client, cast, page):
    client.force_login(cast.clinician_a)
    session = client.session
    session.save()
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=cast.clinician_a, confirmed=True, name="phone")
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    answer = client.get(page, {"team": NUL})
    assert answer.status_code == 400
    text = answer.content.decode()
    assert "team:</strong>" in text and "is not one of your teams (North)" in text


@pytest.mark.parametrize("email", ["ana\x00@example.org", "a" * 244 + "@example.org"])
def test_an_email_no_person_has_on_the_sign_in_page_is_refused_on_the_form(client, cast, email):
    assert len(email) in (16, 256)
    answer = client.post("/accounts/login", {"email": email, "password": "some password"})
    assert answer.status_code == 400
    assert "is not an email address (name@example.org)" in answer.content.decode()


@pytest.mark.parametrize("email", ["new\x00@example.org", "a" * 244 + "@example.org"])
def test_an_email_no_person_has_on_the_invitation_is_refused_on_the_form(client, cast, email):
    invitation = invitations.invite(cast.clinician_a, NOW)
    answer = client.post(f"/invite/{invitation.code}", {
        "email": email, "password": "one long password", "password_again": "one long password",
        "timezone": "Europe/Berlin", "agree": "yes", "consent_version": "1",
    })  # fmt: skip
    assert answer.status_code == 400
    assert "is not an email address (name@example.org)" in answer.content.decode()


def test_the_api_answers_json_503_when_the_database_is_down(client, transactional_db, cast):
    key = tokens.issue(cast.patient_a.user, NOW)
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "postgresql":
        connection.settings_dict["PORT"] = "1"  # nothing listens there
    else:
        connection.settings_dict["NAME"] = "/nonexistent/directory/journal.sqlite3"
    try:
        answer = client.get("/api/v1/me/status", HTTP_AUTHORIZATION=f"Bearer {key}")
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
    assert answer.status_code == 503
    assert answer["Content-Type"].startswith("application/json")
    assert "database" in answer.json()["detail"]


def test_a_body_over_the_size_limit_answers_json_400(client, keys):
    answer = client.post(
        "/api/v1/me/entries", data="x" * (6 * 1024 * 1024), content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {keys['patient']}",
    )  # fmt: skip
    assert answer.status_code == 400 and answer["Content-Type"].startswith("application/json")
    assert answer.json()["detail"].startswith("body: larger than the 5 MB a request may hold")


@pytest.mark.parametrize(("method", "path"), [("get", "/api/v1/nope"),
                                              ("post", "/api/v1/me/nothing"),
                                              ("get", "/api/v1/me/status/"), ("get", "/api/v1/")])  # fmt: skip
@pytest.mark.parametrize("who", ["patient", None])
def test_an_address_the_api_does_not_have_answers_json_404(client, keys, method, path, who):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {keys[who]}"} if who else {}
    answer = getattr(client, method)(path, **headers)
    assert answer.status_code == 404
    assert answer["Content-Type"].startswith("application/json")
    assert answer.json() == {"detail": "Not Found"}


def test_a_method_an_address_lacks_answers_json_405_naming_those_it_has(client, keys):
    answer = client.delete("/api/v1/me/status", HTTP_AUTHORIZATION=f"Bearer {keys['patient']}")
    assert answer.status_code == 405 and answer["Allow"] == "GET"
    assert answer["Content-Type"].startswith("application/json")
    assert answer.json() == {"detail": "method DELETE is not one this address answers (GET)"}
