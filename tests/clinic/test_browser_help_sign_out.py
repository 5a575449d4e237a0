"""Help now's offline copy in real Chromium on a phone: kept for the signed-in patient with the
network cut, and gone once they sign out (a shared phone keeps no one's plan for hard moments)."""

import os
from pathlib import Path

import pytest
import time_machine

from tests.browser.conftest import CHROMIUM, PHONE
from tests.clinic.conftest import NOW, browser_driver

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.postgres_only]
SHOTS = Path(os.environ.get("KRATOMLOG_SHOTS", Path(__file__).parents[2] / "build" / "screenshots"))


def test_signing_out_clears_the_help_page_kept_offline(live_server, transactional_db):
    from playwright.sync_api import expect

    from kratomlog.checkins import coping
    from kratomlog.clinic import people
    from kratomlog.clinic.consent import CARE_CONSENT
    from kratomlog.core.coping import plan_from_document

    with time_machine.travel(NOW, tick=True):
        ana = people.add_patient(
            email="ana@example.org", password="ana's long password", timezone="Europe/Berlin",
            team=people.team_named("North"), consent_version=CARE_CONSENT.version,
            share_with_care_team=True, now=NOW,
        )  # fmt: skip
        coping.set_coping_plan(ana.person, plan_from_document({
            "what_helps": ["A walk by the river"],
            "people": [{"name": "Mara", "phone": "+49 30 1234567"}],
        }))  # fmt: skip
        url = live_server.url
        with browser_driver() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
            page = context.new_page()
            page.goto(f"{url}/accounts/login")
            page.get_by_label("Email").fill("ana@example.org")
            page.get_by_label("Password").fill("ana's long password")
            page.get_by_role("button", name="Sign in").tap()
            page.wait_for_url(f"{url}/")
            page.goto(f"{url}/help")
            page.evaluate("navigator.serviceWorker.ready.then(() => true)")
            page.reload()  # under the worker now, which keeps the page as it passes
            page.wait_for_function("async () => await caches.has('kratomlog-help')")
            context.set_offline(True)
            page.goto(f"{url}/help")
            expect(page.get_by_text("A walk by the river")).to_be_visible()
            context.set_offline(False)

            page.goto(f"{url}/")
            page.locator("li.more summary").tap()
            page.get_by_role("button", name="Sign out").tap()
            expect(page.get_by_text("You are signed out.")).to_be_visible()
            page.wait_for_function("async () => !(await caches.has('kratomlog-help'))")
            context.set_offline(True)
            page.goto(f"{url}/help")
            expect(page.locator("body")).not_to_contain_text("A walk by the river")
            expect(page.locator("body")).not_to_contain_text("Mara")
            expect(page.locator("body")).to_contain_text("holds no copy of your Help now page")
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / "help-offline-after-sign-out.png"), full_page=True)
            context.set_offline(False)
            browser.close()
