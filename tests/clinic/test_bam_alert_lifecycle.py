"""A flagged Brief Addiction Monitor end to end with the real `clinic serve` and `clinic
worker` on PostgreSQL: one bam_flag alert, one mail to each clinician of the patient's team."""

import http.client
import json
import subprocess
import sys
import time

import pytest
from django.db import connection

from kratomlog.clinic import people, tokens
from tests.clinic.conftest import NOW
from tests.clinic.test_alert_lifecycle import _mails, _run_worker
from tests.clinic.test_serve import get
from tests.clinic.test_worker import _worker_env
from tests.integration.test_serve import free_port


def _api(port: int, key: str, method: str, path: str, body: object = None) -> tuple[int, object]:
    """As test_alert_lifecycle's, with room for a first request on a busy machine."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    connection.request(method, f"/api/v1{path}", json.dumps(body) if body else None, headers)
    answer = connection.getresponse()
    return answer.status, json.loads(answer.read() or b"null")


FLAGGED = [3, 2, 1, 0, 0, 4, ["kratom"], 4, 1, 0, 3, 2, 4, 4, 1, 2, 2]  # cravings: extremely


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_flagged_bam_raises_one_alert_and_mails_each_clinician_once(cast, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("a server and a worker on one database: PostgreSQL")
    people.add_staff(email="ng@clinic.test", role="clinician", now=NOW, teams=["North"],
                     name="Dr Ng")  # fmt: skip
    env = {**_worker_env(tmp_path), "KRATOMLOG_BASE_URL": "http://clinic.test"}
    for name in ("DJANGO_SETTINGS_MODULE", "KRATOMLOG_SECRET_KEY", "KRATOMLOG_ALLOWED_HOSTS"):
        env.pop(name, None)
    patient = tokens.issue(cast.patient_a.user, NOW)
    lee = tokens.issue(cast.clinician_a, NOW)
    okafor = tokens.issue(cast.clinician_b, NOW)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "kratomlog", "clinic", "serve", "--bind", f"127.0.0.1:{port}",
         "--workers", "2"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    mail = tmp_path / "mail"
    try:
        get(port, "/accounts/login", time.monotonic() + 90).read()
        status, body = _api(port, patient, "POST", "/me/checkins",
                            {"kind": "bam", "answers": FLAGGED})  # fmt: skip
        assert status == 201 and body["flagged_items"] == [8]
        _run_worker(env)
        _run_worker(env)  # a second run sends nothing again
        sent = _mails(mail)
        assert sorted(m.split("To: ")[1].split("\n")[0].strip() for m in sent) == [
            "lee@clinic.test",
            "ng@clinic.test",
        ]
        (alert,) = _api(port, lee, "GET", "/alerts")[1]
        assert alert["kind"] == "bam_flag" and alert["evidence"]["flagged_items"] == [8]
        assert all(f"/clinic/alerts/{alert['id']}" in m for m in sent)
        assert _api(port, okafor, "GET", "/alerts")[1] == []  # another team's clinician
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert server.returncode == 0, output
