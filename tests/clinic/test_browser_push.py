"""Notifications in real Chromium on a phone: the Settings page asks for permission only from a
tap on "Turn on notifications" and tells the clinic of the subscription; a push delivered
through the DevTools protocol is shown as a notification (iOS drops a subscription whose pushes
are not shown); its click opens the link it carries. Safari on an iPhone, in a tab, is told to add the app to
the Home Screen first.

Headless Chromium has no push service to subscribe with (no FCM), so the page's
`pushManager.subscribe` answers a subscription made up here, on FCM's address; and a
notification cannot be tapped headless, so the click is dispatched inside the service worker
(what runs is the worker's own handler)."""

import json
import os
import re
from pathlib import Path

import pytest
import time_machine

from tests.browser.conftest import CHROMIUM, PHONE
from tests.clinic.conftest import NOW, browser_driver

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.postgres_only]
SCREENSHOTS = Path(__file__).parents[2] / "build" / "screenshots"
ENDPOINT = "https://fcm.googleapis.com/fcm/send/browser-test"

# Count permission questions; subscribe() makes a subscription of FCM's form, on this device.
STAND_IN = """
window.__asked = 0;
const ask = Notification.requestPermission.bind(Notification);
Notification.requestPermission = () => { window.__asked += 1; return ask(); };
const json = {endpoint: "ENDPOINT", expirationTime: null, keys: {
  p256dh: "BEl62iUYgUivxIkv69yViEuiBIa-Ib9-SkvMeAtA3LFgDzkrxZJjSgSnfckjBJuBkr3qBUYIHBQFLXYp5Nksh8U",
  auth: "tBHItJI5svbpez7KI4CCXg"}};
const made = {endpoint: json.endpoint, toJSON: () => json,
              unsubscribe: async () => { localStorage.removeItem("subscribed"); return true; }};
PushManager.prototype.subscribe = async () => { localStorage.setItem("subscribed", "1"); return made; };
PushManager.prototype.getSubscription = async () => (localStorage.getItem("subscribed") ? made : null);
""".replace("ENDPOINT", ENDPOINT)
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)
NOTIFICATIONS = """navigator.serviceWorker.ready.then((r) => r.getNotifications())
    .then((all) => all.map((n) => [n.title, n.body, n.data.url]))"""


def test_notifications_are_turned_on_by_a_tap_shown_for_a_push_and_open_their_link(
    live_server, transactional_db, settings
):
    from playwright.sync_api import expect

    from kratomlog.clinic import people, push
    from kratomlog.clinic.consent import CARE_CONSENT

    settings.VAPID_SUBJECT = "mailto:care-team@northside-care.org"
    with time_machine.travel(NOW, tick=True):
        patient = people.add_patient(
            email="ana@example.org", password="ana's long password", timezone="Europe/Berlin",
            team=people.team_named("North"), consent_version=CARE_CONSENT.version,
            share_with_care_team=True, now=NOW,
        )  # fmt: skip
        with browser_driver() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
            context.grant_permissions(["notifications"], origin=live_server.url)
            context.add_init_script(STAND_IN)
            page = context.new_page()
            page.goto(f"{live_server.url}/accounts/login")
            page.get_by_label("Email").fill("ana@example.org")
            page.get_by_label("Password").fill("ana's long password")
            page.get_by_role("button", name="Sign in").tap()
            page.wait_for_url(f"{live_server.url}/")
            page.goto(f"{live_server.url}/settings")
            page.evaluate("navigator.serviceWorker.ready.then(() => true)")
            turn_on = page.get_by_role("button", name="Turn on notifications")
            expect(turn_on).to_be_visible()
            assert page.evaluate("window.__asked") == 0  # nothing asked before the tap
            turn_on.tap()
            expect(page.get_by_role("status")).to_have_text("Notifications are on for this device.")
            assert page.evaluate("window.__asked") == 1
            assert push.has_subscription(patient.user)
            expect(page.get_by_role("button", name="Turn off notifications")).to_be_visible()
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.locator("#notifications").screenshot(
                path=str(SCREENSHOTS / "clinic-notifications-phone.png")
            )

            cdp = context.new_cdp_session(page)
            registrations: list[dict] = []
            cdp.on("ServiceWorker.workerRegistrationUpdated",
                   lambda event: registrations.extend(event["registrations"]))  # fmt: skip
            cdp.send("ServiceWorker.enable")
            page.wait_for_timeout(500)
            (registration,) = {r["registrationId"] for r in registrations if not r["isDeleted"]}
            data = {"title": "Northside Care", "body": "You have a new message from your care "
                    "team", "url": f"{live_server.url}/messages"}  # fmt: skip
            cdp.send("ServiceWorker.deliverPushMessage", {
                "origin": live_server.url, "registrationId": registration,
                "data": json.dumps(data),
            })  # fmt: skip
            shown = None
            # The push event runs in the worker, after the call returns: under a full test run
            # on two cores it has taken more than 5 s.
            for _ in range(200):
                shown = page.evaluate(NOTIFICATIONS)
                if shown:
                    break
                page.wait_for_timeout(100)
            assert shown == [[data["title"], data["body"], data["url"]]]

            (worker,) = context.service_workers
            worker.evaluate("""self.registration.getNotifications().then(([shown]) =>
                self.dispatchEvent(new NotificationEvent("notificationclick",
                                                         {notification: shown})))""")
            page.wait_for_url(re.compile(r".*/messages$"))
            expect(page.get_by_role("heading", level=1)).to_contain_text("Messages")
            assert page.evaluate(NOTIFICATIONS) == []  # closed by the tap

            page.goto(f"{live_server.url}/settings")
            page.get_by_role("button", name="Turn off notifications").tap()
            expect(page.get_by_role("status")).to_have_text(
                "Notifications are off for this device."
            )
            assert not push.has_subscription(patient.user)

            # Safari on an iPhone, in a tab (not from the Home Screen): install first.
            iphone = browser.new_context(
                viewport=PHONE, is_mobile=True, has_touch=True, user_agent=IPHONE,
                storage_state=context.storage_state(),
            )  # fmt: skip
            safari = iphone.new_page()
            safari.goto(f"{live_server.url}/settings")
            expect(safari.get_by_text("Add to Home Screen")).to_be_visible()
            expect(safari.get_by_role("button", name="Turn on notifications")).to_be_hidden()
            safari.locator("#notifications").screenshot(
                path=str(SCREENSHOTS / "clinic-notifications-iphone-tab.png")
            )
            browser.close()
