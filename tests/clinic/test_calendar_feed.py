"""A patient's private calendar subscription: made on Settings or through the API, serving the
schedule at its local times under neutral titles, 404 once revoked or renewed, and its secret
in no log."""

import json
from datetime import time
from urllib.parse import urlsplit

import icalendar
import pytest

from kratomlog.clinic import schedules, tokens
from kratomlog.clinic.models import CalendarFeed
from kratomlog.core.schedule import items_from_list
from tests.clinic.conftest import NOW
from tests.clinic.test_log_redaction import every_log  # noqa: F401  (a fixture)

PHQ9_WEEKLY = {"instrument": "phq9", "every": "week", "weekday": "mon", "at": "09:00"}
SLEEP_DAILY = {"instrument": "sleep", "every": "day", "at": "08:30"}


@pytest.fixture
def scheduled(cast):
    items = items_from_list([PHQ9_WEEKLY, SLEEP_DAILY], NOW.date())
    schedules.set_for_patient(cast.clinician_a, cast.patient_a, items, NOW)
    return cast.patient_a


def _path(url: str) -> str:
    return urlsplit(url).path


def _events(content: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(content).walk("VEVENT"))


def test_settings_makes_an_address_whose_feed_holds_the_schedule_at_local_times(client, scheduled):
    client.force_login(scheduled.user)
    page = client.get("/settings")
    assert b"Make a calendar address" in page.content
    assert b"a few times a day" in page.content

    made = client.post("/settings/calendar")
    assert made.status_code == 200
    url = made.context["calendar_url"]
    assert url.startswith("http://127.0.0.1:8000/calendar/") and url.endswith(".ics")
    assert url.encode() in made.content and b"shown only this once" in made.content
    secret = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert not CalendarFeed.objects.filter(token_hash=secret).exists()  # only its hash is kept
    again = client.get("/settings").content.decode()
    assert url not in again  # shown once
    assert "in use since 23 November 2026, 19:00" in again  # in Berlin, the patient's zone

    client.logout()  # a calendar app has no session
    feed = client.get(_path(url))
    assert feed.status_code == 200
    assert feed["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(feed.content)
    events = _events(feed.content)
    starts = sorted(event.decoded("dtstart").time() for event in events)
    assert starts == [time(8, 30), time(9, 0)]  # floating: the patient's own clock times
    assert {event.decoded("dtstart").tzinfo for event in events} == {None}
    weekly = next(e for e in events if e.decoded("dtstart").time() == time(9, 0))
    assert weekly["rrule"]["freq"] == ["WEEKLY"] and weekly["rrule"]["byday"] == ["MO"]
    # Nothing on a lock screen says what the check-in is, nor what the clinic treats.
    assert {str(event["summary"]) for event in events} == {"Check-in"}
    assert str(calendar["x-wr-calname"]) == "Reminder"
    shown = feed.content.decode().lower()
    for word in ("phq", "sleep", "kratom", "score"):
        assert word not in shown.replace("prodid:-//kratomlog", ""), word


def test_revoking_on_settings_makes_the_address_404_with_no_detail(client, scheduled):
    client.force_login(scheduled.user)
    url = client.post("/settings/calendar").context["calendar_url"]
    assert client.get(_path(url)).status_code == 200
    stopped = client.post("/settings/calendar/revoke", follow=True)
    assert b"no longer works" in stopped.content and b"Make a calendar address" in stopped.content
    client.logout()
    gone = client.get(_path(url))
    assert gone.status_code == 404 and b"revoked" not in gone.content.lower()
    unknown = client.get("/calendar/not-a-secret.ics")
    assert unknown.status_code == 404 and unknown.content == gone.content


def test_the_api_makes_renews_and_revokes_and_the_old_address_404s(client, scheduled):
    key = {"HTTP_AUTHORIZATION": f"Bearer {tokens.issue(scheduled.user, NOW)}"}
    assert client.get("/api/v1/me/calendar-feed", **key).json() == {
        "subscribed": False,
        "since": None,
    }
    first = client.post("/api/v1/me/calendar-feed", **key)
    assert first.status_code == 201 and first.json()["subscribed"] is True
    renewed = client.post("/api/v1/me/calendar-feed", **key)
    assert renewed.status_code == 201 and renewed.json()["url"] != first.json()["url"]
    assert client.get(_path(first.json()["url"])).status_code == 404
    assert client.get(_path(renewed.json()["url"])).status_code == 200
    state = client.get("/api/v1/me/calendar-feed", **key).json()
    assert state["subscribed"] is True and "url" not in json.dumps(state)

    assert client.delete("/api/v1/me/calendar-feed", **key).status_code == 204
    assert client.get(_path(renewed.json()["url"])).status_code == 404
    assert client.get("/api/v1/me/calendar-feed", **key).json()["subscribed"] is False


def test_a_deactivated_patients_address_answers_404(client, scheduled):
    key = {"HTTP_AUTHORIZATION": f"Bearer {tokens.issue(scheduled.user, NOW)}"}
    url = client.post("/api/v1/me/calendar-feed", **key).json()["url"]
    scheduled.user.is_active = False
    scheduled.user.save()
    assert client.get(_path(url)).status_code == 404


def test_a_refused_feed_address_leaves_no_secret_in_any_log(client, cast, every_log):  # noqa: F811
    secret = "a-secret-no-feed-has"
    assert client.get(f"/calendar/{secret}.ics").status_code == 404
    log = every_log()
    assert "Not Found: /calendar/[redacted]" in log
    assert secret not in log
