"""The check-in schedule as a calendar: daily check-ins at 6 pm, PHQ-9 and GAD-7 every 14 days,
and the sleep diary each morning while a taper or a break is in force."""

from datetime import datetime, time, timedelta

from icalendar import Calendar, Event

from kratomlog.checkins.services import live_checkins
from kratomlog.core.days import local_day, zone
from kratomlog.journal.models import Person
from kratomlog.plans.services import plan_history

EVENING, MORNING = time(18), time(7, 30)


def _event(
    uid: str, summary: str, start: datetime, rule: dict[str, object], now: datetime
) -> Event:
    event = Event()
    event.add("uid", f"{uid}@kratomlog.local")
    event.add("dtstamp", now)
    event.add("dtstart", start)  # floating local time: 6 pm wherever the person is
    event.add("duration", timedelta(minutes=10))
    event.add("summary", summary)
    event.add("rrule", rule)
    return event


def schedule_ics(person: Person, now: datetime) -> bytes:
    today = local_day(now, zone(person.timezone))
    calendar = Calendar()
    calendar.add("prodid", "-//kratomlog//check-ins//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "kratomlog check-ins")
    evening = datetime.combine(today, EVENING)
    calendar.add_component(
        _event(
            "daily-checkins",
            "kratomlog: withdrawal and craving check-in",
            evening,
            {"freq": "daily"},
            now,
        )
    )
    for key, name in (("phq9", "PHQ-9"), ("gad7", "GAD-7")):
        last = live_checkins(person, now).filter(instrument=key).order_by("-local_day").first()
        first = max(today, last.local_day + timedelta(days=14)) if last else today
        calendar.add_component(
            _event(
                f"{key}-fortnightly",
                f"kratomlog: {name}",
                datetime.combine(first, EVENING),
                {"freq": "daily", "interval": 14},
                now,
            )
        )
    plan = plan_history(person).in_force(today)
    ends = plan.sleep_diary_until() if plan else None
    if ends is not None and today <= ends:
        calendar.add_component(
            _event(
                "sleep-diary",
                "kratomlog: sleep diary (within an hour of getting up)",
                datetime.combine(today + timedelta(days=1), MORNING),
                {"freq": "daily", "until": datetime.combine(ends, MORNING)},
                now,
            )
        )
    return calendar.to_ical()
