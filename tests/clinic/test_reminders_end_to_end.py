"""Reminders end to end with the real `clinic serve` and `clinic worker` on PostgreSQL: a
schedule due now, one reminder mail that says nothing but that a check-in is due, none on a
second run, and the occurrence done once a PHQ-9 is posted in its window."""

import re
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from kratomlog.clinic import tokens
from tests.clinic.conftest import NOW
from tests.clinic.test_alert_lifecycle import _api, _mails, _run_worker
from tests.clinic.test_serve import get
from tests.clinic.test_worker import _worker_env
from tests.integration.test_serve import free_port


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_due_check_in_is_reminded_once_by_mail_and_done_by_a_phq9_in_its_window(cast, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("a server and a worker on one database: PostgreSQL")
    env = {**_worker_env(tmp_path), "KRATOMLOG_BASE_URL": "http://clinic.test"}
    for name in ("DJANGO_SETTINGS_MODULE", "KRATOMLOG_SECRET_KEY", "KRATOMLOG_ALLOWED_HOSTS"):
        env.pop(name, None)
    patient, lee = tokens.issue(cast.patient_a.user, NOW), tokens.issue(cast.clinician_a, NOW)
    # The server and the worker run on the real clock: the item is due half an hour ago, in
    # the patient's zone (Berlin), with no quiet hours so that the hour of the run is no matter.
    due = (datetime.now(UTC) - timedelta(minutes=30)).astimezone(ZoneInfo("Europe/Berlin"))
    item = {"instrument": "phq9", "every": "day", "at": f"{due:%H:%M}", "start": f"{due:%Y-%m-%d}"}
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "kratomlog", "clinic", "serve", "--bind", f"127.0.0.1:{port}",
         "--workers", "2"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    mail = tmp_path / "mail"
    try:
        get(port, "/accounts/login", time.monotonic() + 90).read()
        path = f"/patients/{cast.patient_a.public_id}/schedule"
        status, shown = _api(port, lee, "PUT", path, {"items": [item]})
        assert status == 200 and shown["set_by"] == "Dr Lee", shown
        quiet = {"channels": ["push"], "quiet_hours": {"from": "00:00", "to": "00:00"}}
        assert _api(port, patient, "PUT", "/me/reminder-settings", quiet)[0] == 200
        status, mine = _api(port, patient, "GET", "/me/schedule")
        assert status == 200 and len(mine["items"][0]["next"]) == 14

        _run_worker(env)
        _run_worker(env)  # a second run sends nothing more
        sent = _mails(mail)
        assert len(sent) == 1, sent
        (text,) = sent
        assert "To: ana@example.org" in text and "Subject: Reminder" in text
        assert "A check-in is due." in text
        # The sender is the clinic's own setting (KRATOMLOG_FROM_EMAIL); the rest is ours.
        subject = re.search(r"^Subject: (.*)$", text, re.M).group(1)
        shown = (subject + text.split("\n\n", 1)[1]).lower()
        for word in ("phq", "kratom", "score", "depress", "mood"):
            assert word not in shown, word
        link = re.search(r"http://clinic\.test/due/([0-9a-f-]{36})", text)
        assert link, text

        (occurrence,) = _api(port, patient, "GET", "/me/occurrences")[1][:1]
        assert occurrence["state"] == "due" and occurrence["id"] == link.group(1)
        assert [(r["channel"], r["round"]) for r in occurrence["reminders"]] == [("mail", 1)]

        answers = {"kind": "phq9", "answers": [1, 1, 1, 1, 1, 1, 1, 1, 0]}
        assert _api(port, patient, "POST", "/me/checkins", answers)[0] == 201
        _run_worker(env)
        status, ledger = _api(port, lee, "GET", f"/patients/{cast.patient_a.public_id}/occurrences")
        done = next(row for row in ledger if row["id"] == link.group(1))
        assert done["state"] == "done" and done["done_by"], done
        assert len(_mails(mail)) == 1
    finally:
        server.terminate()
        server.wait(timeout=30)
