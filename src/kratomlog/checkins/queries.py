"""The check-ins and sleep diaries the reading side works with: what status, Today and the
check-in pages read, without the recording side (a command that only reads loads less)."""

from datetime import date, datetime

from kratomlog.core.bounds import EARLIEST, EARLIEST_DAY, READABLE_UNTIL
from kratomlog.journal.models import Person


def live_checkins(person: Person, until: datetime | None = None):  # type: ignore[no-untyped-def]
    """Check-ins not deleted, whose time the reading side can work with (see live_entries)."""
    found = person.checkins.filter(
        deleted=False, taken_at__gte=EARLIEST, taken_at__lt=READABLE_UNTIL
    )
    return found.filter(taken_at__lte=until) if until else found


def live_nights(person: Person, until_night: date | None = None):  # type: ignore[no-untyped-def]
    found = person.sleep_diaries.filter(
        deleted=False,
        into_bed__gte=EARLIEST,
        out_of_bed__lt=READABLE_UNTIL,
        night__gte=EARLIEST_DAY,
        night__lt=READABLE_UNTIL.date(),
    )
    return found.filter(night__lte=until_night) if until_night else found
