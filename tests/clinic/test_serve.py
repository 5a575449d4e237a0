"""`kratomlog clinic serve` and `clinic demo` as an operator runs them: real processes, real ports.

The server uses DATABASE_URL when the suite runs on PostgreSQL (migrating that database, as
`clinic init` does), or SQLite in a temporary data directory.
"""

import http.client
import json
import os
import re
import signal
import subprocess
import time
from base64 import b32encode
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.test import Client

from kratomlog.clinic import demo
from kratomlog.clinic.models import ALERT_RESOLVED, Alert, Patient, Team
from kratomlog.core.days import local_day, zone
from kratomlog.plans.models import PlanVersion
from tests.clinic.conftest import NOW
from tests.clinic.helpers_ca import patient_client
from tests.integration.test_first_use import KRATOMLOG
from tests.integration.test_serve import free_port

needs_command = pytest.mark.skipif(KRATOMLOG is None, reason="kratomlog is not installed")


def server_env(home: Path) -> dict[str, str]:
    env = {**os.environ, "KRATOMLOG_HOME": str(home)}
    for name in ("DJANGO_SETTINGS_MODULE", "KRATOMLOG_SECRET_KEY", "KRATOMLOG_ALLOWED_HOSTS"):
        env.pop(name, None)
    return env


def get(port: int, path: str, deadline: float, cookie: str = "") -> http.client.HTTPResponse:
    """GET `path`, retrying while the server is still starting."""
    while True:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
            return connection.getresponse()
        except (ConnectionRefusedError, ConnectionResetError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def ensure_database(url: str) -> None:
    """Create the operator's PostgreSQL database if it is not there yet (as `createdb` would)."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def children(pid: int) -> list[str]:
    listed = subprocess.run(
        ["ps", "--ppid", str(pid), "-o", "pid="], capture_output=True, text=True
    )
    return listed.stdout.split()


@needs_command
def test_clinic_serve_runs_gunicorn_with_two_workers_and_serves_pages_and_the_api(tmp_path):
    if os.environ.get("DATABASE_URL"):
        ensure_database(os.environ["DATABASE_URL"])
    port = free_port()
    process = subprocess.Popen(
        [KRATOMLOG, "clinic", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=server_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        login = get(port, "/accounts/login", deadline)
        assert login.status == 200 and b"Sign in to the clinic" in login.read()
        assert login.getheader("Server") == "gunicorn"
        api = get(port, "/api/v1/openapi.json", deadline)
        assert api.status == 200 and json.loads(api.read())["openapi"].startswith("3.")
        static = get(port, "/static/web/app.css", deadline)  # whitenoise, as the local app
        assert static.status == 200 and static.getheader("Content-Type").startswith("text/css")
        static.read()
        journal = get(port, "/", deadline)
        assert journal.status == 302 and journal.getheader("Location") == "/accounts/login?next=/"
        assert len(children(process.pid)) == 2  # the gunicorn workers
    finally:
        process.terminate()
        output = process.communicate(timeout=30)[0]
    assert f"serving http://127.0.0.1:{port}/ with 2 worker processes" in output
    assert "Web Push is off: set KRATOMLOG_VAPID_SUBJECT" in output  # one line; the rest runs
    assert process.returncode == 0, output


@needs_command
def test_clinic_demo_prints_sign_in_links_and_removes_its_directory_when_stopped(tmp_path):
    port = free_port()
    env = server_env(tmp_path)
    env.pop("DATABASE_URL", None)  # the demo never touches a real database anyway
    process = subprocess.Popen(
        [KRATOMLOG, "clinic", "demo", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        printed = []
        deadline = time.monotonic() + 120
        while not any("Mail the clinic sends" in line for line in printed):
            line = process.stdout.readline()
            assert line and time.monotonic() < deadline, "".join(printed)
            printed.append(line)
        text = "".join(printed)
        assert "12 patients in teams North and South" in text
        patient_link = re.search(r"Demo patient \(ana@demo.test\): (\S+)", text).group(1)
        home = Path(re.search(r"written to (\S+)/mail\.", text).group(1))
        assert home.is_dir() and home.name.startswith("kratomlog-clinic-demo-")
        signed_in = get(port, patient_link.split(str(port), 1)[1], time.monotonic() + 60)
        assert signed_in.status == 302 and signed_in.getheader("Location") == "/"
        cookie = "; ".join(c.split(";")[0] for c in signed_in.headers.get_all("Set-Cookie"))
        today = get(port, "/sharing", time.monotonic() + 10, cookie)
        assert today.status == 200 and b"Dr Lee" in today.read()
        # The worker mails the open alerts to the clinicians, a file a message.
        mails = []
        while time.monotonic() < deadline and len(mails) < 10:
            mails = list((home / "mail").glob("*.eml")) if (home / "mail").is_dir() else []
            time.sleep(0.5)
        assert len(mails) >= 10 and "lee@demo.test" in "".join(m.read_text() for m in mails)
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=30)
    assert not home.exists()


def test_the_demo_builds_in_the_hour_before_midnight_across_a_change_of_summer_time(db, clock):
    # 23:30 in Berlin, in winter; 90 days before it was 00:30 of the next day there, in summer
    # time: a plan set then starts on that day, not the day before.
    late = datetime(2026, 12, 6, 22, 30, tzinfo=UTC)
    clock.move_to(late)
    built = demo.build(late)
    assert built.patients == 12
    for version in PlanVersion.objects.exclude(set_by=""):
        tz = zone(version.person.timezone)
        assert version.start >= local_day(version.set_at, tz), (version.name, version.start)


def test_the_demo_clinic_has_two_teams_a_dozen_varied_patients_and_open_alerts(db, clock):
    built = demo.build(NOW)
    assert Team.objects.count() == 2 and Patient.objects.count() == built.patients == 12
    open_alerts = Alert.objects.exclude(state=ALERT_RESOLVED)
    kinds = set(open_alerts.values_list("kind", flat=True))  # raised by the standing rules
    assert {
        "self_harm_risk", "loss_of_control", "withdrawal_persisting", "escalation", "limit_broken",
        "not_heard_from",
    } == kinds  # fmt: skip
    # Only what holds now is alerted: a patient within their limits has none.
    assert not open_alerts.filter(patient__user__username="fay@demo.test").exists()
    assert built.open_alerts == open_alerts.count()
    urgent = open_alerts.get(kind="self_harm_risk")
    assert urgent.urgent and urgent.patient.user.username == "ben@demo.test"
    assert urgent.patient.person.checkins.filter(self_harm=True).exists()
    silent = Patient.objects.get(user__username="dev@demo.test").person
    assert silent.entries.order_by("-taken_at").first().taken_at <= NOW - timedelta(days=10)
    ana = built.patient
    assert ana.person.plan_versions.get().name.startswith("taper")
    assert ana.person.entries.count() > 100 and ana.team.name == "North"
    # A plan set by the clinician carries their name, and the patient sees who looked.
    assert (
        Patient.objects.get(user__username="cleo@demo.test").person.plan_versions.get().set_by
        == "Dr Lee"
    )
    sharing = patient_client(ana).get("/sharing").content.decode()
    assert "Dr Lee" in sharing and "looked at your journal" in sharing
    assert "Join taper-outcomes-2027" in sharing  # the demo has a study to join
    device = built.clinician.totpdevice_set.get()
    assert device.confirmed
    assert built.authenticator_secret.replace(" ", "") == b32encode(device.bin_key).decode()
    assert (
        Client().post("/accounts/login", {"email": "lee@demo.test", "password": demo.PASSWORD})[
            "Location"
        ]
        == "/accounts/verify"
    )
