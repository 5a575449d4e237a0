"""One error boundary: a fault of kratomlog's never shows a traceback; it gives one line that says
where the full report is (kratomlog.log in the data directory) and exits 1."""

import os
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from kratomlog.journal import services
from tests.integration.test_first_use import KRATOMLOG

LOG = Path(settings.DATA_DIR) / "kratomlog.log"


def written_during(action) -> str:
    before = LOG.read_text() if LOG.exists() else ""
    action()
    return LOG.read_text()[len(before) :]


def test_a_fault_in_a_command_gives_one_line_and_the_report_goes_to_the_log(kl, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("a fault deep inside")

    monkeypatch.setattr(services, "log_kratom", broken)
    result = None

    def dose():
        nonlocal result
        result = kl("dose", "3g", code=1)

    report = written_during(dose)
    assert result.stderr == (
        "error: kratomlog failed unexpectedly (RuntimeError: a fault deep inside); "
        f"the full report is in {LOG}\n"
    )
    assert "Traceback" not in result.output
    assert "Traceback (most recent call last)" in report
    assert "RuntimeError: a fault deep inside" in report
    assert oct(LOG.stat().st_mode & 0o777) == "0o600"


def test_the_outermost_boundary_catches_what_no_command_does(monkeypatch, capsys):
    import kratomlog.cli as cli

    def broken(command=None):
        raise LookupError("outside any command")

    monkeypatch.setattr(cli, "build", broken)
    with pytest.raises(SystemExit) as ended:
        cli.main()
    assert ended.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("error: kratomlog failed unexpectedly (LookupError: outside any")
    assert "Traceback" not in err


@pytest.mark.skipif(KRATOMLOG is None, reason="the kratomlog command is not installed")
def test_a_data_directory_that_cannot_be_made_is_one_line_not_a_traceback(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    env = {**os.environ, "KRATOMLOG_HOME": str(blocker / "journal")}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [KRATOMLOG, "status"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("error: kratomlog failed unexpectedly (NotADirectoryError")
    assert "Traceback" not in result.stdout
    report = Path(line.split("the full report is in ", 1)[1])  # beside no data directory
    assert "Traceback" in report.read_text() and "NotADirectoryError" in report.read_text()


def test_a_file_its_reader_cannot_read_is_bad_input_and_the_details_go_to_the_log(
    kl, person, tmp_path, monkeypatch
):
    from kratomlog.journal import transfer

    def unready(text, tz, now):
        return text["dosages"]  # a reader's missing check: the text is no mapping

    monkeypatch.setattr(transfer, "read_kratomtracker", unready)
    path = tmp_path / "backup.json"
    path.write_text('{"dosages": [1]}')
    result = None

    def imported():
        nonlocal result
        result = kl("import", "kratomtracker", path, code=2)

    report = written_during(imported)
    assert result.stderr.startswith(
        "error: nothing imported: file: not a kratomtracker file kratomlog can read (TypeError("
    )
    assert "WARNING kratomlog.imports: a kratomtracker file its reader could not read" in report
    assert "Traceback" in report and not person.entries.exists()
