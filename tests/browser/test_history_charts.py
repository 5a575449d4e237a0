"""History and its charts in real Chromium: text a phone can read, a calendar opened at the
latest weeks, entries that fit the screen with 44 px targets, a desktop that uses its width,
and checkboxes that show in dark mode."""

from datetime import UTC, datetime

from playwright.sync_api import expect

from kratomlog.journal.demo import load_demo
from tests.browser.conftest import PHONE, screenshot, sign_in


def demo_history(browser, app, viewport=PHONE, scheme="light"):
    url, person = app
    load_demo(person=person, now=datetime.now(UTC))
    context = browser.new_context(viewport=viewport, color_scheme=scheme)
    page = context.new_page()
    sign_in(page, app)
    page.goto(url + "/history?range=365")
    return context, page


def test_chart_text_is_at_least_12px_on_a_phone(browser, app):
    context, page = demo_history(browser, app)
    smallest = page.evaluate(
        """() => Math.min(...[...document.querySelectorAll('svg.chart:not(.calendar) text')]
              .map(t => t.getBoundingClientRect().height))"""
    )
    # a 13-unit label drawn at the phone's width; its box is a little taller than its size
    assert smallest >= 12, smallest
    clipped = page.evaluate(
        """() => [...document.querySelectorAll('svg.chart text')].filter(t => {
              const box = t.getBoundingClientRect(), svg = t.closest('svg').getBoundingClientRect();
              return box.left < svg.left - 0.5 || box.right > svg.right + 0.5; }).length"""
    )
    assert clipped == 0
    screenshot(page, "history-year-phone")
    context.close()


def test_the_calendar_opens_at_the_latest_weeks(browser, app):
    context, page = demo_history(browser, app)
    box = page.locator(".calendar-scroll")
    expect(box).to_have_attribute("role", "region")
    scrolled = box.evaluate("b => [b.scrollLeft, b.scrollWidth - b.clientWidth]")
    assert scrolled[1] > 0 and abs(scrolled[0] - scrolled[1]) <= 1, scrolled
    expect(page.locator(".scroll-hint")).to_be_visible()  # on a phone, where it scrolls
    context.close()


def test_the_calendar_says_it_scrolls_only_where_it_does(browser, app):
    context, page = demo_history(browser, app, viewport={"width": 1280, "height": 900})
    box = page.locator(".calendar-scroll")
    assert box.evaluate("b => b.scrollWidth <= b.clientWidth")  # a year fits a desktop
    expect(box).not_to_have_attribute("data-scrolls", "")
    expect(page.locator(".scroll-hint")).to_be_hidden()
    page.set_viewport_size(PHONE)  # turned into a phone's width: now it scrolls, and says so
    expect(box).to_have_attribute("data-scrolls", "")
    expect(page.locator(".scroll-hint")).to_be_visible()
    context.close()


def test_history_entries_fit_a_phone_with_44px_targets(browser, app):
    context, page = demo_history(browser, app)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    for target in page.locator(".entry-actions a, .entry-actions button").all()[:6]:
        box = target.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, box
        assert box["x"] + box["width"] <= PHONE["width"]
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 12000, height  # a year of entries is paged, not 25,000 px of them
    context.close()


def test_a_desktop_shows_charts_side_by_side(browser, app):
    context, page = demo_history(browser, app, viewport={"width": 1280, "height": 900})
    grams = page.locator("#grams-title").bounding_box()
    magnesium = page.locator("#magnesium-title").bounding_box()
    assert abs(grams["y"] - magnesium["y"]) < 2 and magnesium["x"] > grams["x"] + 300
    assert page.locator("main").bounding_box()["width"] > 1000
    screenshot(page, "history-year-desktop")
    context.close()


def test_checkboxes_show_in_dark_mode(browser, app):
    url, _ = app
    context = browser.new_context(viewport=PHONE, color_scheme="dark")
    page = context.new_page()
    sign_in(page, app)
    page.goto(url + "/plan")
    box = page.locator("input[type=checkbox]").first
    border, background = box.evaluate(
        "b => [getComputedStyle(b).borderTopColor, getComputedStyle(b).backgroundColor]"
    )
    assert border != background  # the box's edge stands out from its inside
    assert box.bounding_box()["width"] >= 20
    context.close()


def test_charts_keep_the_dark_palette_over_their_print_colours(browser, app):
    context, page = demo_history(browser, app, scheme="dark")
    bar = page.locator("svg.chart rect.bar").first
    assert bar.get_attribute("fill") == "#6b8f84"  # what the PDF draws
    assert bar.evaluate("b => getComputedStyle(b).fill") == "rgb(127, 168, 155)"  # dark --bar
    label = page.locator("svg.chart text.label").first
    assert label.evaluate("t => getComputedStyle(t).fill") == "rgb(163, 174, 169)"  # --muted
    screenshot(page, "history-year-phone-dark")
    context.close()
