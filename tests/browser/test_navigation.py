"""The app's navigation as an installed app's: a bottom bar on a phone, More one tap away."""

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, SCREENSHOTS, sign_in

DESKTOP = {"width": 1280, "height": 800}


def _box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_on_a_phone_the_places_are_a_bottom_bar_that_covers_nothing(browser, app, scheme):
    from kratomlog.journal.demo import load_demo

    url, person = app
    load_demo(person=person, now=datetime.now(UTC))
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True,
                                  color_scheme=scheme)  # fmt: skip
    page = context.new_page()
    sign_in(page, app)
    page.goto(f"{url}/history")
    bar = _box(page, "nav[aria-label='Main']")
    assert bar["y"] + bar["height"] == pytest.approx(PHONE["height"], abs=1)  # at the bottom
    assert bar["height"] <= 80  # one row, not a third of the screen
    # The page starts at the top, under the one row that keeps Help now one tap away.
    help_now = _box(page, ".help-now")
    assert help_now["y"] < 20 and help_now["height"] >= 44
    assert help_now["y"] + help_now["height"] <= _box(page, "main h1")["y"] < 100
    main = page.get_by_role("navigation", name="Main")
    for place in ("Today", "History", "Check-ins", "Plan"):
        expect(main.get_by_role("link", name=place)).to_be_visible()
    expect(main.get_by_role("link", name="History")).to_have_attribute("aria-current", "page")
    expect(main.get_by_role("link", name="Settings")).to_be_hidden()
    page.screenshot(path=str(SCREENSHOTS / f"nav-phone-history-{scheme}.png"))

    # The end of the page stays above the bar: nothing is hidden under it.
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    footer = _box(page, "footer")
    assert footer["y"] + footer["height"] <= _box(page, "nav[aria-label='Main']")["y"] + 1
    page.screenshot(path=str(SCREENSHOTS / f"nav-phone-end-{scheme}.png"))

    main.get_by_text("More").tap()
    settings = main.get_by_role("link", name="Settings")
    expect(settings).to_be_visible()
    expect(main.get_by_role("link", name="Import & export")).to_be_visible()
    menu = _box(page, ".app-nav .more ul")
    assert menu["y"] >= 0 and menu["y"] + menu["height"] <= _box(page, ".app-nav summary")["y"]
    page.screenshot(path=str(SCREENSHOTS / f"nav-phone-more-{scheme}.png"))
    page.keyboard.press("Escape")
    expect(settings).to_be_hidden()
    main.get_by_text("More").tap()
    main.get_by_role("link", name="Settings").tap()
    page.wait_for_url(f"{url}/settings")
    expect(page.locator(".app-nav summary.here")).to_be_visible()  # More says where you are
    context.close()


def test_more_opens_without_javascript_and_the_focus_shows(browser, app):
    url, _ = app
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, app)
    page.goto(f"{url}/")
    page.locator(".app-nav summary").click()
    page.get_by_role("link", name="Import & export").click()
    page.wait_for_url(f"{url}/transfer")
    page.keyboard.press("Tab")  # the skip link, then the first place
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "[document.activeElement.textContent.trim(), getComputedStyle(document.activeElement)"
        ".outlineStyle]"
    )
    assert focused == ["Today", "solid"]
    context.close()


def test_on_a_desktop_the_places_are_a_row_at_the_top(browser, app):
    url, _ = app
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    sign_in(page, app)
    page.goto(f"{url}/plan")
    bar = _box(page, "nav[aria-label='Main']")
    assert bar["y"] == 0 and bar["height"] <= 70
    assert _box(page, "main h1")["y"] > bar["height"]
    main = page.get_by_role("navigation", name="Main")
    expect(main.get_by_role("link", name="Plan")).to_have_attribute("aria-current", "page")
    main.get_by_text("More").click()
    expect(main.get_by_role("link", name="Settings")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "nav-desktop-plan-more.png"))
    context.close()
