"""The clinic suite leaves nothing connected to its test database: a connection still open at the
end fails the run, named with its last query, and is ended so the database can be dropped; the
queries a browser test makes while Playwright drives Chromium go over the test's own connection."""

import os

import psycopg
import pytest

from tests.clinic.conftest import browser_driver, fail_for_connections_left_open

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM while Playwright's loop runs
pytestmark = pytest.mark.postgres_only


def _backend_pid() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_a_connection_left_open_fails_the_run_naming_its_last_query_and_is_ended(
    transactional_db,
):
    from django.db import connection

    db = connection.settings_dict
    left = psycopg.connect(
        dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"], host=db["HOST"],
        port=db["PORT"] or None, autocommit=True,
    )  # fmt: skip
    left.execute("SELECT 'a query nobody closed after'")

    with connection.cursor() as cursor, pytest.raises(pytest.fail.Exception) as failed:
        fail_for_connections_left_open(cursor, wait=0)

    message = str(failed.value)
    assert "connections to the test database left open" in message
    assert f"pid {left.info.backend_pid}, idle since " in message
    assert "last query: SELECT 'a query nobody closed after'" in message
    with pytest.raises(psycopg.OperationalError):  # ended by the server
        left.execute("SELECT 1")
    left.close()


@pytest.mark.browser
def test_a_browser_tests_queries_inside_playwright_go_over_the_tests_own_connection(
    transactional_db,
):
    own = _backend_pid()
    with browser_driver():
        inside = _backend_pid()
    assert inside == own
    with browser_driver():  # and again in the next block
        assert _backend_pid() == own
