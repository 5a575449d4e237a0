"""A person's check-in schedule: its versions, what each instrument's records were, the ledger.

The newest version is in force; none (or an empty one) means the suggested cadence of
core.due stays. Each version is kept, with who set it, as plan versions are.
"""

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction

from kratomlog.checkins.models import ScheduleVersion
from kratomlog.checkins.queries import live_checkins, live_nights
from kratomlog.core import schedule
from kratomlog.core.days import local_day, zone
from kratomlog.core.errors import InputError
from kratomlog.journal.models import Person
from kratomlog.journal.queries import live_entries

LEDGER_DAYS = 7  # how far back `kratomlog due` shows the ledger
ADHERENCE_DAYS = 28  # the pages' "last 4 weeks"


def newest(person: Person) -> ScheduleVersion | None:
    return person.schedule_versions.order_by("-set_at", "-id").first()


def items_of(version: ScheduleVersion | None) -> list[schedule.Item]:
    """The version's items; one stored that no longer reads (an instrument since renamed) is
    left out rather than fail every page."""
    if version is None:
        return []
    found = []
    for raw in version.items:
        try:
            found.append(schedule.item_from_dict(raw, version.set_at.date()))
        except (InputError, KeyError, TypeError):
            continue
    return found


def current(person: Person) -> list[schedule.Item]:
    return items_of(newest(person))


def read_items(person: Person, raw: object, now: datetime) -> list[schedule.Item]:
    """Items from their dict form (the API body); a start defaults to today, the person's."""
    return schedule.items_from_list(raw, local_day(now, zone(person.timezone)))


@transaction.atomic
def save(
    person: Person,
    items: list[schedule.Item],
    now: datetime,
    set_by: str = "",
    set_by_user_id: int | None = None,
) -> ScheduleVersion:
    return ScheduleVersion.objects.create(
        person=person,
        items=[item.as_dict() for item in items],
        set_at=now,
        set_by=set_by,
        set_by_user_id=set_by_user_id,
    )


def set_item(person: Person, raw: dict[str, Any], now: datetime) -> schedule.Item:
    """Add the item, or replace the one of its instrument; the others stay as they are."""
    item = schedule.item_from_dict(raw, local_day(now, zone(person.timezone)))
    kept = [one for one in current(person) if one.instrument != item.instrument]
    save(person, [*kept, item], now)
    return item


def clear_item(person: Person, instrument: str, now: datetime) -> None:
    items = current(person)
    if instrument not in {item.instrument for item in items}:
        scheduled = ", ".join(item.instrument for item in items) or "none"
        raise InputError("ITEM", f"{instrument!r} is not in the schedule (scheduled: {scheduled})")
    save(person, [item for item in items if item.instrument != instrument], now)


def recorded(
    person: Person, instruments: set[str], start: datetime, stop: datetime
) -> dict[str, list[tuple[datetime, str]]]:
    """The moment and uid of each record of each instrument in [start, stop): check-ins when
    taken, a sleep diary when the person got up, the day's doses when each was taken."""
    found: dict[str, list[tuple[datetime, str]]] = defaultdict(list)
    questionnaires = instruments - {"sleep", "doses"}
    if questionnaires:
        rows = live_checkins(person).filter(
            instrument__in=questionnaires, taken_at__gte=start, taken_at__lt=stop
        )
        for key, moment, uid in rows.values_list("instrument", "taken_at", "uid"):
            found[key].append((moment, str(uid)))
    if "sleep" in instruments:
        nights = live_nights(person).filter(out_of_bed__gte=start, out_of_bed__lt=stop)
        for moment, uid in nights.values_list("out_of_bed", "uid"):
            found["sleep"].append((moment, str(uid)))
    if "doses" in instruments:
        doses = live_entries(person).filter(taken_at__gte=start, taken_at__lt=stop)
        for moment, uid in doses.values_list("taken_at", "uid"):
            found["doses"].append((moment, str(uid)))
    return found


def ledger(
    person: Person, items: list[schedule.Item], start: datetime, now: datetime
) -> list[schedule.Entry]:
    """The ledger from `start` to the end of today, computed from the records (the local
    journal keeps no rows of it; a clinic does, see clinic.occurrences)."""
    tz = zone(person.timezone)
    stop = now + timedelta(days=1)
    due = sorted(
        (o for item in items for o in schedule.occurrences(item, start, stop, tz)),
        key=lambda o: (o.due_at, o.instrument),
    )
    moments = recorded(person, {item.instrument for item in items}, start, stop + timedelta(days=2))
    return schedule.ledger(
        due, {key: [moment for moment, _ in rows] for key, rows in moments.items()}, now
    )


def ledger_now(person: Person, now: datetime) -> list[schedule.Entry]:
    items = current(person)
    if not items:
        return []
    return ledger(person, items, now - timedelta(days=LEDGER_DAYS), now)


def adherence_by_instrument(
    entries: list[schedule.Entry],
) -> dict[str, tuple[int, int]]:
    by_instrument: dict[str, list[str]] = defaultdict(list)
    for entry in entries:
        by_instrument[entry.occurrence.instrument].append(entry.state)
    return {key: schedule.adherence(states) for key, states in sorted(by_instrument.items())}
