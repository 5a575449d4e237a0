"""The clinic suite leaves nothing connected to its test database: the queries a browser test
makes while Playwright drives Chromium go over the test's own connection."""

import os

import pytest

from tests.clinic.conftest import browser_driver

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM while Playwright's loop runs
pytestmark = pytest.mark.postgres_only


def _backend_pid() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


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
