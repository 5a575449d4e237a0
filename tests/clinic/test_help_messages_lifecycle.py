"""Help now and a message with the real `clinic serve` and `clinic worker` on PostgreSQL: Help
now raises an urgent alert mailed to the team within seconds; a patient's message reaches the
team's inbox and its mail holds none of its words; another team, and the team once the patient
stops sharing, get 404."""

import email
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from kratomlog.clinic import messages, tokens
from tests.clinic.conftest import NOW
from tests.clinic.test_alert_lifecycle import _api, _mails
from tests.clinic.test_serve import get
from tests.clinic.test_worker import _worker_env
from tests.integration.test_serve import free_port

WORDS = "The nights are bad since the step down"


def _read(text: str) -> str:
    """A mail as its reader sees it: who it is to, its subject and its body decoded."""
    message = email.message_from_string(text.rsplit("\n" + "-" * 79, 1)[0])
    body = message.get_payload(decode=True).decode()
    return f"To: {message['To']}\nSubject: {message['Subject']}\n\n{body}"


def _wait_for_mail(folder: Path, holding: str, seconds: float) -> tuple[str, float]:
    """The first mail that holds `holding`, and how long it took to come."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        found = [_read(text) for text in _mails(folder) if holding in _read(text)]
        if found:
            return found[0], time.monotonic() - start
        time.sleep(0.25)
    raise AssertionError(f"no mail with {holding!r} within {seconds} s: {_mails(folder)}")


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_help_now_and_a_message_from_the_patients_phone_to_the_teams_mail(cast, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("a server and a worker on one database: PostgreSQL")
    env = {**_worker_env(tmp_path), "KRATOMLOG_BASE_URL": "http://clinic.test"}
    for name in ("DJANGO_SETTINGS_MODULE", "KRATOMLOG_SECRET_KEY", "KRATOMLOG_ALLOWED_HOSTS"):
        env.pop(name, None)
    ana = tokens.issue(cast.patient_a.user, NOW)
    lee = tokens.issue(cast.clinician_a, NOW)
    okafor = tokens.issue(cast.clinician_b, NOW)
    conversation = f"/patients/{cast.patient_a.public_id}/messages"
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "kratomlog", "clinic", "serve", "--bind", f"127.0.0.1:{port}",
         "--workers", "2"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    worker = subprocess.Popen(
        [sys.executable, "-m", "kratomlog", "clinic", "worker"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    mail = tmp_path / "mail"
    try:
        get(port, "/accounts/login", time.monotonic() + 90).read()
        status, sent = _api(port, ana, "POST", "/me/messages", {"text": WORDS + "."})
        assert status == 201 and sent["author"] == "patient"

        status, helped = _api(port, ana, "POST", "/me/help-now")
        assert status == 201 and helped["care_team_alerted"] is True
        (alert,) = _api(port, lee, "GET", "/alerts")[1]
        assert alert["kind"] == "help_requested" and alert["urgent"] is True
        told, waited = _wait_for_mail(mail, f"/clinic/alerts/{alert['id']}", 30)
        assert "To: lee@clinic.test" in told and waited < 15  # at once, not at the next hour

        # The message waits in Dr Lee's inbox, not in Dr Okafor's, who cannot open it.
        assert [p.id for p in messages.unanswered(cast.clinician_a)] == [cast.patient_a.id]
        assert list(messages.unanswered(cast.clinician_b)) == []
        assert _api(port, okafor, "GET", conversation)[0] == 404
        assert _api(port, okafor, "POST", conversation, {"text": "Hello"})[0] == 404

        # Announced a minute later (a burst makes one mail), with none of the message's words.
        announced, _ = _wait_for_mail(mail, f"/clinic/patients/{cast.patient_a.public_id}/messages",
                                      120)  # fmt: skip
        assert "To: lee@clinic.test" in announced
        assert "nights" not in announced.lower() and "step down" not in announced.lower()
        status, listed = _api(port, lee, "GET", conversation)
        assert status == 200 and [m["text"] for m in listed] == [WORDS + "."]

        status, _ = _api(port, ana, "POST", "/me/consent", {"share_with_care_team": False})
        assert status == 200
        assert _api(port, lee, "GET", conversation)[0] == 404
        assert _api(port, lee, "POST", conversation, {"text": "Are you there?"})[0] == 404
        assert _api(port, lee, "POST", f"{conversation}/{sent['id']}/read")[0] == 404
    finally:
        for process in (worker, server):
            process.terminate()
        outputs = [process.communicate(timeout=60)[0] for process in (worker, server)]
    assert worker.returncode == 0 and server.returncode == 0, outputs
