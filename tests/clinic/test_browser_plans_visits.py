"""The visit form and the plan preview in real Chromium: a refused visit on a phone keeps every
rating and the note, the running COWS total follows each rating; a taper is previewed with its
schedule before it is set."""

import os

import pytest
import time_machine
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.conftest import CHROMIUM, PHONE, screenshot
from tests.clinic.conftest import NOW, browser_driver

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.postgres_only]


@pytest.fixture
def chromium():
    with browser_driver() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def clinic(live_server, transactional_db):
    """Dr Lee of team North with an authenticator, and their patient Ana, on a ticking clock."""
    from kratomlog.clinic import people
    from kratomlog.clinic.consent import CARE_CONSENT

    with time_machine.travel(NOW, tick=True):
        user, _ = people.add_staff(email="lee@clinic.test", role="clinician", now=NOW,
                                   teams=["North"], name="Dr Lee")  # fmt: skip
        user.set_password("a long staff password 1")
        user.save()
        device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
        patient = people.add_patient(
            email="ana@example.org", password="ana's long password", timezone="Europe/Berlin",
            team=people.team_named("North"), consent_version=CARE_CONSENT.version,
            share_with_care_team=True, now=NOW,
        )  # fmt: skip
        yield live_server.url, device, patient


def _signed_in(chromium, url, device, viewport, **more):
    page = chromium.new_context(viewport=viewport, **more).new_page()
    page.goto(f"{url}/accounts/login")
    page.get_by_label("Email").fill("lee@clinic.test")
    page.get_by_label("Password").fill("a long staff password 1")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{url}/clinic/")
    return page


def test_a_refused_visit_on_a_phone_keeps_what_was_rated_and_typed(chromium, clinic):
    from playwright.sync_api import expect

    from kratomlog.core import cows

    url, device, patient = clinic
    phone = _signed_in(chromium, url, device, PHONE, is_mobile=True, has_touch=True)
    phone.goto(f"{url}/clinic/patients/{patient.public_id}#visits")
    form = phone.locator("#visit-form")
    for item in cows.ITEMS[:3]:
        score, words = item.options[1]
        form.get_by_role("group", name=item.label).get_by_label(f"{score}: {words}").check()
    expect(phone.locator("#cows-total")).to_have_text("3 so far (3 of 11 items rated)")
    form.get_by_label("Clinical note").fill("restless, sweating")
    form.get_by_role("button", name="Save the visit").tap()
    expect(phone.locator("#cows-error")).to_contain_text("3 of 11 items are rated")
    expect(phone.locator("#visit-form input[type=radio]:checked")).to_have_count(3)
    expect(phone.get_by_label("Clinical note")).to_have_value("restless, sweating")
    wide = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 0, f"{wide}px of sideways scrolling"
    phone.locator("#cows-error").scroll_into_view_if_needed()
    screenshot(phone, "clinic-visit-refused-phone")
    for item in cows.ITEMS[3:]:
        score, words = item.options[1]
        form.get_by_role("group", name=item.label).get_by_label(f"{score}: {words}").check()
    expect(phone.locator("#cows-total")).to_have_text("13 of 48: moderate")
    form.get_by_role("button", name="Save the visit").tap()
    expect(phone.locator("ul.visits")).to_contain_text("COWS 13 of 48, moderate")
    screenshot(phone, "clinic-visit-saved-phone")


def test_a_taper_is_previewed_with_its_schedule_before_it_is_set(chromium, clinic):
    from playwright.sync_api import expect

    url, device, patient = clinic
    desk = _signed_in(chromium, url, device, {"width": 1280, "height": 900})
    desk.goto(f"{url}/clinic/patients/{patient.public_id}#plans")
    taper = desk.locator("#taper-form")
    taper.get_by_label("Start: grams a day").fill("8")
    taper.get_by_label("Step down by (grams, or a percentage such as 10%)").fill("1")
    taper.get_by_label("Every (days)").fill("7")
    taper.get_by_role("button", name="Preview this taper").click()
    preview = desk.locator("#plan-preview")
    expect(preview).to_contain_text("Check before setting: taper from 8 g")
    expect(preview.locator("tbody tr")).to_have_count(9)
    screenshot(desk, "clinic-taper-preview-desktop")
    assert not patient.person.plan_versions.exists()
    preview.get_by_role("button", name="Set this plan").click()
    expect(desk.locator("#plans ul.plans")).to_contain_text("In force: taper from 8 g")
    assert patient.person.plan_versions.get().set_by == "Dr Lee"
