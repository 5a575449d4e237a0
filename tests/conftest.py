"""The clinic's tests need the clinic's settings (KRATOMLOG_CLINIC=1): `make test` runs them apart.

Without them, each clinic test file is reported as skipped (its modules need the clinic's apps
to import at all), so a plain `pytest` says what it left out instead of dropping it in silence.
"""

import os
from pathlib import Path

import pytest

CLINIC = os.environ.get("KRATOMLOG_CLINIC") == "1"
CLINIC_TESTS = Path(__file__).parent / "clinic"
WHY = "needs the clinic's settings: KRATOMLOG_CLINIC=1 pytest tests/clinic (as `make test` runs it)"


class _NeedsClinic(pytest.Item):
    def runtest(self) -> None:
        pytest.skip(WHY)

    def reportinfo(self):
        return self.path, None, self.name


class _ClinicTests(pytest.Directory):
    """The clinic's test directory without the clinic: one skipped item per test file."""

    def collect(self):
        for path in sorted(self.path.glob("test_*.py")):
            yield _NeedsClinic.from_parent(self, name=path.name, path=path)


def pytest_collect_directory(path, parent):
    if not CLINIC and path == CLINIC_TESTS:
        return _ClinicTests.from_parent(parent, path=path)
    return None
