"""The clinic in real Chromium: a clinician signs in with TOTP and invites a patient; the patient
joins on a phone and answers PHQ-9 item 9; the clinician's triage and inbox show it first, and the
report downloads as a PDF holding the patient's numbers."""

import io
import os
from base64 import b32encode
from pathlib import Path

import pytest
import time_machine
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.conftest import CHROMIUM, PHONE
from tests.clinic.conftest import NOW, browser_driver

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.postgres_only]
SCREENSHOTS = Path(__file__).parents[2] / "build" / "screenshots"


@pytest.fixture
def chromium():
    with browser_driver() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def clinic(live_server, transactional_db):
    """A clinician of team North with an enrolled authenticator, on a ticking clock."""
    from kratomlog.clinic import people

    with time_machine.travel(NOW, tick=True):
        user, _ = people.add_staff(email="lee@clinic.test", role="clinician", now=NOW,
                                   teams=["North"], name="Dr Lee")  # fmt: skip
        user.set_password("a long staff password 1")
        user.save()
        device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
        yield live_server.url, device


def test_a_self_harm_answer_reaches_the_clinicians_triage_inbox_and_report(chromium, clinic):
    from playwright.sync_api import expect
    from pypdf import PdfReader

    url, device = clinic
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    desk = chromium.new_context(viewport={"width": 1280, "height": 900}).new_page()
    desk.goto(f"{url}/accounts/login")
    desk.get_by_label("Email").fill("lee@clinic.test")
    desk.get_by_label("Password").fill("a long staff password 1")
    desk.get_by_role("button", name="Sign in").click()
    desk.get_by_label("Code").fill(f"{totp(device.bin_key):06d}")
    desk.get_by_role("button", name="Sign in").click()
    expect(desk.get_by_role("heading", name="Your patients, most urgent first")).to_be_visible()

    desk.goto(f"{url}/accounts/invite-patient")
    desk.get_by_role("button", name="Make an invitation").click()
    link = desk.locator("#invitation-link").get_attribute("href")
    assert link and "/invite/" in link

    phone = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    phone.goto(url + link[link.index("/invite/") :])
    phone.get_by_label("Email").fill("ana@example.org")
    phone.get_by_label("Password (at least 10 characters, not a common one)").fill(
        "ana's own long password"
    )
    phone.get_by_label("The same password again").fill("ana's own long password")
    phone.get_by_label("Your time zone (your days are counted in it)").select_option(
        "Europe/Berlin"
    )
    phone.get_by_label("I have read this and agree").check()
    phone.get_by_role("button", name="Join and open my journal").tap()
    phone.wait_for_url(f"{url}/")
    phone.goto(f"{url}/checkin/phq9")
    for fieldset in phone.locator("fieldset").all()[:8]:
        fieldset.get_by_label("Not at all").check()
    phone.locator("fieldset").nth(8).get_by_label("Several days").check()
    phone.get_by_role("button", name="Save").tap()
    expect(phone.get_by_role("alert")).to_contain_text("988")
    phone.screenshot(path=str(SCREENSHOTS / "clinic-patient-phq9.png"), full_page=True)

    desk.goto(f"{url}/clinic/")
    first = desk.locator("table.triage tbody tr").first
    expect(first).to_contain_text("ana@example.org")
    expect(first).to_contain_text("self-harm risk")
    desk.screenshot(path=str(SCREENSHOTS / "clinic-triage.png"), full_page=True)
    desk.goto(f"{url}/clinic/alerts")
    expect(desk.locator("ul.alerts li").first).to_contain_text("Urgent: self-harm risk")

    desk.goto(f"{url}/clinic/")
    desk.get_by_role("link", name="ana@example.org").click()
    with desk.expect_download() as download:
        desk.get_by_role("button", name="Download the PDF").click()
    pdf = Path(download.value.path()).read_bytes()
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "ana@example.org" in text and "Latest PHQ-9" in text and "Dr Lee" in text
    assert b32encode(device.bin_key)  # the authenticator's key was never shown to the patient
