"""The installed command in a fresh process and a fresh data directory, as a person meets it."""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

KRATOMLOG = shutil.which("kratomlog", path=str(Path(sys.executable).parent))


def run(home, *args):
    env = {**os.environ, "KRATOMLOG_HOME": str(home), "TZ": "Europe/Berlin"}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [KRATOMLOG, *map(str, args)], env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.skipif(KRATOMLOG is None, reason="the kratomlog command is not installed")
def test_the_first_command_creates_and_migrates_the_journal_in_wal_mode(tmp_path):
    home = tmp_path / "journal-home"
    result = run(home, "dose", "2.5g", "--at", "2026-01-05T09:00")
    assert result.returncode == 0, result.stderr
    assert "Logged #1: 2.5 g kratom (powder)" in result.stdout
    database = home / "journal.sqlite3"
    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    status = json.loads(run(home, "status", "--json").stdout)
    assert status["timezone"] == "Europe/Berlin"  # the system's zone, by default
    assert status["days_since_last_use"] > 300  # the dose of 2026-01-05 was read back


@pytest.mark.skipif(KRATOMLOG is None, reason="the kratomlog command is not installed")
def test_bad_input_exits_2_with_one_line_and_writes_nothing(tmp_path):
    result = run(tmp_path, "dose", "3 lbs")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "error: AMOUNT: unknown unit 'lbs'; accepted units: g, mg, capsules (caps) or teaspoons (tsp)"
    ]
    assert json.loads(run(tmp_path, "export", "json").stdout)["entries"] == []
