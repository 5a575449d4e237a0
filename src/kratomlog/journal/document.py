"""Reading a kratomlog JSON export field by field, before anything is written.

A file may come from anywhere: each value is checked for its type and its range, and a problem
names where it is (`entries[3].taken_at`) and what is accepted. What passes is plain Python
(datetimes, days, canonical uids) that the restore writes as it is.
"""

import math
import uuid
from datetime import date, datetime, timedelta
from typing import Any

from kratomlog.core.bounds import MAX_AMOUNT, check_day, check_moment, check_whole
from kratomlog.core.days import zone
from kratomlog.core.errors import InputError
from kratomlog.core.text import NUL_PROBLEM


def record(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InputError(where, "is not a JSON object")
    return value


def records(document: dict[str, Any], key: str, required: bool = True) -> list[dict[str, Any]]:
    """The objects of a list in the document (a missing optional list is empty)."""
    if key not in document and not required:
        return []
    value = document.get(key)
    if not isinstance(value, list):
        raise InputError(key, "missing or not a list")
    return [record(item, f"{key}[{index}]") for index, item in enumerate(value)]


def _get(data: dict[str, Any], key: str, where: str) -> Any:
    if key not in data:
        raise InputError(f"{where}.{key}", "missing")
    return data[key]


def text(
    data: dict[str, Any], key: str, where: str, most: int | None = None, null: bool = False
) -> Any:
    value = _get(data, key, where)
    if value is None and null:
        return None
    if not isinstance(value, str):
        raise InputError(f"{where}.{key}", f"{value!r} is not text")
    if most is not None and len(value) > most:
        raise InputError(f"{where}.{key}", f"too long; at most {most} characters")
    if "\x00" in value:  # no text holds one, and PostgreSQL cannot store one
        raise InputError(f"{where}.{key}", NUL_PROBLEM)
    return value


def choice(data: dict[str, Any], key: str, where: str, allowed: tuple[str, ...]) -> str:
    value = _get(data, key, where)
    if value not in allowed:
        raise InputError(f"{where}.{key}", f"{value!r}; use one of {', '.join(allowed)}")
    return str(value)


def flag(data: dict[str, Any], key: str, where: str) -> bool:
    value = _get(data, key, where)
    if not isinstance(value, bool):
        raise InputError(f"{where}.{key}", f"{value!r} is not true or false")
    return value


def uid(data: dict[str, Any], key: str, where: str, null: bool = False) -> Any:
    value = _get(data, key, where)
    if value is None and null:
        return None
    try:
        if not isinstance(value, str):
            raise ValueError(value)
        return str(uuid.UUID(value))
    except ValueError:
        raise InputError(
            f"{where}.{key}", f"{value!r} is not a uid (such as {uuid.UUID(int=0)})"
        ) from None


def moment(data: dict[str, Any], key: str, where: str, now: datetime) -> datetime:
    value = _get(data, key, where)
    field = f"{where}.{key}"
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise InputError(field, f"{value!r} is not a time with its offset (ISO 8601)")
    try:
        return check_moment(parsed, now, field)
    except OverflowError:  # past the calendar's start once in UTC
        raise InputError(field, f"{value!r} is out of range; a time from 1970 to today") from None


def day(data: dict[str, Any], key: str, where: str, latest: date) -> date:
    value = _get(data, key, where)
    try:
        parsed = date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise InputError(f"{where}.{key}", f"{value!r} is not a day (YYYY-MM-DD)")
    return check_day(parsed, f"{where}.{key}", latest)


def latest_day(now: datetime) -> date:
    """The latest day a record may fall on: a day ahead of now in any zone."""
    return (now + timedelta(days=2)).date()


def amount(
    data: dict[str, Any], key: str, where: str, most: float = MAX_AMOUNT, null: bool = True
) -> float | None:
    value = _get(data, key, where)
    if value is None and null:
        return None
    field = f"{where}.{key}"
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(field, f"{value!r} is not a number")
    if not (math.isfinite(value) and 0 < value <= most):
        raise InputError(field, f"{value!r} is out of range; a number above 0 and at most {most:g}")
    return float(value)


def whole(
    data: dict[str, Any], key: str, where: str, least: int, most: int, null: bool = False
) -> int | None:
    value = _get(data, key, where)
    if value is None and null:
        return None
    return check_whole(value, f"{where}.{key}", least, most)


def zone_name(data: dict[str, Any], key: str, where: str) -> str:
    name = text(data, key, where)
    try:
        zone(name)
    except InputError as error:
        raise InputError(f"{where}.{key}", error.problem) from None
    return str(name)


def json_object(data: dict[str, Any], key: str, where: str) -> dict[str, Any] | None:
    value = _get(data, key, where)
    if value is not None and not isinstance(value, dict):
        raise InputError(f"{where}.{key}", "is neither a JSON object nor null")
    return value


def unique(items: list[dict[str, Any]], key: str) -> None:
    """Each uid once in its list: a second row with the same uid is a damaged file."""
    seen: set[str] = set()
    for index, item in enumerate(items):
        if item["uid"] in seen:
            raise InputError(f"{key}[{index}].uid", f"{item['uid']} appears twice in the file")
        seen.add(item["uid"])
