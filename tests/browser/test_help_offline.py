"""Help now in real Chromium on a phone, with the network cut: the service worker keeps it."""

from playwright.sync_api import expect

from kratomlog.checkins import coping
from kratomlog.core.coping import plan_from_document
from tests.browser.conftest import screenshot, sign_in


def test_help_now_opens_with_the_network_cut(phone, app):
    url, person = app
    coping.set_coping_plan(
        person,
        plan_from_document(
            {
                "what_helps": ["A walk by the river"],
                "people": [{"name": "Mara", "phone": "+49 30 1234567"}],
            }
        ),
    )
    sign_in(phone, app)
    phone.goto(url + "/help")
    phone.evaluate("navigator.serviceWorker.ready.then(() => true)")
    phone.reload()  # now under the worker, which keeps the page as it passes
    expect(phone.get_by_role("heading", name="Help now", level=1)).to_be_visible()
    phone.context.set_offline(True)
    phone.goto(url + "/help")
    expect(phone.get_by_text("A walk by the river")).to_be_visible()
    expect(phone.get_by_role("link", name="+49 30 1234567")).to_have_attribute(
        "href", "tel:+49301234567"
    )
    screenshot(phone, "help-now-offline")
    phone.goto(url + "/history")
    expect(phone.get_by_role("link", name="Help now")).to_be_visible()
    phone.context.set_offline(False)
