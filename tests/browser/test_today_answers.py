"""Today in real Chromium: the answer to Log is where the person is looking, a very large dose
is asked about in words, and nothing offers a dose when nothing is left."""

from datetime import UTC, datetime

from playwright.sync_api import expect

from kratomlog.journal.models import Entry
from kratomlog.plans.services import set_plan
from tests.browser.conftest import screenshot, sign_in


def test_a_dose_over_50g_is_asked_about_on_the_page_and_recorded_as_typed(phone, app):
    person = app[1]
    sign_in(phone, app)
    phone.get_by_label("Amount", exact=True).fill("60 g")
    phone.get_by_role("button", name="Log", exact=True).tap()
    question = phone.locator("#confirm-high")
    expect(question).to_be_focused()
    expect(question).to_contain_text("Record 60 g of kratom?")
    expect(question).to_contain_text("more than 50 g, which is almost always a typing mistake")
    assert Entry.objects.filter(person=person).count() == 0
    screenshot(phone, "today-over-50g")
    phone.get_by_role("button", name="Yes, record 60 g").tap()
    expect(phone.locator("#result")).to_contain_text("60 g kratom")
    entry = Entry.objects.get(person=person)
    assert (entry.amount, entry.unit, entry.grams) == (60, "g", 60)


def test_an_error_keeps_what_was_typed_and_takes_the_focus(phone, app):
    sign_in(phone, app)
    phone.get_by_label("Amount", exact=True).fill("3 oz")
    phone.get_by_role("button", name="Log", exact=True).tap()
    error = phone.locator("#form-error")
    expect(error).to_be_focused()
    expect(error).to_contain_text("Amount: unknown unit")
    expect(phone.get_by_label("Amount", exact=True)).to_have_value("3 oz")


def test_during_a_break_today_offers_no_dose_and_says_when_it_ends(phone, app):
    person = app[1]
    set_plan(person=person, preset_or_file="break-90", now=datetime.now(UTC))
    sign_in(phone, app)
    expect(phone.locator(".today-left")).to_contain_text("A break is in force")
    expect(phone.get_by_label("Amount", exact=True)).to_have_value("")
    expect(phone.locator("button[name=quick]")).to_have_count(0)
    order = phone.evaluate(
        "[...document.querySelectorAll('h2')].map(h => h.textContent.trim())"
    )
    assert order.index("Where you stand") < order.index("Log what you took")
    screenshot(phone, "today-during-a-break")
