"""Web tests: Django's test client against the real database, signed in by a real login link."""

import pytest
from django.test import Client
from django.utils import timezone

from kratomlog.journal.services import local_person
from kratomlog.web.login import new_link
from tests.integration.conftest import clock, kl, person  # noqa: F401  (shared fixtures)


def pytest_collection_modifyitems(items):
    for item in items:
        if "web" in item.path.parts:
            item.add_marker(pytest.mark.db)


@pytest.fixture
def signed_in(kl):  # noqa: F811
    """A browser session for the journal's person, made by following a login link."""
    client = Client()
    token = new_link(local_person(), timezone.now())
    assert client.get(f"/login/{token}").status_code == 302
    return client


def htmx(client, path, data):
    return client.post(path, data, HTTP_HX_REQUEST="true")
