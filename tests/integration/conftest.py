"""Integration tests: the real CLI in-process, on the real database (SQLite or PostgreSQL)."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from typer.testing import CliRunner

from kratomlog.cli import app

NOW = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)  # 19:00 in Berlin, a Monday
FIXTURES = Path(__file__).parent.parent / "fixtures"


def pytest_collection_modifyitems(items):
    for item in items:
        if "integration" in item.path.parts:
            item.add_marker(pytest.mark.db)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def kl(db, clock):
    """Run `kratomlog ARGS...` and check its exit status; the journal's zone is Europe/Berlin."""
    runner = CliRunner()

    def run(*args, code=0):
        result = runner.invoke(app, [str(arg) for arg in args], catch_exceptions=False)
        assert result.exit_code == code, f"exit {result.exit_code}: {result.output}"
        return result

    run("config", "set", "timezone", "Europe/Berlin")
    return run


@pytest.fixture
def person(kl):
    from kratomlog.journal.services import local_person

    return local_person()
