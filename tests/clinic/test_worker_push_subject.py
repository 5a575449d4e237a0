"""`clinic worker` sends the pushes, so it checks the VAPID subject as `clinic serve` does."""

import os
import subprocess
import sys
from pathlib import Path

import pytest


def _worker(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KRATOMLOG_HOME": str(tmp_path / "home"), "KRATOMLOG_CLINIC": "1",
           "KRATOMLOG_EMAIL": f"file://{tmp_path / 'mail'}", **extra}  # fmt: skip
    env.pop("DATABASE_URL", None)  # its own SQLite: the check comes before any work
    env.pop("KRATOMLOG_VAPID_SUBJECT", None)
    env.update(extra)
    return subprocess.run(
        [sys.executable, "-m", "kratomlog", "clinic", "worker", "--once"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.mark.parametrize(
    "subject", ["mailto:you@example.com", "https://localhost", "care-team@clinic.org"]
)
def test_the_worker_refuses_a_placeholder_vapid_subject_as_serve_does(tmp_path, subject):
    from kratomlog.clinic import server

    refused = _worker(tmp_path, KRATOMLOG_VAPID_SUBJECT=subject)
    assert refused.returncode == 2
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: KRATOMLOG_VAPID_SUBJECT: ")
    # Word for word what `clinic serve` says: one check, shared.
    with pytest.raises(Exception) as served:
        server.check_push({"KRATOMLOG_VAPID_SUBJECT": subject})
    assert lines[0] == f"error: {served.value}"


def test_the_worker_says_in_one_line_at_start_that_push_is_off(tmp_path):
    ran = _worker(tmp_path)
    assert ran.returncode == 0, ran.stderr
    first = ran.stderr.splitlines()[0]
    assert first.startswith("Web Push is off: set KRATOMLOG_VAPID_SUBJECT")
    assert sum("Web Push" in line for line in ran.stderr.splitlines()) == 1


def test_the_worker_with_a_real_subject_says_push_is_on(tmp_path):
    ran = _worker(tmp_path, KRATOMLOG_VAPID_SUBJECT="mailto:care-team@north-clinic.org")
    assert ran.returncode == 0, ran.stderr
    assert ran.stderr.splitlines()[0] == (
        "Web Push is on: VAPID subject mailto:care-team@north-clinic.org, key from the data "
        "directory's key file."
    )
