"""A plain `pytest` says what it leaves out: the clinic's tests, which need its settings, are
reported as skipped, each file by name."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent


def test_without_the_clinic_settings_its_tests_are_reported_skipped_not_dropped():
    env = {key: value for key, value in os.environ.items() if key != "KRATOMLOG_CLINIC"}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", "tests/clinic"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    files = len(list((ROOT / "tests" / "clinic").glob("test_*.py")))
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"{files} skipped" in run.stdout
    assert "needs the clinic's settings: KRATOMLOG_CLINIC=1" in run.stdout
