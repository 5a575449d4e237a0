"""The journal's person and their settings: the time zone days are counted in, and the unit of
an amount given as a bare number."""

from datetime import datetime

from django.conf import settings
from django.db import transaction

from kratomlog.core.days import zone
from kratomlog.core.errors import InputError
from kratomlog.journal.models import Person


def system_timezone() -> str:
    name = settings.SYSTEM_TIMEZONE
    try:
        zone(name)
    except InputError:  # a zone name this Python's tz database lacks
        return "UTC"
    return name


def local_person() -> Person:
    """The one person of a local journal, created with the system's time zone on first use.

    Several processes may start on a new journal at once: the person is made under the
    first-use lock, so that all of them find the same one."""
    person = Person.objects.order_by("id").first()
    if person is not None:
        return person
    from kratomlog.storage import first_use_lock

    with first_use_lock():
        return Person.objects.order_by("id").first() or Person.objects.create(
            timezone=system_timezone()
        )


def set_timezone(person: Person, name: str) -> None:
    save_settings(person, timezone=name)


DOSE_UNITS = ("g", "mg", "capsule", "teaspoon")


def set_dose_unit(person: Person, unit: str) -> None:
    save_settings(person, dose_unit=unit)


def save_settings(
    person: Person, *, timezone: str | None = None, dose_unit: str | None = None
) -> None:
    """Check every setting given, then save them all, or none when one is bad."""
    if timezone is not None:
        zone(timezone)
    if dose_unit is not None and dose_unit not in DOSE_UNITS:
        raise InputError("unit", f"{dose_unit!r}: use one of {', '.join(DOSE_UNITS)}")
    changed = {"timezone": timezone, "dose_unit": dose_unit}
    fields = [name for name, value in changed.items() if value is not None]
    for name in fields:
        setattr(person, name, changed[name])
    with transaction.atomic():
        person.save(update_fields=fields)


def set_journal_started(person: Person, text: str, now: datetime) -> None:
    """The first day the record is complete from (YYYY-MM-DD), or "" for the first entry's day.

    Signals that compare two fortnights never reach before it: days before a journal began are
    unrecorded, not days without use."""
    from kratomlog.core.bounds import check_day
    from kratomlog.core.days import local_day, parse_day

    text = text.strip()
    if text.lower() in ("", "none", "first-entry"):
        person.journal_started = None
    else:
        today = local_day(now, zone(person.timezone))
        day = parse_day(text, "journal-started")
        person.journal_started = check_day(day, "journal-started", today)
    with transaction.atomic():
        person.save(update_fields=["journal_started"])
