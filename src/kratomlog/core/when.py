"""When something happened, as people type it: ISO 8601, "21:30" or "yesterday 21:30"."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from kratomlog.core.bounds import check_moment
from kratomlog.core.errors import InputError

ACCEPTED_TIMES = "ISO 8601 (2026-11-23T21:30 or with an offset), HH:MM today, or 'yesterday HH:MM'"

_CLOCK = re.compile(r"^(?:(yesterday|today)\s+)?([0-2]?\d):([0-5]\d)$")


def parse_when(text: str | None, now: datetime, tz: ZoneInfo, field: str = "--at") -> datetime:
    """The moment `text` names, in UTC; naive times are local to `tz`. Never in the future,
    never before 1970, and never a local time that a daylight-saving change skips or repeats."""
    if text is None or text.strip().lower() == "now":
        return now.astimezone(UTC)
    cleaned = text.strip().lower()
    moment = _clock_time(cleaned, now, tz, field) or _iso_time(text.strip(), tz, field)
    if moment is None:
        raise InputError(field, f"{text!r} is not a time; use {ACCEPTED_TIMES}")
    if moment > now:
        shown = _shown(moment, tz)
        raise InputError(
            field,
            f"{shown} is in the future; a journal records what happened (use {ACCEPTED_TIMES})",
        )
    try:  # OverflowError: past the calendar's start once in UTC, long before 1970 anyway
        return check_moment(moment, now, field).astimezone(UTC)
    except (InputError, OverflowError):
        raise InputError(
            field, f"{text.strip()!r} is out of range; a time between 1970 and today"
        ) from None


def _shown(moment: datetime, tz: ZoneInfo) -> str:
    try:
        return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")
    except OverflowError:
        return moment.isoformat()


def local_moment(naive: datetime, tz: ZoneInfo, field: str) -> datetime:
    """A wall-clock time in `tz` as one real moment. A time the clocks skip (spring) or pass
    twice (autumn) has two readings; rather than pick one silently, ask for the offset."""
    early, late = naive.replace(tzinfo=tz, fold=0), naive.replace(tzinfo=tz, fold=1)
    if early.utcoffset() == late.utcoffset():
        return early
    shown = naive.strftime("%Y-%m-%d %H:%M")
    first, second = (
        early.isoformat(timespec="minutes"),
        late.isoformat(timespec="minutes"),
    )
    if early.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
        real = [
            reading.astimezone(UTC).astimezone(tz).strftime("%H:%M %Z") for reading in (early, late)
        ]
        raise InputError(
            field,
            f"{shown} does not exist in {tz.key}: the clocks skip it; give the offset, "
            f"{first} (that is {real[0]}) or {second} (that is {real[1]})",
        )
    raise InputError(
        field,
        f"{shown} happens twice in {tz.key}: the clocks go back; give the offset, "
        f"{first} (the first, {early.tzname()}) or {second} (the second, {late.tzname()})",
    )


def _clock_time(text: str, now: datetime, tz: ZoneInfo, field: str) -> datetime | None:
    match = _CLOCK.match(text)
    if not match:
        return None
    hour, minute = int(match.group(2)), int(match.group(3))
    if hour > 23:
        return None
    day = now.astimezone(tz).date()
    if match.group(1) == "yesterday":
        day -= timedelta(days=1)
    return local_moment(datetime(day.year, day.month, day.day, hour, minute), tz, field)


def _iso_time(text: str, tz: ZoneInfo, field: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = local_moment(moment, tz, field)
    return moment
