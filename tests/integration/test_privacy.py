"""The journal is its owner's alone: the data directory 0700, every file in it 0600, exports
0600, and another account on the same computer can open nothing in it."""

import os
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.integration.test_first_use import KRATOMLOG

pytestmark = pytest.mark.skipif(KRATOMLOG is None, reason="the kratomlog command is not installed")


def run(home, *args, cwd=None):
    """`kratomlog ARGS` as a person runs it, with the usual umask (files 0644 unless the program
    says otherwise)."""
    env = {**os.environ, "KRATOMLOG_HOME": str(home), "TZ": "Europe/Berlin"}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [KRATOMLOG, *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        preexec_fn=lambda: os.umask(0o022),
    )


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def modes(home: Path) -> dict[str, int]:
    return {str(p.relative_to(home)): mode(p) for p in [home, *home.rglob("*")]}


def test_a_new_journal_and_every_file_in_it_are_the_owners_alone(tmp_path):
    home = tmp_path / "journal"
    assert run(home, "dose", "2g", "--at", "2026-01-05T09:00").returncode == 0
    found = modes(home)
    assert found.pop(".") == 0o700
    assert {"journal.sqlite3", "secret_key"} <= set(found)
    assert set(found.values()) == {0o600}, found


def test_exports_and_calendars_written_by_the_cli_are_the_owners_alone(tmp_path):
    home = tmp_path / "journal"
    run(home, "dose", "2g", "--at", "2026-01-05T09:00")
    existing = tmp_path / "old-export.json"
    existing.write_text("{}")
    existing.chmod(0o644)
    assert run(home, "export", "json", "--output", existing).returncode == 0
    assert run(home, "export", "csv", "--output", tmp_path / "journal.csv").returncode == 0
    assert run(home, "due", "--ics", tmp_path / "checkins.ics").returncode == 0
    assert run(home, "export", "fhir", "--output", tmp_path / "bundle.json").returncode == 0
    written = [existing, tmp_path / "journal.csv", tmp_path / "journal-phq9.csv"]
    written += [tmp_path / "checkins.ics", tmp_path / "bundle.json"]
    assert {path.name: mode(path) for path in written} == {path.name: 0o600 for path in written}
    assert existing.read_text().startswith('{\n  "format": "kratomlog-journal"')


def test_a_journal_open_to_others_is_tightened_on_start_with_a_one_line_notice(tmp_path):
    home = tmp_path / "journal"
    run(home, "dose", "2g", "--at", "2026-01-05T09:00")
    home.chmod(0o755)
    for path in home.iterdir():
        path.chmod(0o644)
    # KRATOMLOG_HOME may hold other things of the person's: those are not kratomlog's to change
    (home / "notes.txt").write_text("mine")
    (home / "notes.txt").chmod(0o644)
    (home / "photos").mkdir()
    (home / "photos").chmod(0o755)
    first = run(home, "status")
    assert first.returncode == 0
    [notice] = first.stderr.splitlines()
    assert notice.startswith(f"kratomlog: {home} was open to other users of this computer;")
    found = modes(home)
    assert (found.pop("notes.txt"), found.pop("photos")) == (0o644, 0o755)
    assert set(found.values()) <= {0o700, 0o600}
    assert run(home, "status").stderr == ""  # said once, when it was needed


@pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("setpriv") is None,
    reason="needs root and setpriv to run a process as another account",
)
def test_another_account_on_the_computer_can_open_nothing_in_the_data_directory():
    # Under /tmp, through directories anyone may pass: only the journal's own modes protect it.
    parent = Path(tempfile.mkdtemp(dir="/tmp", prefix="kratomlog-privacy-"))
    try:
        parent.chmod(0o755)
        home = parent / "journal"
        assert run(home, "dose", "2g", "--at", "2026-01-05T09:00").returncode == 0
        assert run(home, "export", "json", "--output", home / "export.json").returncode == 0
        targets = [home, *home.rglob("*")]
        # each path it can list or read is printed
        probe = 'for p; do if [ -d "$p" ]; then ls "$p"; else head -c1 "$p"; fi >/dev/null 2>&1 && echo "$p"; done; exit 0'
        as_nobody = subprocess.run(
            [
                "setpriv",
                "--reuid=nobody",
                "--regid=nogroup",
                "--clear-groups",
                "/bin/sh",
                "-c",
                probe,
                "probe",
                *map(str, targets),
            ],
            capture_output=True,
            text=True,
            timeout=30,
            cwd="/",
        )
        assert as_nobody.returncode == 0, as_nobody.stderr
        assert len(targets) >= 4 and as_nobody.stdout == ""
    finally:
        shutil.rmtree(parent)
