"""A local journal (its own SQLite) joins a clinic served by the real `kratomlog clinic serve`.

It links with an invitation, syncs, is killed with SIGKILL after its first batch has landed,
syncs again: the clinic holds each record exactly once; a plan the clinician then sets comes
back to the local `status`; a clinic gone away is reported in one line.
"""

import json
import os
import signal
import subprocess
import threading
import time
import uuid
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from kratomlog.clinic import care_plans, invitations
from kratomlog.clinic.models import Patient
from kratomlog.core.plan import preset_plan
from kratomlog.journal.models import Change, Entry
from kratomlog.sync.client import Clinic, ClinicUnreachable
from tests.clinic.conftest import NOW
from tests.clinic.test_serve import get, server_env
from tests.integration.test_first_use import KRATOMLOG
from tests.integration.test_serve import free_port

ENTRIES = 2000
BATCH = 100
PASSWORD = "a long patient password"


def _database_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _local_env(home: Path) -> dict[str, str]:
    env = {**os.environ, "KRATOMLOG_HOME": str(home), "TZ": "Europe/Berlin",
           "KRATOMLOG_SYNC_BACKOFF": "0.01"}  # fmt: skip
    for name in ("DATABASE_URL", "KRATOMLOG_CLINIC", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    return env


def _journal_file(path: Path) -> None:
    """A big journal as `kratomlog export json` writes it: a dose every 4 hours, back from NOW."""
    entries = []
    for n in range(ENTRIES):
        at = NOW - timedelta(hours=4 * (n + 1))
        entries.append({
            "uid": str(uuid.uuid4()), "substance": "kratom", "name": "kratom", "category": "",
            "amount": 1.5, "unit": "g", "grams": 1.5, "elemental_mg": None, "compound": "",
            "form": "powder", "purpose": "", "note": f"dose {n}", "timezone": "Europe/Berlin",
            "source": "manual", "source_key": None, "deleted": False,
            "taken_at": at.isoformat(), "local_day": (at + timedelta(hours=1)).date().isoformat(),
            "product": None, "imported_by": None,
        })  # fmt: skip
    document = {"format": "kratomlog-journal", "version": 1, "exported_at": NOW.isoformat(),
                "person": {"name": "me", "timezone": "Europe/Berlin", "dose_unit": "g"},
                "products": [], "entries": entries, "plans": [], "changes": []}  # fmt: skip
    path.write_text(json.dumps(document))


def kratomlog(home: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([KRATOMLOG, *args], env=_local_env(home), input=stdin,
                          capture_output=True, text=True, timeout=300)  # fmt: skip


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(KRATOMLOG is None, reason="kratomlog is not installed")
def test_a_journal_killed_mid_sync_syncs_again_each_record_once_and_gets_its_plan(cast, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the clinic's real server on its real database: PostgreSQL")
    code = invitations.invite(cast.clinician_a, NOW).code
    port = free_port()
    env = {**server_env(tmp_path / "server"), "DATABASE_URL": _database_url()}
    server = subprocess.Popen(
        [KRATOMLOG, "clinic", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    home, url = tmp_path / "laptop", f"http://127.0.0.1:{port}"
    try:
        get(port, "/api/v1/consent", time.monotonic() + 60).read()
        _journal_file(tmp_path / "journal.json")
        assert kratomlog(home, "import", "json", str(tmp_path / "journal.json")).returncode == 0
        linked = kratomlog(home, "link", url, code, "--agree", "--email", "lap@example.org",
                           stdin=f"{PASSWORD}\n{PASSWORD}\n")  # fmt: skip
        assert linked.returncode == 0, linked.stderr
        assert "Sharing your kratomlog journal" in linked.stdout and "klc_" not in linked.stdout
        token = home / "clinic-token"
        assert token.stat().st_mode & 0o777 == 0o600
        patient = Patient.objects.get(user__username="lap@example.org")
        assert patient.team == cast.north

        # Killed with SIGKILL as soon as the first batch has landed on the clinic.
        sync = subprocess.Popen([KRATOMLOG, "sync", "--batch", str(BATCH)], env=_local_env(home),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
        first = sync.stderr.readline()
        sync.send_signal(signal.SIGKILL)
        sync.communicate(timeout=30)
        assert first.startswith(f"sent {BATCH} of "), first
        landed = Entry.objects.filter(person=patient.person).count()
        assert BATCH <= landed < ENTRIES  # interrupted half-way

        waiting = json.loads(kratomlog(home, "sync", "--status", "--json").stdout)
        assert waiting["last_sync_at"] is None and waiting["waiting"]["entry"] > 0
        again = kratomlog(home, "sync", "--batch", str(BATCH))
        assert again.returncode == 0, again.stderr
        rows = Entry.objects.filter(person=patient.person)
        assert rows.count() == ENTRIES == rows.values("uid").distinct().count()
        assert Change.objects.filter(person=patient.person, action="import").count() == 1
        status = json.loads(kratomlog(home, "sync", "--status", "--json").stdout)
        assert status["last_sync_at"] and set(status["waiting"].values()) == {0}
        assert "Synced: 0 records sent" in kratomlog(home, "sync").stdout  # nothing new

        # The clinician sets a plan; the next sync brings it to the laptop's status.
        plan = preset_plan("ceiling-3g-a-dose", NOW.date())
        care_plans.set_for_patient(cast.clinician_a, patient, plan, NOW)
        brought = kratomlog(home, "sync")
        assert "plan from your clinician: ceiling-3g-a-dose" in brought.stdout, brought.stderr
        shown = json.loads(kratomlog(home, "status", "--json").stdout)
        assert shown["plan"]["name"] == "ceiling-3g-a-dose"
        assert "ceiling-3g-a-dose" in kratomlog(home, "status").stdout

        # Unlinked: sharing revoked on the clinic, the token forgotten.
        gone = kratomlog(home, "unlink")
        assert gone.returncode == 0 and "stopped" in gone.stdout, gone.stderr
        assert not patient.consents.order_by("-id").first().granted
        assert not token.exists()
        assert "Not linked" in kratomlog(home, "sync", "--status").stdout
    finally:
        server.terminate()
        server.communicate(timeout=30)


class _Failing(BaseHTTPRequestHandler):
    calls = 0

    def do_GET(self) -> None:
        type(self).calls += 1
        self.send_response(503)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_a_clinic_answering_5xx_is_tried_with_doubling_pauses_then_reported(clock):
    server = HTTPServer(("127.0.0.1", 0), _Failing)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    pauses: list[float] = []
    try:
        clinic = Clinic(f"http://127.0.0.1:{server.server_port}", "t", sleep=pauses.append)
        with pytest.raises(ClinicUnreachable, match="answered 503; tried 4 times"):
            clinic.call("GET", "/me/sync")
    finally:
        server.shutdown()
    assert _Failing.calls == 4 and pauses == [0.01, 0.02, 0.04]


@pytest.fixture(autouse=True)
def short_pauses(monkeypatch):
    monkeypatch.setenv("KRATOMLOG_SYNC_BACKOFF", "0.01")


@pytest.mark.skipif(KRATOMLOG is None, reason="kratomlog is not installed")
def test_a_sync_with_no_clinic_to_reach_says_so_in_one_line_and_exits_non_zero(tmp_path, clock):
    home = tmp_path / "laptop"
    assert kratomlog(home, "dose", "2g", "--at", "2026-11-23T10:00").returncode == 0
    port = free_port()  # nothing listens there
    script = (
        "from datetime import UTC, datetime\n"
        "from kratomlog.storage import open_journal\nopen_journal()\n"
        "from kratomlog.sync.models import ClinicLink\n"
        f"ClinicLink.objects.create(url='http://127.0.0.1:{port}', patient_id='p',"
        " linked_at=datetime.now(UTC))\n"
    )
    env = _local_env(home)
    subprocess.run([str(Path(KRATOMLOG).parent / "python"), "-c", script], env=env, check=True)
    (home / "clinic-token").write_text("klc_x")
    failed = kratomlog(home, "sync")
    assert failed.returncode == 3
    lines = failed.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: no connection to http://127.0.0.1")
    assert "tried 4 times" in lines[0]
    waiting = json.loads(kratomlog(home, "sync", "--status", "--json").stdout)
    assert waiting["waiting"]["entry"] == 1  # nothing lost: still waiting


def _linked_journal(home: Path, url: str, token: str) -> None:
    """A local journal linked to the clinic at `url` with `token`, as `kratomlog link` leaves it."""
    assert kratomlog(home, "dose", "2g", "--at", "2026-11-23T10:00").returncode == 0
    script = (
        "from datetime import UTC, datetime\n"
        "from kratomlog.storage import open_journal\nopen_journal()\n"
        "from kratomlog.sync.models import ClinicLink\n"
        f"ClinicLink.objects.create(url={url!r}, patient_id='p', linked_at=datetime.now(UTC))\n"
    )
    env = _local_env(home)
    subprocess.run([str(Path(KRATOMLOG).parent / "python"), "-c", script], env=env, check=True)
    (home / "clinic-token").write_text(token)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(KRATOMLOG is None, reason="kratomlog is not installed")
def test_unlink_has_the_clinic_revoke_the_journals_token_before_forgetting_it(
    cast, live_server, tmp_path
):
    from django.test import Client

    from kratomlog.clinic import tokens

    home = tmp_path / "laptop"
    token = tokens.issue(cast.patient_a.user, NOW, days=365)
    _linked_journal(home, live_server.url, token)
    gone = kratomlog(home, "unlink")
    assert gone.returncode == 0, gone.stderr
    assert "the clinic revoked this journal's token" in gone.stdout
    assert not (home / "clinic-token").exists()
    assert not cast.patient_a.consents.order_by("-id").first().granted
    # The token, had it been copied before, no longer reads, writes or turns sharing on.
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert Client().get("/api/v1/me/entries", **auth).status_code == 401
    turned_on = Client().post("/api/v1/me/consent", {"share_with_care_team": True},
                              content_type="application/json", **auth)  # fmt: skip
    assert turned_on.status_code == 401


@pytest.mark.skipif(KRATOMLOG is None, reason="kratomlog is not installed")
def test_unlink_with_no_clinic_to_reach_says_the_token_is_kept_and_forgets_nothing(
    tmp_path, clock
):
    home = tmp_path / "laptop"
    _linked_journal(home, f"http://127.0.0.1:{free_port()}", "klc_x")  # nothing listens there
    failed = kratomlog(home, "unlink")
    assert failed.returncode == 3
    assert failed.stderr.startswith("error: no connection to http://127.0.0.1")
    assert "Still linked: the clinic could not be told to revoke this journal's token" in (
        failed.stderr
    )
    assert (home / "clinic-token").read_text() == "klc_x"
    assert "Linked to http://127.0.0.1" in kratomlog(home, "sync", "--status").stdout
