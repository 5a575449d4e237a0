"""Clinic tests: a fixed cast of users with different rights, on the real database.

Run with the clinic's settings: `KRATOMLOG_CLINIC=1 DATABASE_URL=... pytest tests/clinic`.
Every test here touches the database (marker `db`) and sets the clock it depends on.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.conf import settings

NOW = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)  # a Monday, 19:00 in Berlin


def pytest_collection_modifyitems(items):
    for item in items:
        if "clinic" in item.path.parts:
            item.add_marker(pytest.mark.db)


@pytest.fixture(autouse=True)
def clinic_settings():
    assert settings.CLINIC, "clinic tests need KRATOMLOG_CLINIC=1"


@pytest.fixture(scope="session", autouse=True)
def no_connection_left_open(django_db_setup, django_db_blocker):
    """At the end of the suite nobody else is still connected to the test database (a server or
    worker a test started and did not stop, a connection a thread kept): otherwise the run fails,
    naming each connection with its last query."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        fail_for_connections_left_open(cursor)


OTHERS = "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"


def fail_for_connections_left_open(cursor, wait: float = 10.0) -> None:
    """Fails, naming each connection to the test database other than the cursor's that is still
    open after `wait` seconds (a process told to stop may take a moment to go), and ends them
    first, so that the test database can still be dropped. Run it outside a transaction:
    PostgreSQL shows pg_stat_activity as it was when the transaction began."""
    deadline = time.monotonic() + wait
    while True:
        cursor.execute(
            f"SELECT pid, state, to_char(state_change, 'HH24:MI:SS'), left(query, 200) {OTHERS}"
        )
        left = cursor.fetchall()
        if not left or time.monotonic() >= deadline:
            break
        time.sleep(0.2)
    if not left:
        return
    cursor.execute(f"SELECT pg_terminate_backend(pid) {OTHERS}")
    named = "\n".join(
        f"  pid {pid}, {state} since {since}, last query: {query}"
        for pid, state, since, query in left
    )
    pytest.fail(f"connections to the test database left open (now ended):\n{named}", pytrace=False)


@contextmanager
def browser_driver() -> Iterator[Any]:
    """Playwright's sync API, with the ORM calls made inside the block on this thread's own
    database connection, the one pytest-django flushes and closes.

    Between its calls Playwright marks an asyncio event loop as running in this thread, and
    Django then keeps database connections per async context rather than per thread: without
    this, a query a browser test makes inside the block (setting up a patient, checking a
    subscription) opens a second connection that nothing closes, and the test database cannot be
    dropped at the end ("is being accessed by other users")."""
    from django.db import connections
    from playwright.sync_api import sync_playwright

    own = {alias: connections[alias] for alias in connections}
    with sync_playwright() as playwright:
        for alias, connection in own.items():
            connections[alias] = connection
        yield playwright


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def cast(db, clock):
    """Two teams; patients A (team North) and B (team South), a clinician of each team, a
    researcher and an admin. Staff users have passwords set; patients share with their team."""
    from kratomlog.clinic import people
    from kratomlog.clinic.consent import CARE_CONSENT

    class Cast:
        pass

    c = Cast()
    c.north, c.south = people.team_named("North"), people.team_named("South")
    staff = {}
    for key, email, role, teams, name in [
        ("clinician_a", "lee@clinic.test", "clinician", ["North"], "Dr Lee"),
        ("clinician_b", "okafor@clinic.test", "clinician", ["South"], "Dr Okafor"),
        ("researcher", "rao@clinic.test", "researcher", [], "Rao"),
        ("admin", "admin@clinic.test", "admin", [], "Admin"),
    ]:
        user, _ = people.add_staff(email=email, role=role, now=NOW, teams=teams, name=name)
        user.set_password("a long staff password 1")
        user.save()
        staff[key] = user
    c.__dict__.update(staff)
    c.patient_a = people.add_patient(
        email="ana@example.org", password="ana's long password", timezone="Europe/Berlin",
        team=c.north, consent_version=CARE_CONSENT.version, share_with_care_team=True, now=NOW,
    )  # fmt: skip
    c.patient_b = people.add_patient(
        email="ben@example.org", password="ben's long password", timezone="America/New_York",
        team=c.south, consent_version=CARE_CONSENT.version, share_with_care_team=True, now=NOW,
    )  # fmt: skip
    return c
