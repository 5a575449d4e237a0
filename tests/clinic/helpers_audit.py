"""The audit tests on PostgreSQL's two roles: the owner (the suite's DATABASE_URL) and the app's.

With KRATOMLOG_TEST_APP_ROLE set (`make test` does), every audit test runs as that role, made
and granted by `clinic init --app-role` inside the test's transaction, as `clinic serve` would;
tampering steps switch back to the owner, as someone who holds the database would.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection

APP_ROLE_VARIABLE = "KRATOMLOG_TEST_APP_ROLE"


def make_app_role() -> str:
    """An app role for this test (gone with the test's transaction), granted as init grants."""
    from psycopg import sql

    from kratomlog.clinic import audit_roles

    name = os.environ.get(APP_ROLE_VARIABLE) or f"{connection.settings_dict['NAME']}_app"[:63]
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(name)))
    audit_roles.grant_app_role(name)
    return name


@pytest.fixture(autouse=True)
def run_as_app_role(request: pytest.FixtureRequest) -> Iterator[None]:
    if not os.environ.get(APP_ROLE_VARIABLE) or "db" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("db")
    if connection.vendor != "postgresql":
        yield
        return
    name = make_app_role()
    with connection.cursor() as cursor:
        cursor.execute(f'SET ROLE "{name}"')
    yield


@contextmanager
def as_owner() -> Iterator[None]:
    """Act as the database's owner for a moment (what someone holding the database can do)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, session_user")
        current, session = cursor.fetchone()
        cursor.execute("RESET ROLE")
        try:
            yield
        finally:
            if current != session:
                cursor.execute(f'SET ROLE "{current}"')


def tamper(statement: str, params: list[object] | None = None) -> None:
    """Run `statement` on the audit table as the database's superuser, with triggers off (as
    the owner could by disabling the trigger: ALTER TABLE waits for no pending FK check here)."""
    with as_owner(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(statement, params or [])
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")
