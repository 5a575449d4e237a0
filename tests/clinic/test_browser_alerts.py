"""An urgent alert in real Chromium: the patient stops sharing on a phone, told first that the
team keeps the alert; the clinician still sees it with the patient's contact and resolves it."""

import os

import pytest
import time_machine
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.conftest import PHONE
from tests.clinic.conftest import NOW
from tests.clinic.test_browser_flow import SCREENSHOTS, chromium  # noqa: F401 (a fixture)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.postgres_only]


@pytest.fixture
def open_urgent_alert(live_server, transactional_db):
    """Dr Lee of team North with an authenticator; Ana, who answered PHQ-9 item 9 just now."""
    from kratomlog.checkins.services import record_checkin
    from kratomlog.clinic import people
    from kratomlog.clinic.consent import CARE_CONSENT

    with time_machine.travel(NOW, tick=True):
        user, _ = people.add_staff(email="lee@clinic.test", role="clinician", now=NOW,
                                   teams=["North"], name="Dr Lee")  # fmt: skip
        user.set_password("a long staff password 1")
        user.save()
        device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
        ana = people.add_patient(
            email="ana@example.org", password="ana's long password", timezone="Europe/Berlin",
            team=people.team_named("North"), consent_version=CARE_CONSENT.version,
            share_with_care_team=True, now=NOW,
        )  # fmt: skip
        ana.display_name, ana.phone = "Ana P.", "+49 30 1234567"
        ana.save()
        record_checkin(person=ana.person, key="phq9", now=NOW, answers="2,2,2,2,2,2,2,2,2")
        yield live_server.url, device


def test_stopping_sharing_keeps_the_urgent_alert_with_the_team(chromium, open_urgent_alert):  # noqa: F811
    from playwright.sync_api import expect

    url, device = open_urgent_alert
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phone = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    phone.goto(f"{url}/accounts/login")
    phone.get_by_label("Email").fill("ana@example.org")
    phone.get_by_label("Password").fill("ana's long password")
    phone.get_by_role("button", name="Sign in").tap()
    phone.wait_for_url(lambda address: "/accounts/login" not in address)
    phone.goto(f"{url}/sharing")
    expect(phone.locator("#kept-alert")).to_contain_text("has an open urgent alert about you")
    phone.screenshot(path=str(SCREENSHOTS / "clinic-sharing-open-alert.png"), full_page=True)
    phone.get_by_role("button", name="Stop sharing; my care team keeps the open urgent alert").tap()
    expect(phone.get_by_role("status")).to_contain_text("They still see the open urgent alert")

    desk = chromium.new_context(viewport={"width": 1280, "height": 900}).new_page()
    desk.goto(f"{url}/accounts/login")
    desk.get_by_label("Email").fill("lee@clinic.test")
    desk.get_by_label("Password").fill("a long staff password 1")
    desk.get_by_role("button", name="Sign in").click()
    desk.get_by_label("Code").fill(f"{totp(device.bin_key):06d}")
    desk.get_by_role("button", name="Sign in").click()
    desk.goto(f"{url}/clinic/alerts")
    first = desk.locator("ul.alerts li").first
    expect(first).to_contain_text("stopped sharing while this alert was open")
    first.get_by_role("link").click()
    expect(desk.get_by_role("heading", level=1)).to_contain_text("Ana P.")
    expect(desk.locator(".alert-detail")).to_contain_text("item 9 answered 2")
    expect(desk.get_by_role("link", name="+49 30 1234567")).to_be_visible()
    desk.screenshot(path=str(SCREENSHOTS / "clinic-alert-stopped-sharing.png"), full_page=True)
    desk.get_by_label("How it was resolved").fill("phoned Ana; safety plan agreed")
    desk.get_by_role("button", name="Resolve").click()
    expect(desk.get_by_text("resolved by Dr Lee")).to_be_visible()
