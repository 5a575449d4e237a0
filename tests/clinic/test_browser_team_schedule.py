"""A team's default schedule in real Chromium: from a patient's page to the team's, a weekly
PHQ-9 that steps down set with the form's own labels, and shown back in words."""

import os

import pytest
import time_machine
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.clinic.conftest import NOW
from tests.clinic.test_browser_staff import DESKTOP, _signed_in_page, chromium  # noqa: F401

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.postgres_only]


@pytest.fixture
def north(live_server, transactional_db):
    from kratomlog.clinic import people
    from kratomlog.clinic.consent import CARE_CONSENT

    with time_machine.travel(NOW, tick=True):
        lee, _ = people.add_staff(email="lee@clinic.test", role="clinician", now=NOW,
                                  teams=["North"], name="Dr Lee")  # fmt: skip
        ana = people.add_patient(email="ana@example.org", password="a long password 12",
                                 timezone="Europe/Berlin", team=people.team_named("North"),
                                 consent_version=CARE_CONSENT.version,
                                 share_with_care_team=True, now=NOW)  # fmt: skip
        yield live_server.url, lee, ana


def test_a_clinician_sets_the_teams_default_with_a_step_down_from_the_patients_page(
    chromium,  # noqa: F811
    north,
):
    url, lee, ana = north
    page = _signed_in_page(chromium, url, lee, viewport=DESKTOP)
    page.goto(f"{url}/clinic/patients/{ana.public_id}")
    page.get_by_role("link", name="the team's schedule").click()
    expect(page.get_by_role("heading", name="Team North: check-in schedule")).to_be_visible()
    expect(page.locator("#team-schedule")).to_contain_text("No schedule")
    page.get_by_label("PHQ-9: every").select_option(label="every week")
    page.get_by_label("PHQ-9: on").fill("mon")
    page.get_by_label("PHQ-9: at").fill("09:00")
    page.get_by_label("PHQ-9: after how many of these").fill("4")
    page.get_by_label("PHQ-9: then", exact=True).select_option(label="every 2 weeks")
    page.get_by_label("PHQ-9: then after how many of those").fill("2")
    page.get_by_label("PHQ-9: and then").select_option(label="every 4 weeks")
    page.get_by_role("button", name="Set the team's schedule").click()
    expect(page.locator("#team-schedule")).to_contain_text(
        "PHQ-9: every week on Monday at 09:00, then after 4, every 14 days at 09:00, then after "
        "2, every 28 days at 09:00"
    )
    expect(page.locator("#team-schedule-versions li").first).to_contain_text(
        "In force: phq9, set by Dr Lee"
    )
    expect(page.get_by_label("PHQ-9: then", exact=True)).to_have_value("14")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_the_teams_schedule_form_fits_a_phone(chromium, north):  # noqa: F811
    url, lee, _ = north
    page = _signed_in_page(chromium, url, lee, viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto(f"{url}/clinic/teams/{lee.account.teams.get().id}/schedule")
    expect(page.get_by_label("PHQ-9: after how many of these")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
