"""An alert's whole life with the real `clinic serve` and `clinic worker`: raised by a patient's
check-in, mailed once, resolved, raised again only by new evidence, kept when the patient stops
sharing."""

import http.client
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from kratomlog.clinic import tokens
from tests.clinic.conftest import NOW
from tests.clinic.test_serve import get
from tests.clinic.test_worker import _worker_env
from tests.integration.test_serve import free_port

ITEM_9 = [2, 2, 2, 2, 2, 2, 2, 2, 2]


def _api(port: int, key: str, method: str, path: str, body: object = None) -> tuple[int, object]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    connection.request(method, f"/api/v1{path}", json.dumps(body) if body else None, headers)
    answer = connection.getresponse()
    return answer.status, json.loads(answer.read() or b"null")


def _run_worker(env: dict[str, str]) -> None:
    command = [sys.executable, "-m", "kratomlog", "clinic", "worker", "--once"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr


def _mails(folder: Path) -> list[str]:
    return [path.read_text() for path in sorted(folder.iterdir())] if folder.exists() else []


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_an_alert_is_raised_mailed_once_resolved_raised_again_and_kept(cast, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("a server and a worker on one database: PostgreSQL")
    env = {**_worker_env(tmp_path), "KRATOMLOG_BASE_URL": "http://clinic.test"}
    for name in ("DJANGO_SETTINGS_MODULE", "KRATOMLOG_SECRET_KEY", "KRATOMLOG_ALLOWED_HOSTS"):
        env.pop(name, None)
    patient = tokens.issue(cast.patient_a.user, NOW)
    lee = tokens.issue(cast.clinician_a, NOW)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "kratomlog", "clinic", "serve", "--bind", f"127.0.0.1:{port}",
         "--workers", "2"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    mail = tmp_path / "mail"
    try:
        get(port, "/accounts/login", time.monotonic() + 90).read()
        status, _ = _api(port, patient, "POST", "/me/checkins", {"kind": "phq9", "answers": ITEM_9})
        assert status == 201
        _run_worker(env)
        _run_worker(env)  # a second run sends nothing again
        sent = _mails(mail)
        assert len(sent) == 1 and "To: lee@clinic.test" in sent[0]
        (alert,) = _api(port, lee, "GET", "/alerts")[1]
        assert alert["evidence"]["item_9"] == 2 and f"/clinic/alerts/{alert['id']}" in sent[0]

        status, resolved = _api(port, lee, "POST", f"/alerts/{alert['id']}/resolve",
                                {"note": "called; safety plan agreed"})  # fmt: skip
        assert status == 200 and resolved["state"] == "resolved"
        # Recording more is no new evidence; a later PHQ-9 with item 9 above 0 is.
        entry = {"substance": "kratom", "amount": 2, "unit": "g"}
        assert _api(port, patient, "POST", "/me/entries", entry)[0] == 201
        _run_worker(env)
        assert len(_api(port, lee, "GET", "/alerts")[1]) == 1 and len(_mails(mail)) == 1
        _api(port, patient, "POST", "/me/checkins", {"kind": "phq9", "answers": [1] * 9})
        _run_worker(env)
        listed = _api(port, lee, "GET", "/alerts")[1]
        assert [a["state"] for a in listed] == ["open", "resolved"] and len(_mails(mail)) == 2

        status, _ = _api(port, patient, "POST", "/me/consent", {"share_with_care_team": False})
        assert status == 200
        (kept,) = _api(port, lee, "GET", "/alerts")[1]
        assert kept["state"] == "open" and kept["patient_sharing"] is False
        assert kept["patient_email"] == "ana@example.org"
        _api(port, patient, "POST", "/me/checkins", {"kind": "phq9", "answers": ITEM_9})
        _run_worker(env)
        assert len(_mails(mail)) == 2  # no new alert, no mail, for a patient who does not share
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert server.returncode == 0, output
