"""The check-in schedule as a calendar: the person's schedule when one is set (kratomlog
schedule); otherwise the suggested cadence: daily check-ins at 6 pm, PHQ-9 and GAD-7 every 14
days, and the sleep diary each morning while a taper or a break is in force."""

from collections.abc import Callable
from datetime import datetime, time, timedelta

from icalendar import Calendar, Event

from kratomlog.checkins.schedules import current
from kratomlog.checkins.services import live_checkins
from kratomlog.core import schedule
from kratomlog.core.days import local_day, zone
from kratomlog.core.schedule import local_moment
from kratomlog.journal.models import Person
from kratomlog.plans.services import plan_history

EVENING, MORNING = time(18), time(7, 30)


def _event(
    uid: str, summary: str, start: datetime, rule: dict[str, object] | None, now: datetime
) -> Event:
    event = Event()
    event.add("uid", f"{uid}@kratomlog.local")
    event.add("dtstamp", now)
    event.add("dtstart", start)  # floating local time: 6 pm wherever the person is
    event.add("duration", timedelta(minutes=10))
    event.add("summary", summary)
    if rule is not None:
        event.add("rrule", rule)
    return event


NAMES = {
    "phq9": "PHQ-9", "gad7": "GAD-7", "withdrawal": "withdrawal check-in", "craving": "craving",
    "sleep": "sleep diary", "doses": "the day's doses", "bam": "weekly check-in",
}  # fmt: skip
AHEAD = timedelta(days=180)  # a step-down's dates, listed one by one this far ahead


def _rule(item: schedule.Item) -> dict[str, object] | None:
    """The item's RRULE, or None when it steps down (its dates are listed instead)."""
    if item.step_down:
        return None
    stage = item.first
    rule: dict[str, object]
    if stage.every == "day":
        rule = {"freq": "daily"}
    elif stage.every == "week":
        rule = {
            "freq": "weekly",
            "byday": ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][stage.weekday or 0],
        }
    elif stage.every == "month":
        rule = {"freq": "monthly", "bymonthday": stage.day_of_month}
    else:
        rule = {"freq": "daily", "interval": stage.every}
    if item.end is not None:
        rule["until"] = datetime.combine(item.end, item.at)
    return rule


def schedule_items_ics(
    items: list[schedule.Item], tz_name: str, now: datetime, summary: Callable[[str], str]
) -> Calendar:
    """Events of a set schedule, at the person's local times (floating: the same clock time
    wherever they are). `summary` names each event: the clinic's calendar names none."""
    tz = zone(tz_name)
    calendar = Calendar()
    calendar.add("prodid", "-//kratomlog//check-ins//EN")
    calendar.add("version", "2.0")
    for item in items:
        rule = _rule(item)
        if rule is not None:
            first = schedule.next_occurrences(item, local_moment(item.start, time(0), tz), tz, 1)
            if first:
                start = datetime.combine(first[0].due_at.astimezone(tz).date(), item.at)
                calendar.add_component(
                    _event(
                        f"{item.instrument}-schedule", summary(item.instrument), start, rule, now
                    )
                )
            continue
        for occurrence in schedule.occurrences(item, now - timedelta(days=7), now + AHEAD, tz):
            local = occurrence.due_at.astimezone(tz).replace(tzinfo=None)
            calendar.add_component(
                _event(
                    f"{item.instrument}-{local:%Y%m%d}", summary(item.instrument), local, None, now
                )
            )
    return calendar


def schedule_ics(person: Person, now: datetime) -> bytes:
    today = local_day(now, zone(person.timezone))
    items = current(person)
    if items:
        chosen = schedule_items_ics(
            items, person.timezone, now, lambda key: f"kratomlog: {NAMES.get(key, key)}"
        )
        chosen.add("x-wr-calname", "kratomlog check-ins")
        return chosen.to_ical()
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
