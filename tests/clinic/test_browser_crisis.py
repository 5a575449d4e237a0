"""The crisis box in real Chromium on a phone: the clinic's own resources and contact after a
positive PHQ-9 item 9, every number a link to call; a screenshot in build/screenshots."""

import os
from pathlib import Path

import pytest
import time_machine

from tests.browser.conftest import CHROMIUM, PHONE
from tests.clinic.conftest import NOW, browser_driver

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.postgres_only]
SCREENSHOTS = Path(__file__).parents[2] / "build" / "screenshots"


def test_a_patient_on_a_phone_sees_the_clinics_crisis_box_with_numbers_to_tap(
    live_server, transactional_db
):
    from playwright.sync_api import expect

    from kratomlog.clinic import crisis_contact, people
    from kratomlog.clinic.consent import CARE_CONSENT

    with time_machine.travel(NOW, tick=True):
        crisis_contact.set_crisis_resources(
            "Telefonseelsorge | 0800 111 0 111 or 0800 111 0 222, free, 24/7\n"
            "Notruf (emergency) | call 112\n",
            NOW,
        )
        crisis_contact.set_contact(name="North clinic", phone="+49 30 1234 5678",
                                   hours="Mon-Fri 8:00-18:00", now=NOW)  # fmt: skip
        people.add_patient(
            email="ana@example.org", password="ana's long password", timezone="Europe/Berlin",
            team=people.team_named("North"), consent_version=CARE_CONSENT.version,
            share_with_care_team=True, now=NOW,
        )  # fmt: skip
        with browser_driver() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
            page.goto(f"{live_server.url}/accounts/login")
            page.get_by_label("Email").fill("ana@example.org")
            page.get_by_label("Password").fill("ana's long password")
            page.get_by_role("button", name="Sign in").tap()
            page.wait_for_url(f"{live_server.url}/")
            page.goto(f"{live_server.url}/checkin/phq9")
            for fieldset in page.locator("fieldset").all()[:8]:
                fieldset.get_by_label("Not at all").check()
            page.locator("fieldset").nth(8).get_by_label("Several days").check()
            page.get_by_role("button", name="Save").tap()
            box = page.get_by_role("alert")
            expect(box).to_contain_text("Telefonseelsorge")
            expect(box).to_contain_text("Your care team has been alerted: they read alerts "
                                        "Mon-Fri 8:00-18:00.")  # fmt: skip
            links = box.locator("a[href^='tel:']")
            assert [links.nth(n).get_attribute("href") for n in range(links.count())] == [
                "tel:08001110111", "tel:08001110222", "tel:112", "tel:+493012345678"
            ]  # fmt: skip
            expect(links.last).to_be_visible()
            assert "988" not in box.inner_text()
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            box.screenshot(path=str(SCREENSHOTS / "clinic-crisis-box-phone.png"))
            browser.close()
