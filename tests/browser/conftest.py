"""Browser tests: Debian's Chromium, driven by Playwright, against the app on a live server."""

import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine

# Playwright's sync API keeps an event loop in this thread; the ORM calls the tests make to set
# up and check the journal are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("KRATOMLOG_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).parents[2] / "build" / "screenshots"
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(items):
    for item in items:
        if "browser" in item.path.parts:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not at {CHROMIUM}: `make test` installs Debian's chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield launched
        launched.close()


# The browser tests' clock: a Monday evening in Berlin, ticking from there, so that "last night",
# "today" and "yesterday" mean the same days whatever the hour and zone the suite runs in.
NOW = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)


@pytest.fixture
def app(live_server, transactional_db):
    from kratomlog.journal.services import local_person, set_timezone

    with time_machine.travel(NOW, tick=True):
        person = local_person()
        set_timezone(person, "Europe/Berlin")
        yield live_server.url, person


@pytest.fixture
def phone(browser, app):
    """A phone-sized page; fails the test if the page logs an error (a CSP refusal, say)."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    problems: list[str] = []

    def watch(message) -> None:  # a 4xx the app meant to send is not a problem; a CSP refusal is
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(f"{message.text} at {message.location}")

    page.on("console", watch)
    page.on("pageerror", lambda error: problems.append(str(error)))
    yield page
    context.close()
    assert problems == [], problems


def sign_in(page, app) -> None:
    from django.utils import timezone

    from kratomlog.web.login import new_link

    url, person = app
    page.goto(f"{url}/login/{new_link(person, timezone.now())}")


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
