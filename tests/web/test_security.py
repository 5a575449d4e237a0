"""Signing in, CSRF, cookies, the Content Security Policy and upload limits."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from kratomlog.journal.services import local_person
from kratomlog.web.login import new_link

PAGES = ["/", "/history", "/plan", "/transfer", "/settings", "/delete-everything", "/export.json"]


@pytest.mark.parametrize("path", PAGES)
def test_without_a_session_every_page_says_how_to_get_a_link(kl, path):
    client = Client()
    response = client.get(path, follow=True)
    assert response.redirect_chain[-1][0] == "/welcome"
    assert b"kratomlog serve" in response.content


def test_a_login_link_works_once_and_not_twice(kl):
    token = new_link(local_person(), timezone.now())
    first = Client()
    assert first.get(f"/login/{token}").headers["Location"] == "/"
    assert first.get("/").status_code == 200
    second = Client().get(f"/login/{token}")
    assert second.status_code == 403
    assert b"already been used" in second.content


def test_an_unknown_link_signs_nobody_in(kl):
    client = Client()
    assert client.get("/login/not-a-token").status_code == 403
    assert client.get("/").status_code == 302


def test_a_link_older_than_twelve_hours_is_refused(kl, clock):
    token = new_link(local_person(), timezone.now())
    clock.shift(13 * 3600)
    assert Client().get(f"/login/{token}").status_code == 403


def test_the_session_cookie_is_http_only_and_same_site(kl):
    client = Client()
    client.get(f"/login/{new_link(local_person(), timezone.now())}")
    cookie = client.cookies["sessionid"]
    assert cookie["httponly"] is True and cookie["samesite"] == "Lax"


def test_every_form_needs_its_csrf_token(kl):
    client = Client(enforce_csrf_checks=True)
    client.get(f"/login/{new_link(local_person(), timezone.now())}")
    for path in [
        "/log/dose",
        "/undo",
        "/plan/preset",
        "/transfer/upload",
        "/settings/save",
        "/delete-everything",
        "/entries/1/delete",
    ]:
        assert client.post(path, {"amount": "3g"}).status_code == 403, path
    page = client.get("/").content.decode()
    assert page.count("csrfmiddlewaretoken") >= 4  # each form on Today carries one


@pytest.mark.parametrize("path", ["/", "/history", "/plan", "/welcome"])
def test_the_content_security_policy_forbids_inline_and_outside_code(signed_in, path):
    response = signed_in.get(path)
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    html = response.content.decode()
    assert "<script>" not in html and " style=" not in html and "<style" not in html
    assert not re.search(r'(src|href|action)="(https?:)?//', html)  # nothing from elsewhere
    assert response.headers["X-Frame-Options"] == "DENY"


def test_an_upload_of_the_wrong_type_is_refused_with_a_clear_message(signed_in, tmp_path):
    path = tmp_path / "journal.xlsx"
    path.write_bytes(b"PK\x03\x04")
    with path.open("rb") as upload:
        response = signed_in.post("/transfer/upload", {"format": "csv", "file": upload})
    assert response.status_code == 400
    assert "is not a .csv, .json or .txt file" in response.content.decode()


def test_an_upload_over_the_size_limit_is_refused_with_a_clear_message(
    signed_in, tmp_path, settings
):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    path = tmp_path / "big.csv"
    path.write_text("time,substance,amount,unit\n" + "2026-01-01T00:00,kratom,1,g\n" * 40000)
    with path.open("rb") as upload:
        response = signed_in.post("/transfer/upload", {"format": "csv", "file": upload})
    assert response.status_code == 413
    assert "the most is 1 MB" in response.content.decode()


def test_non_utf8_uploads_are_refused(signed_in, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        "time,substance,amount,unit,note\n2026-01-01T00:00,kratom,1,g,caf\xe9\n".encode("latin-1")
    )
    with path.open("rb") as upload:
        response = signed_in.post("/transfer/upload", {"format": "csv", "file": upload})
    assert "is not UTF-8 text" in response.content.decode()


def test_serve_refuses_to_listen_beyond_this_computer(kl):
    result = kl("serve", "--host", "0.0.0.0", code=2)
    assert "error: --host: 0.0.0.0 (0.0.0.0) is not a loopback address" in result.stderr
    assert "health data" in result.stderr


def test_a_request_naming_another_host_is_refused(signed_in):
    # DNS rebinding: a page elsewhere that points its name at 127.0.0.1 gets nothing
    assert signed_in.get("/", HTTP_HOST="evil.example").status_code == 400
    assert signed_in.get("/export.json", HTTP_HOST="evil.example:8765").status_code == 400
    assert signed_in.get("/", HTTP_HOST="localhost:8765").status_code == 200


def test_every_page_carries_the_security_headers(signed_in):
    response = signed_in.get("/")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "object-src 'none'" in response.headers["Content-Security-Policy"]
