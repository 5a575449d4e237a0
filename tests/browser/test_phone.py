"""The web app in real Chromium on a 390x844 phone screen."""

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from kratomlog.journal.models import Entry
from kratomlog.plans.services import set_plan
from tests import fixtures
from tests.browser.conftest import screenshot, sign_in


def test_the_login_link_works_once_and_not_twice(browser, app):
    from django.utils import timezone

    from kratomlog.web.login import new_link

    url, person = app
    link = f"{url}/login/{new_link(person, timezone.now())}"
    first = browser.new_context().new_page()
    first.goto(link)
    expect(first.get_by_role("heading", name="Today", level=1)).to_be_visible()
    second = browser.new_context().new_page()
    second.goto(link)
    expect(second.get_by_role("alert")).to_contain_text("already been used")
    second.goto(url + "/history")
    assert second.url.endswith("/welcome")
    screenshot(second, "welcome-link-spent")


def test_log_a_dose_see_the_breach_it_causes_and_undo_it(phone, app):
    person = app[1]
    set_plan(person=person, preset_or_file="ceiling-3g-a-dose", now=datetime.now(UTC))
    sign_in(phone, app)
    phone.get_by_label("Amount", exact=True).fill("4 g")
    phone.get_by_role("button", name="Log", exact=True).tap()
    result = phone.locator(".result")
    expect(result).to_contain_text("Breaks a limit of plan “ceiling-3g-a-dose” (grams a dose)")
    expect(result).to_be_focused()  # the answer is where the person is looking
    expect(result).to_contain_text("a dose of 4 g; at most 3 g a dose")
    expect(phone.locator("#standing")).to_have_attribute("data-breaches", "1")
    assert Entry.objects.filter(person=person, deleted=False).count() == 1
    screenshot(phone, "today-after-a-breach")
    phone.get_by_role("button", name="Undo").tap()
    expect(phone.get_by_role("status").first).to_contain_text("Undid: logged 4 g kratom")
    expect(phone.locator("#standing")).to_have_attribute("data-breaches", "0")
    assert Entry.objects.filter(person=person, deleted=False).count() == 0


def test_build_a_taper_and_see_its_chart(phone, app):
    sign_in(phone, app)
    phone.goto(app[0] + "/plan")
    phone.get_by_label("Start at (grams a day)").fill("12")
    phone.get_by_label("Step down by (10% or grams)").fill("10%")
    phone.get_by_label("Every (days)").fill("7")
    phone.get_by_label("Below this, 0 g (grams; needed with %)").fill("1")
    preview = phone.locator("#taper-preview")
    expect(preview.locator("svg[role=img]")).to_be_visible()
    expect(preview.locator("figcaption")).to_contain_text("From 12 g a day")
    expect(preview.locator("figcaption")).to_contain_text("in 21 steps of 7 days")
    screenshot(phone, "plan-taper-preview")
    phone.get_by_role("button", name="See what this taper would do").tap()
    preview = phone.locator("#preview")
    expect(preview).to_be_focused()
    expect(preview).to_contain_text("Today's allowance goes from no gram limit to 12 g.")
    phone.get_by_role("button", name="Yes, set this plan").tap()
    expect(phone.get_by_role("status")).to_contain_text("Plan “taper from 12 g” is in force")
    expect(phone.locator("#current-title + p")).to_contain_text("taper from 12 g")
    expect(phone.locator("figure svg[role=img]").first).to_be_visible()


def test_a_csv_with_one_bad_row_shows_the_error_and_imports_nothing(phone, app, tmp_path):
    url, person = app
    bad = tmp_path / "journal.csv"
    bad.write_text(fixtures.JOURNAL_CSV.read_text() + "2026-11-22T10:00,kratom,lots,g,,,,,\n")
    sign_in(phone, app)
    phone.goto(url + "/transfer")
    phone.get_by_label("Format").select_option("csv")
    phone.get_by_label("File (.csv, .json or .txt, at most 20 MB)").set_input_files(str(bad))
    phone.get_by_role("button", name="Preview").tap()
    errors = phone.locator("#import-errors")
    expect(errors).to_contain_text("Nothing will be imported")
    expect(errors).to_contain_text("line 8, column amount: 'lots' is not a number")
    expect(phone.get_by_role("button", name="Import")).to_have_count(0)
    screenshot(phone, "import-bad-row")
    assert Entry.objects.filter(person=person).count() == 0


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/history?range=90",
        "/checkins",
        "/checkin/phq9",
        "/sleep",
        "/plan",
        "/transfer",
        "/settings",
    ],
)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_fits_a_phone_and_is_kept_as_a_screenshot(browser, app, path, scheme):
    from kratomlog.journal.demo import load_demo

    url, person = app
    if not person.entries.exists():
        load_demo(person=person, now=datetime.now(UTC))
    context = browser.new_context(viewport={"width": 360, "height": 740}, color_scheme=scheme)
    page = context.new_page()
    sign_in(page, app)
    page.goto(url + path)
    expect(page.locator("h1")).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{path} is wider than a 360 px screen by {overflow} px"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    name = path.strip("/").split("?")[0] or "today"
    screenshot(page, f"{name}-{scheme}")
    context.close()


def test_a_phq9_with_item_9_at_1_shows_the_crisis_resources(phone, app):
    sign_in(phone, app)
    phone.goto(app[0] + "/")
    phone.get_by_role("link", name="PHQ-9").first.tap()
    expect(phone.get_by_role("heading", name="PHQ-9", level=1)).to_be_visible()
    for fieldset in phone.locator("fieldset").all()[:8]:
        fieldset.get_by_label("Not at all").check()
    phone.locator("fieldset").nth(8).get_by_label("Several days").check()
    phone.get_by_role("button", name="Save").tap()
    crisis = phone.get_by_role("alert")
    expect(crisis).to_contain_text("988 Suicide & Crisis Lifeline")
    expect(phone.locator("#score")).to_contain_text("Your score: 1 of 27 (minimal)")
    screenshot(phone, "phq9-crisis")


def test_fill_a_sleep_diary_on_a_phone_and_see_the_efficiency(phone, app):
    sign_in(phone, app)
    phone.goto(app[0] + "/sleep")
    phone.get_by_label("What time did you get into bed?").fill("23:10")
    phone.get_by_label("What time did you try to go to sleep?").fill("23:30")
    phone.get_by_label("How long did it take you to fall asleep? (minutes)").fill("20")
    phone.get_by_label("How many times did you wake up, not counting your final awakening?").fill(
        "2"
    )
    phone.get_by_label("In total, how long did these awakenings last? (minutes)").fill("30")
    phone.get_by_label("What time was your final awakening?").fill("06:40")
    phone.get_by_label("What time did you get out of bed for the day?").fill("07:00")
    phone.get_by_label("Fair").check()
    phone.get_by_role("button", name="Save").tap()
    expect(phone.locator("#efficiency")).to_have_text("81%")
    screenshot(phone, "sleep-diary-result")
