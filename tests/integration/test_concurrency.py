"""Several processes on one journal: first use migrates once and makes one person, writers queue
(for as long as an import writes) and lose nothing, and an import killed at any moment leaves
the journal whole with nothing half-imported."""

import os
import signal
import sqlite3
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.integration.test_first_use import KRATOMLOG

pytestmark = pytest.mark.skipif(KRATOMLOG is None, reason="the kratomlog command is not installed")

WAITING = "kratomlog: the journal is busy (another kratomlog is writing to it"


def environment(home, database_url=None):
    env = {**os.environ, "KRATOMLOG_HOME": str(home), "TZ": "Europe/Berlin"}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def start(env, *args):
    return subprocess.Popen(
        [KRATOMLOG, *map(str, args)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_at_once(env, commands):
    """Start every command at the same moment; their (exit status, stdout, stderr)."""
    with ThreadPoolExecutor(len(commands)) as pool:
        started = list(pool.map(lambda args: start(env, *args), commands))
    return [(p.wait(timeout=120), *p.communicate()) for p in started]


def count(home, sql):
    with sqlite3.connect(home / "journal.sqlite3") as connection:
        return connection.execute(sql).fetchone()[0]


@pytest.fixture
def fresh_postgres():
    """A new, empty PostgreSQL database (when the suite runs on PostgreSQL), dropped after."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        yield None
        return
    import psycopg

    base, _, name = url.rpartition("/")
    fresh = f"{name}_first_use"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
        admin.execute(f'CREATE DATABASE "{fresh}"')
    yield f"{base}/{fresh}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')


def test_six_doses_at_once_on_a_new_journal_all_land_with_one_person(tmp_path, fresh_postgres):
    env = environment(tmp_path / "journal", fresh_postgres)
    commands = [("dose", f"{n}g", "--at", f"2026-01-05T09:0{n}") for n in range(1, 7)]
    results = run_at_once(env, commands)
    assert [code for code, _, _ in results] == [0] * 6, results
    assert all("Logged #" in out for _, out, _ in results)
    exported = subprocess.run(
        [KRATOMLOG, "export", "json"], env=env, capture_output=True, text=True, timeout=60
    )
    import json

    entries = json.loads(exported.stdout)["entries"]
    assert sorted(entry["grams"] for entry in entries) == [1, 2, 3, 4, 5, 6]
    if fresh_postgres is None:
        assert count(tmp_path / "journal", "SELECT COUNT(*) FROM journal_person") == 1
    else:
        import psycopg

        with psycopg.connect(fresh_postgres) as connection:
            [(people,)] = connection.execute("SELECT COUNT(*) FROM journal_person").fetchall()
        assert people == 1


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="SQLite's write lock")
def test_four_writers_at_once_on_an_existing_journal_lose_nothing(tmp_path):
    home = tmp_path / "journal"
    env = environment(home)
    assert start(env, "dose", "1g", "--at", "2026-01-04T09:00").wait(timeout=60) == 0
    commands = [
        (kind, *args, "--at", f"2026-01-05T1{n}:00")
        for n, (kind, *args) in enumerate(
            [
                ("dose", "2g"),
                ("magnesium", "200mg"),
                ("substance", "beer", "1 bottle"),
                ("dose", "3g"),
            ]
        )
    ]
    results = run_at_once(env, commands)
    assert [code for code, _, _ in results] == [0] * 4, results
    assert count(home, "SELECT COUNT(*) FROM journal_entry") == 5


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="SQLite's write lock")
def test_a_writer_waits_while_another_process_holds_the_journal_and_says_so(tmp_path):
    home = tmp_path / "journal"
    env = environment(home)
    assert start(env, "dose", "1g", "--at", "2026-01-04T09:00").wait(timeout=60) == 0
    holder = sqlite3.connect(home / "journal.sqlite3", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # as a long import holds it
    writer = start(env, "dose", "2g", "--at", "2026-01-05T09:00")
    try:
        said = writer.stderr.readline()  # blocks until the writer says it waits
        assert said.startswith(WAITING), said
        assert writer.poll() is None  # still waiting, not failed
    finally:
        holder.execute("COMMIT")
        holder.close()
    assert writer.wait(timeout=60) == 0, writer.stderr.read()
    assert "Logged #2" in writer.stdout.read()
    assert count(home, "SELECT COUNT(*) FROM journal_entry") == 2


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="SQLite's file")
def test_an_import_killed_at_any_moment_leaves_the_journal_whole_and_nothing_half_imported(
    tmp_path,
):
    home = tmp_path / "journal"
    env = environment(home)
    rows = 60_000
    big = tmp_path / "big.csv"
    big.write_text(
        "time,substance,amount,unit\n"
        + "".join(
            f"2025-01-01T00:{n % 60:02d},kratom,{1 + n / 10_000:.4f},g\n" for n in range(rows)
        )
    )
    assert start(env, "dose", "1g", "--at", "2026-01-04T09:00").wait(timeout=60) == 0
    for delay in (0.3, 1.0, 2.0, 3.0):
        importing = start(env, "import", "csv", big)
        time.sleep(delay)
        importing.send_signal(signal.SIGKILL)
        importing.wait(timeout=30)
        assert count(home, "PRAGMA integrity_check") == "ok"
        imported = count(home, "SELECT COUNT(*) FROM journal_entry") - 1
        assert imported in (0, rows), f"{imported} of {rows} rows after a kill at {delay} s"
        if imported:
            break
    finished = start(env, "import", "csv", big)
    assert finished.wait(timeout=300) == 0, finished.stderr.read()
    assert count(home, "SELECT COUNT(*) FROM journal_entry") == rows + 1
