"""The staff pages in real Chromium, on a phone and a desktop: triage a card per patient with
nothing to scroll sideways, and the one staff navigation shaped as the patients' app."""

import os
import re
from datetime import date, timedelta

import pytest
import time_machine
from playwright.sync_api import expect

from tests.browser.conftest import CHROMIUM, PHONE
from tests.clinic.conftest import NOW, browser_driver
from tests.clinic.helpers_ca import verified_client

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.postgres_only]
SCREENSHOTS = os.path.join(os.path.dirname(__file__), "..", "..", "build", "screenshots")
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
def chromium():
    with browser_driver() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def triage_of_three(live_server, transactional_db):
    """Dr Lee (Berlin) with three patients of team North: one with an urgent alert, a record
    number and a next visit; one named only by email; one who logged a lot."""
    from kratomlog.checkins.services import record_checkin
    from kratomlog.clinic import people
    from kratomlog.clinic.consent import CARE_CONSENT
    from kratomlog.clinic.models import Visit
    from kratomlog.journal.services import log_kratom

    with time_machine.travel(NOW, tick=True):
        lee, _ = people.add_staff(email="lee@clinic.test", role="clinician", now=NOW,
                                  teams=["North"], name="Dr Lee")  # fmt: skip
        lee.account.timezone = "Europe/Berlin"
        lee.account.save()
        team = people.team_named("North")
        patients = []
        for email, name, record in [
            ("ana@example.org", "Ana Pereira-Lindqvist", "R-104233"),
            ("a.very.long.address.for.a.phone@example.org", "", ""),
            ("cy@example.org", "Cy M.", "R-7"),
        ]:
            patient = people.add_patient(email=email, password="a long password 12",
                                         timezone="Europe/Berlin", team=team,
                                         consent_version=CARE_CONSENT.version,
                                         share_with_care_team=True, now=NOW)  # fmt: skip
            patient.display_name, patient.record_number = name, record
            patient.save()
            patients.append(patient)
        for days_ago, grams in [(1, 4.0), (3, 6.0), (6, 2.5)]:
            log_kratom(person=patients[0].person, amount=f"{grams}g", now=NOW,
                       at=(NOW - timedelta(days=days_ago)).isoformat())  # fmt: skip
        for days_ago in range(1, 20):
            log_kratom(person=patients[2].person, amount="12g", now=NOW,
                       at=(NOW - timedelta(days=days_ago)).isoformat())  # fmt: skip
        record_checkin(person=patients[0].person, key="phq9", now=NOW,
                       answers="1,1,1,1,1,1,1,1,1")  # fmt: skip
        Visit.objects.create(patient=patients[0], clinician=lee, at=NOW - timedelta(days=2),
                             next_visit_on=date(2026, 11, 30))  # fmt: skip
        yield live_server.url, lee


def _signed_in_page(chromium, url, user, **context):
    client = verified_client(user)
    browser_context = chromium.new_context(**context)
    browser_context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": url}]
    )
    return browser_context.new_page()


def test_triage_on_a_phone_is_a_card_per_patient_with_nothing_to_scroll_sideways(
    chromium, triage_of_three
):
    url, lee = triage_of_three
    os.makedirs(SCREENSHOTS, exist_ok=True)
    page = _signed_in_page(chromium, url, lee, viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto(f"{url}/clinic/")
    expect(page.get_by_role("heading", name="Your patients, most urgent first")).to_be_visible()
    page.screenshot(path=os.path.join(SCREENSHOTS, "triage-phone.png"), full_page=True)
    assert page.evaluate("[window.innerWidth, document.documentElement.scrollWidth]") == [390, 390]
    cards = page.locator("table.triage tbody tr")
    expect(cards).to_have_count(3)
    first = cards.first
    expect(first.get_by_role("link", name="Ana Pereira-Lindqvist")).to_be_visible()
    expect(first).to_contain_text("record R-104233")
    labels = first.locator("td").evaluate_all(
        "cells => cells.map(cell => getComputedStyle(cell, '::before').content)"
    )
    assert '"Open alert"' in labels and '"Next visit"' in labels  # each fact under its label
    expect(first).to_contain_text("Mon 30 Nov 2026")
    expect(first).to_contain_text("CET")  # Dr Lee's own zone
    box = first.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    bar = page.get_by_role("navigation", name="Main").bounding_box()
    assert bar["y"] + bar["height"] == pytest.approx(PHONE["height"], abs=1)
    page.screenshot(path=os.path.join(SCREENSHOTS, "triage-phone.png"), full_page=True)
    page.get_by_role("navigation", name="Main").get_by_text("More").tap()
    expect(page.get_by_role("link", name="Your account")).to_be_visible()
    page.screenshot(path=os.path.join(SCREENSHOTS, "triage-phone-more.png"))


def test_triage_on_a_desktop_is_a_table_under_the_staff_navigation(chromium, triage_of_three):
    url, lee = triage_of_three
    os.makedirs(SCREENSHOTS, exist_ok=True)
    page = _signed_in_page(chromium, url, lee, viewport=DESKTOP)
    page.goto(f"{url}/clinic/")
    nav = page.get_by_role("navigation", name="Main")
    assert nav.bounding_box()["y"] == 0
    expect(nav.get_by_role("link", name="Triage")).to_have_attribute("aria-current", "page")
    expect(nav.get_by_role("link", name="Alerts")).to_be_visible()
    expect(nav.get_by_role("link", name="Invite a patient")).to_be_visible()
    for column in ("Patient", "Open alert", "Last contact", "Next visit"):
        expect(page.get_by_role("columnheader", name=column)).to_be_visible()
    expect(
        page.get_by_role(
            "columnheader", name=re.compile(r"^Last 28 days \(bars to 12 g a day; doses to \d+ a day\)$")
        )
    ).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.screenshot(path=os.path.join(SCREENSHOTS, "triage-desktop.png"), full_page=True)
    page.goto(f"{url}/sources")
    expect(nav.get_by_role("link", name="Triage")).to_be_visible()  # still the staff's own
    page.screenshot(path=os.path.join(SCREENSHOTS, "sources-staff-desktop.png"))
