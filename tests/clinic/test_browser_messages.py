"""Messages in real Chromium on a phone (390x844): the patient writes and sees it sent, with the
working-hours line and Help now beside it; Dr Lee reads and answers in the conversation."""

import os
from pathlib import Path

import pytest
import time_machine
from playwright.sync_api import expect

from tests.browser.conftest import CHROMIUM, PHONE
from tests.clinic.conftest import NOW, browser_driver
from tests.clinic.helpers_ca import patient_client, verified_client

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.postgres_only]
SHOTS = Path(os.environ.get("KRATOMLOG_SHOTS", Path(__file__).parents[2] / "build" / "screenshots"))
WORKING_HOURS = "Messages are read in working hours and are not for emergencies"


def _phone_page(browser, url, client):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": url}]
    )
    return context.new_page()


def _fits(page) -> None:
    assert page.evaluate("[window.innerWidth, document.documentElement.scrollWidth]") == [390, 390]


def test_a_patient_writes_and_dr_lee_answers_on_their_phones(live_server, transactional_db):
    from kratomlog.clinic import people
    from kratomlog.clinic.consent import CARE_CONSENT

    with time_machine.travel(NOW, tick=True):
        lee, _ = people.add_staff(email="lee@clinic.test", role="clinician", now=NOW,
                                  teams=["North"], name="Dr Lee")  # fmt: skip
        lee.account.timezone = "Europe/Berlin"
        lee.account.save()
        ana = people.add_patient(
            email="ana@example.org", password="ana's long password", timezone="Europe/Berlin",
            team=people.team_named("North"), consent_version=CARE_CONSENT.version,
            share_with_care_team=True, now=NOW,
        )  # fmt: skip
        ana.display_name = "Ana P."
        ana.save()
        url = live_server.url
        SHOTS.mkdir(parents=True, exist_ok=True)
        with browser_driver() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = _phone_page(browser, url, patient_client(ana))
            page.goto(f"{url}/messages")
            notice = page.locator("p.warning")
            expect(notice).to_contain_text(WORKING_HOURS)
            help_now = notice.get_by_role("link", name="Help now")
            expect(help_now).to_be_visible()
            assert help_now.get_attribute("href") == "/help"
            page.get_by_label("Your message").fill("The nights are bad <b>since</b> the step down.")
            page.get_by_role("button", name="Send").tap()
            expect(page.get_by_role("status")).to_contain_text("Sent.")
            mine = page.locator("ol.conversation li.mine")
            expect(mine).to_have_count(1)
            expect(mine).to_contain_text("The nights are bad <b>since</b> the step down.")
            expect(mine).to_contain_text("not read yet")
            expect(page.get_by_label("Your message")).to_have_value("")
            _fits(page)
            page.screenshot(path=str(SHOTS / "messages-patient-phone.png"), full_page=True)

            staff = _phone_page(browser, url, verified_client(lee))
            staff.goto(f"{url}/clinic/messages")
            staff.get_by_role("link", name="Ana P.").tap()
            expect(staff.get_by_role("heading", name="Messages with Ana P.")).to_be_visible()
            expect(staff.locator("p.warning")).to_contain_text("Patients are told on every screen")
            theirs = staff.locator("ol.conversation li.theirs")
            expect(theirs).to_contain_text("The nights are bad <b>since</b> the step down.")
            expect(theirs).to_contain_text("Mon 23 Nov 2026 19:00")  # in Dr Lee's zone, Berlin
            staff.get_by_label("Your answer").fill("Thank you, Ana. We will call you at 10.")
            staff.get_by_role("button", name="Send").tap()
            expect(staff.locator("ol.conversation li.mine")).to_contain_text("call you at 10")
            _fits(staff)
            staff.screenshot(path=str(SHOTS / "messages-staff-phone.png"), full_page=True)

            page.reload()  # shows the answer, and sends nothing again
            expect(page.locator("ol.conversation li.theirs")).to_contain_text("Dr Lee")
            expect(mine).to_contain_text("read Mon 23 Nov 2026")  # Dr Lee read it
            page.screenshot(path=str(SHOTS / "messages-patient-answered-phone.png"),
                            full_page=True)  # fmt: skip
            desktop = browser.new_context(viewport={"width": 1280, "height": 800})
            desktop.add_cookies([{"name": "sessionid", "url": url,
                                  "value": verified_client(lee).cookies["sessionid"].value}])  # fmt: skip
            wide = desktop.new_page()
            wide.goto(f"{url}/clinic/patients/{ana.public_id}/messages")
            expect(wide.locator("ol.conversation li")).to_have_count(2)
            wide.screenshot(path=str(SHOTS / "messages-staff-desktop.png"), full_page=True)
            browser.close()
