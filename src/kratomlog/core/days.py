"""Local calendar days, counted in a person's IANA time zone across daylight-saving changes."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kratomlog.core.errors import InputError

ZONE_MOST = 64  # the longest IANA name is 32 characters; the journal's column holds 64


def zone(name: str) -> ZoneInfo:
    try:
        if len(name) > ZONE_MOST or "\0" in name:
            raise ValueError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a path
        shown = name if len(name) <= ZONE_MOST else name[:ZONE_MOST] + "..."
        raise InputError(
            "timezone",
            f"{shown!r} is not an IANA time zone; use a name such as "
            f"Europe/Berlin or America/New_York",
        ) from None


@cache
def stored_zone(name: str) -> ZoneInfo:
    """The zone a stored row names; UTC for a name this computer cannot read (a row written
    before zones were checked), so that reading the journal never fails on one row."""
    try:
        return zone(name)
    except InputError:
        return ZoneInfo("UTC")


def stored_local(moment: datetime, zone_name: str) -> datetime:
    """A stored time in the zone its row names; in UTC when that would pass the calendar's end
    (a time kept from before times were checked)."""
    try:
        return moment.astimezone(stored_zone(zone_name))
    except OverflowError:
        return moment.astimezone(UTC)


def local_day(moment: datetime, tz: ZoneInfo) -> date:
    return moment.astimezone(tz).date()


def start_of_day(day: date, tz: ZoneInfo) -> datetime:
    """The first moment of `day` in `tz`, in UTC (it is 01:00 where 00:00 is skipped)."""
    naive = datetime.combine(day, time(0))
    # Round-trip through UTC: a midnight that does not exist resolves to the moment after the gap.
    return naive.replace(tzinfo=tz).astimezone(UTC).astimezone(tz).astimezone(UTC)


def days_between(first: date, last: date) -> Iterator[date]:
    """Every day from `first` to `last`, both included."""
    for offset in range((last - first).days + 1):
        yield first + timedelta(days=offset)


def parse_day(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(field, f"{text!r} is not a day; use YYYY-MM-DD") from None
