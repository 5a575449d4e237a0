"""When something happened, as people type it: ISO 8601, "21:30" or "yesterday 21:30"."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from kratomlog.core.errors import InputError

ACCEPTED_TIMES = "ISO 8601 (2026-11-23T21:30 or with an offset), HH:MM today, or 'yesterday HH:MM'"

_CLOCK = re.compile(r"^(?:(yesterday|today)\s+)?([0-2]?\d):([0-5]\d)$")


def parse_when(text: str | None, now: datetime, tz: ZoneInfo, field: str = "--at") -> datetime:
    """The moment `text` names, in UTC; naive times are local to `tz`. Never in the future."""
    if text is None or text.strip().lower() == "now":
        return now.astimezone(UTC)
    cleaned = text.strip().lower()
    moment = _clock_time(cleaned, now, tz) or _iso_time(text.strip(), tz)
    if moment is None:
        raise InputError(field, f"{text!r} is not a time; use {ACCEPTED_TIMES}")
    if moment > now:
        shown = moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")
        raise InputError(
            field,
            f"{shown} is in the future; a journal records what happened (use {ACCEPTED_TIMES})",
        )
    return moment.astimezone(UTC)


def _clock_time(text: str, now: datetime, tz: ZoneInfo) -> datetime | None:
    match = _CLOCK.match(text)
    if not match:
        return None
    hour, minute = int(match.group(2)), int(match.group(3))
    if hour > 23:
        return None
    day = now.astimezone(tz).date()
    if match.group(1) == "yesterday":
        day -= timedelta(days=1)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)


def _iso_time(text: str, tz: ZoneInfo) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment
