"""No log line holds a one-time code, a token or a password: Django's request logger writes
every refused request with its path, and set-up links and invitation codes are paths."""

import logging
import logging.config
import secrets
import sys
from io import StringIO

import pytest
from django.conf import settings

from tests.clinic.conftest import NOW


@pytest.fixture
def every_log():
    """The clinic's own logging configuration, writing where it writes (the process's standard
    error, and the data directory's log file), read back as one text."""
    stream, before = StringIO(), sys.stderr
    sys.stderr = stream
    try:
        logging.config.dictConfig(settings.LOGGING)

        def read() -> str:
            for handler in logging.getLogger().handlers:
                handler.flush()
            written = settings.LOG_PATH.read_text() if settings.LOG_PATH.exists() else ""
            return stream.getvalue() + written

        yield read
    finally:
        sys.stderr = before
        logging.config.dictConfig(settings.LOGGING)


def test_refused_set_up_invitation_and_sign_in_links_leave_no_secret_in_any_log(
    cast, client, every_log
):
    from kratomlog.clinic import invitations, people

    _, setup_token = people.add_staff(email="new@clinic.test", role="clinician", now=NOW)
    invitation = invitations.invite(cast.clinician_a, NOW)
    sign_in_token = secrets.token_urlsafe(32)
    bearer = secrets.token_urlsafe(32)

    refused = client.post(f"/setup/{setup_token}", {"password": "short", "password_again": "short"})
    assert refused.status_code == 400
    refused = client.post(
        f"/invite/{invitation.code}",
        {"email": "new@example.org", "password": "one long password", "password_again": "other"},
    )
    assert refused.status_code == 400
    client.force_login(cast.patient_a.user)  # a local journal's sign-in link has no page here
    assert client.get(f"/login/{sign_in_token}").status_code == 404
    client.logout()
    refused = client.post(
        f"/accounts/login?next=/setup/{setup_token}",
        {"email": "lee@clinic.test", "password": "not the password"},
    )
    assert refused.status_code == 400
    assert (
        client.get("/api/v1/me/entries", HTTP_AUTHORIZATION=f"Bearer {bearer}").status_code == 401
    )

    log = every_log()
    assert "Bad Request: /setup/[redacted]" in log  # the refusals are still logged, cleaned
    assert "Bad Request: /invite/[redacted]" in log
    assert "Not Found: /login/[redacted]" in log
    for secret in (setup_token, invitation.code, sign_in_token, bearer, "not the password"):
        assert secret not in log
