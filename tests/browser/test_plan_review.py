"""The Plan page's taper review in real Chromium on a phone: the table scrolls inside its own
box (the page never sideways), the current step is marked, and the chart's text is readable."""

from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from kratomlog.checkins.services import record_checkin
from kratomlog.journal.services import log_kratom
from kratomlog.plans.services import build_taper
from tests.browser.conftest import PHONE, SCREENSHOTS, sign_in


def test_the_taper_review_reads_on_a_phone(browser, app):
    url, person = app
    now = datetime.now(UTC)
    build_taper(person=person, start_grams=6, step="2", every_days=7, floor_grams=None,
                now=now, start="2026-11-09")  # fmt: skip
    for days_ago, grams in [(13, 5.0), (8, 3.0), (6, 4.5), (6, 1.0), (2, 2.5)]:
        log_kratom(person=person, amount=f"{grams}g", now=now,
                   at=(now - timedelta(days=days_ago)).isoformat())  # fmt: skip
    for days_ago, answer in [(12, "7"), (6, "5"), (1, "3")]:
        record_checkin(person=person, key="craving", now=now, answers=answer,
                       at=(now - timedelta(days=days_ago)).isoformat())  # fmt: skip
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    sign_in(page, app)
    page.goto(url + "/plan")
    review = page.locator("#taper-review")
    expect(review).to_contain_text("Your taper, step by step")
    expect(review).to_contain_text("withdrawal, use, the effects of use, craving and side effects")
    current = review.locator('tr[aria-current="step"]')
    expect(current).to_contain_text("now")
    expect(current.locator("th")).to_contain_text("3")
    expect(review.locator("tr.to-come")).to_contain_text("to come")
    # The page itself is no wider than the phone; the table scrolls in its own region.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    wrap = review.locator(".table-wrap").first
    assert wrap.evaluate("w => w.scrollWidth > w.clientWidth")
    smallest = page.evaluate(
        """() => Math.min(...[...document.querySelectorAll('#taper-review svg.chart text')]
              .map(t => t.getBoundingClientRect().height))"""
    )
    assert smallest >= 12, smallest
    expect(review.locator("figcaption").first).to_contain_text("Allowance against grams")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    review.screenshot(path=str(SCREENSHOTS / "plan-review-phone.png"))
    page.set_viewport_size({"width": 1280, "height": 900})
    review.screenshot(path=str(SCREENSHOTS / "plan-review-desktop.png"))
    context.close()
