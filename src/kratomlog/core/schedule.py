"""Check-ins on a schedule: items, their occurrences in the person's local time, and the ledger.

An item is an instrument and a cadence (every day at a time, every week on a weekday, every N
days, every month on a day), a start day and an optional last day, and an optional step-down:
later stages that each follow once the stage before has happened `times` times (weekly 4 times,
then every 14 days twice, then monthly: the usual step-down of outpatient programmes).

Times are local wall-clock times in the person's zone. On the spring change a time that does
not exist that day (02:30 in Berlin) is the same instant as the clock's 03:30; on the autumn
change a time that happens twice is its first (zoneinfo's fold 0).
"""

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from kratomlog.core.errors import InputError

INSTRUMENTS = ("phq9", "gad7", "withdrawal", "craving", "sleep", "doses", "bam")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
EVERY_WORDS = ("day", "week", "month")
MOST_DAYS_APART = 366
MOST_DAYS_OF_MONTH = 28  # every month has it (kratomlog's own choice: no skipped February)
MOST_ITEMS = 20
MOST_STAGES = 5
MOST_TIMES = 520
LONGEST_WINDOW = timedelta(hours=48)  # the "at most 48 hours"
STATES = ("upcoming", "due", "done", "missed")

Every = str | int  # "day", "week", "month" or a number of days


@dataclass(frozen=True)
class Stage:
    every: Every
    weekday: int | None = None  # 0 Monday .. 6 Sunday, for "week"
    day_of_month: int | None = None  # 1..28, for "month"
    times: int | None = None  # how many occurrences before the next stage; None: for good

    def as_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {"every": self.every}
        if self.weekday is not None:
            found["weekday"] = WEEKDAYS[self.weekday]
        if self.day_of_month is not None:
            found["day_of_month"] = self.day_of_month
        if self.times is not None:
            found["times"] = self.times
        return found


@dataclass(frozen=True)
class Item:
    instrument: str
    first: Stage  # the cadence the item starts on
    at: time
    start: date
    end: date | None = None  # the last day an occurrence may fall on, inclusive
    step_down: tuple[Stage, ...] = field(default_factory=tuple)

    @property
    def stages(self) -> tuple[Stage, ...]:
        return (self.first, *self.step_down)

    def as_dict(self) -> dict[str, Any]:
        found = {"instrument": self.instrument, **self.first.as_dict()}
        found.pop("times", None)
        found["at"] = f"{self.at:%H:%M}"
        found["start"] = self.start.isoformat()
        if self.end is not None:
            found["end"] = self.end.isoformat()
        if self.step_down:
            found["step_down"] = []
            for before, stage in zip(self.stages, self.step_down, strict=False):
                entry = {"after": before.times, **stage.as_dict()}
                entry.pop("times", None)
                found["step_down"].append(entry)
        return found

    def describe(self, with_start: bool = True) -> str:
        """In words, as the CLI and the pages show it: "every week on Monday at 09:00". Without
        the start for a team's default (each patient starts it on their first day)."""
        parts = [_describe_stage(self.first, self.at)]
        for stage, next_ in zip(self.stages, self.step_down, strict=False):
            parts.append(f"after {stage.times}, {_describe_stage(next_, self.at)}")
        words = ", then ".join(parts)
        ends = f", until {self.end.isoformat()}" if self.end else ""
        if not with_start:
            return f"{words}{ends}"
        return f"{words}, from {self.start.isoformat()}{ends}"


def _describe_stage(stage: Stage, at: time) -> str:
    return f"{describe_stage(stage)} at {at:%H:%M}"


def describe_stage(stage: Stage) -> str:
    """A cadence in words without its time: "every week on Monday", "every 14 days"."""
    if stage.every == "day":
        return "every day"
    if stage.every == "week":
        day = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
        on = f" on {day[stage.weekday]}" if stage.weekday is not None else ""
        return f"every week{on}"
    if stage.every == "month":
        on = f" on day {stage.day_of_month}" if stage.day_of_month is not None else ""
        return f"every month{on}"
    return f"every {stage.every} days"


@dataclass(frozen=True)
class Occurrence:
    instrument: str
    due_at: datetime  # UTC
    window_end: datetime  # UTC, exclusive: the next one's due moment, at most 48 h on

    def state(self, now: datetime, done: bool) -> str:
        if done:
            return "done"
        if now < self.due_at:
            return "upcoming"
        return "due" if now < self.window_end else "missed"


# Reading items from their dict form (the API body, the CLI, what is stored) -----------------


def _every(value: object, field_name: str) -> Every:
    if isinstance(value, bool):
        value = None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int):
        if 1 <= value <= MOST_DAYS_APART:
            return value
    elif isinstance(value, str) and value in EVERY_WORDS:
        return value
    raise InputError(
        field_name,
        f"{value!r} is not a cadence; use day, week, month or a number of days "
        f"from 1 to {MOST_DAYS_APART}",
    )


def _weekday(value: object, field_name: str) -> int:
    if isinstance(value, str) and value.strip().lower()[:3] in WEEKDAYS:
        return WEEKDAYS.index(value.strip().lower()[:3])
    raise InputError(field_name, f"{value!r} is not a weekday; use one of {', '.join(WEEKDAYS)}")


def _day_of_month(value: object, field_name: str) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MOST_DAYS_OF_MONTH:
        return value
    raise InputError(
        field_name,
        f"{value!r} is not a day of the month; use a whole number from 1 to "
        f"{MOST_DAYS_OF_MONTH} (every month has those)",
    )


def parse_clock(value: object, field_name: str) -> time:
    if isinstance(value, str):
        hours, sep, minutes = value.strip().partition(":")
        digits = sep and hours.isdigit() and minutes.isdigit() and len(minutes) == 2
        if digits and int(hours) < 24 and int(minutes) < 60:
            return time(int(hours), int(minutes))
    raise InputError(field_name, f"{value!r} is not a time of day; use HH:MM, such as 09:00")


def _day(value: object, field_name: str) -> date:
    if isinstance(value, str):
        try:
            found = date.fromisoformat(value.strip())
            if found.year >= 1970:
                return found
        except ValueError:
            pass
    raise InputError(field_name, f"{value!r} is not a day; use YYYY-MM-DD, such as 2026-03-02")


def _times(value: object, field_name: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MOST_TIMES:
        return value
    raise InputError(
        field_name, f"{value!r} is not a count; use a whole number from 1 to {MOST_TIMES}"
    )


def _stage(raw: Mapping[str, Any], prefix: str, times: int | None) -> Stage:
    every = _every(raw.get("every"), f"{prefix}every")
    weekday = raw.get("weekday")
    day_of_month = raw.get("day_of_month")
    if every == "week":
        if weekday is None:
            raise InputError(f"{prefix}weekday", "every week needs a weekday: mon, tue, ... sun")
        if day_of_month is not None:
            raise InputError(f"{prefix}day_of_month", "only for every month; leave it out")
        return Stage(every, weekday=_weekday(weekday, f"{prefix}weekday"), times=times)
    if every == "month":
        if day_of_month is None:
            raise InputError(
                f"{prefix}day_of_month",
                f"every month needs a day_of_month, 1 to {MOST_DAYS_OF_MONTH}",
            )
        if weekday is not None:
            raise InputError(f"{prefix}weekday", "only for every week; leave it out")
        return Stage(
            every, day_of_month=_day_of_month(day_of_month, f"{prefix}day_of_month"), times=times
        )
    for name, value in (("weekday", weekday), ("day_of_month", day_of_month)):
        if value is not None:
            raise InputError(f"{prefix}{name}", "only for every week or every month; leave it out")
    return Stage(every, times=times)


ITEM_FIELDS = {"instrument", "every", "weekday", "day_of_month", "at", "start", "end", "step_down"}
STAGE_FIELDS = {"after", "every", "weekday", "day_of_month", "times"}


def item_from_dict(raw: object, today: date, prefix: str = "") -> Item:
    """One item from its dict form; `today` is the start when none is given. Errors name the
    field as `items[0].weekday` when `prefix` is `items[0].`."""
    if not isinstance(raw, Mapping):
        raise InputError(
            prefix.rstrip(".") or "item", "each item is an object with instrument, every, at"
        )
    unknown = sorted(set(raw) - ITEM_FIELDS)
    if unknown:
        raise InputError(
            f"{prefix}{unknown[0]}", f"not a schedule field; use {', '.join(sorted(ITEM_FIELDS))}"
        )
    instrument = raw.get("instrument")
    if instrument not in INSTRUMENTS:
        raise InputError(
            f"{prefix}instrument",
            f"{instrument!r} is not an instrument; use one of {', '.join(INSTRUMENTS)}",
        )
    at = parse_clock(raw.get("at"), f"{prefix}at")
    start = _day(raw["start"], f"{prefix}start") if raw.get("start") is not None else today
    end = _day(raw["end"], f"{prefix}end") if raw.get("end") is not None else None
    if end is not None and end < start:
        raise InputError(f"{prefix}end", f"{end} is before the start, {start}")
    steps_raw = raw.get("step_down") or []
    if not isinstance(steps_raw, list) or len(steps_raw) > MOST_STAGES:
        raise InputError(
            f"{prefix}step_down",
            f'a list of up to {MOST_STAGES} stages, each {{"after": N, "every": ...}}',
        )
    afters: list[int] = []
    for index, step in enumerate(steps_raw):
        where = f"{prefix}step_down[{index}]."
        if not isinstance(step, Mapping):
            raise InputError(where.rstrip("."), 'each stage is {"after": N, "every": ...}')
        unknown = sorted(set(step) - STAGE_FIELDS)
        if unknown:
            raise InputError(f"{where}{unknown[0]}", f"use {', '.join(sorted(STAGE_FIELDS))}")
        afters.append(_times(step.get("after"), f"{where}after"))
    first = _stage(raw, prefix, afters[0] if afters else None)
    later = []
    for index, step in enumerate(steps_raw):
        times = afters[index + 1] if index + 1 < len(afters) else None
        later.append(_stage(step, f"{prefix}step_down[{index}].", times))
    return Item(instrument, first, at, start, end, tuple(later))


def items_from_list(raw: object, today: date) -> list[Item]:
    """A whole schedule; one item per instrument (the ledger has one row per due moment)."""
    if not isinstance(raw, Sequence) or isinstance(raw, (str, bytes)):
        raise InputError("items", "a list of items, each with instrument, every, at")
    if len(raw) > MOST_ITEMS:
        raise InputError("items", f"at most {MOST_ITEMS} items")
    items = [item_from_dict(one, today, f"items[{index}].") for index, one in enumerate(raw)]
    seen: set[str] = set()
    for index, item in enumerate(items):
        if item.instrument in seen:
            raise InputError(
                f"items[{index}].instrument",
                f"{item.instrument} is already in the schedule; one item each",
            )
        seen.add(item.instrument)
    return items


# Occurrences -------------------------------------------------------------------------------


def _month_day(year: int, month: int, day: int) -> date:
    return date(year + (month - 1) // 12, (month - 1) % 12 + 1, day)


def _first_on_or_after(day: date, stage: Stage) -> date:
    if stage.every == "week" and stage.weekday is not None:
        return day + timedelta(days=(stage.weekday - day.weekday()) % 7)
    if stage.every == "month" and stage.day_of_month is not None:
        if day.day <= stage.day_of_month:
            return day.replace(day=stage.day_of_month)
        return _month_day(day.year, day.month + 1, stage.day_of_month)
    return day


def _after(day: date, stage: Stage) -> date:
    """The stage's next day strictly after `day`."""
    if isinstance(stage.every, int):
        return day + timedelta(days=stage.every)
    if stage.every == "month" and stage.day_of_month is not None:
        return _month_day(day.year, day.month + 1, stage.day_of_month)
    return _first_on_or_after(day + timedelta(days=1), stage)


def _period_days(stage: Stage) -> int | None:
    if isinstance(stage.every, int):
        return stage.every
    return {"day": 1, "week": 7}.get(stage.every)


def local_days(item: Item, not_before: date | None = None) -> Iterator[date]:
    """The item's days in order, from its start to its end (or for good). `not_before` lets a
    fixed-period last stage skip ahead instead of walking years of days."""
    stages = item.stages
    index, count = 0, 0
    day = _first_on_or_after(item.start, stages[0])
    while item.end is None or day <= item.end:
        stage = stages[index]
        period = _period_days(stage)
        if stage.times is None and period and not_before is not None and day < not_before:
            skip = (not_before - day).days // period - 1
            if skip > 0:
                day += timedelta(days=skip * period)
        yield day
        count += 1
        if stage.times is not None and count >= stage.times and index + 1 < len(stages):
            index, count = index + 1, 0
            day = _after(day, stages[index])
        else:
            day = _after(day, stage)


def local_moment(day: date, at: time, tz: ZoneInfo) -> datetime:
    """`at` on `day` in `tz`, in UTC (see the module's note on the two changes a year)."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def occurrences(item: Item, start: datetime, stop: datetime, tz: ZoneInfo) -> list[Occurrence]:
    """The item's occurrences due in [start, stop), each open until the next is due (at most 48
    hours). `start` and `stop` are aware moments."""
    found: list[Occurrence] = []
    from_day = start.astimezone(tz).date() - timedelta(days=2)
    previous: datetime | None = None
    for day in local_days(item, not_before=from_day):
        moment = local_moment(day, item.at, tz)
        if previous is not None and previous >= start:
            found.append(_occurrence(item, previous, moment))
        if moment >= stop:
            previous = None
            break
        previous = moment
    if previous is not None and start <= previous < stop:
        found.append(_occurrence(item, previous, None))
    return found


def _occurrence(item: Item, due_at: datetime, next_due: datetime | None) -> Occurrence:
    ends = due_at + LONGEST_WINDOW
    return Occurrence(item.instrument, due_at, min(ends, next_due) if next_due else ends)


def next_occurrences(item: Item, now: datetime, tz: ZoneInfo, count: int) -> list[Occurrence]:
    """The next `count` occurrences from the later of `now` and the item's start."""
    begin = max(now, local_moment(item.start, time(0), tz))
    found: list[Occurrence] = []
    span = timedelta(days=max(count, 1) * 31)
    while len(found) < count:
        batch = occurrences(item, begin, begin + span, tz)
        if not batch:
            break
        found.extend(batch)
        begin = batch[-1].due_at + timedelta(seconds=1)
    return found[:count]


# The ledger: which occurrence a record completes -------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One occurrence in the ledger: its state now and the moment of the record that did it."""

    occurrence: Occurrence
    state: str
    done_at: datetime | None


def ledger(
    due: Sequence[Occurrence], recorded: Mapping[str, Sequence[datetime]], now: datetime
) -> list[Entry]:
    """Each occurrence with its state: done by the first record of its instrument inside its
    window (`recorded`: the moments of each instrument's records)."""
    entries = []
    for occurrence in due:
        inside = [
            moment
            for moment in recorded.get(occurrence.instrument, ())
            if occurrence.due_at <= moment < occurrence.window_end and moment <= now
        ]
        done_at = min(inside) if inside else None
        entries.append(Entry(occurrence, occurrence.state(now, done_at is not None), done_at))
    return entries


def adherence(states: Sequence[str]) -> tuple[int, int]:
    """(done, of): occurrences done out of those whose window has closed or that are done;
    one still open and not done counts neither way."""
    done = sum(state == "done" for state in states)
    return done, done + sum(state == "missed" for state in states)


def missed_in_a_row(states_newest_first: Sequence[str]) -> int:
    """How many closed occurrences in a row, newest first, were missed (open ones skipped)."""
    count = 0
    for state in states_newest_first:
        if state in ("upcoming", "due"):
            continue
        if state != "missed":
            break
        count += 1
    return count


# Reminders: when each round is sent --------------------------------------------------------

REMINDER_ROUNDS = 2
SECOND_AFTER = timedelta(hours=3)  # kratomlog's own choice: "a few hours" after the first
QUIET_FROM, QUIET_TO = time(22), time(8)


def in_quiet_hours(moment: datetime, tz: ZoneInfo, quiet_from: time, quiet_to: time) -> bool:
    clock = moment.astimezone(tz).time()
    if quiet_from == quiet_to:
        return False
    if quiet_from < quiet_to:
        return quiet_from <= clock < quiet_to
    return clock >= quiet_from or clock < quiet_to


def reminder_round_due(
    occurrence: Occurrence,
    state: str,
    now: datetime,
    first_sent_at: datetime | None,
    rounds_sent: int,
    quiet: tuple[time, time],
    tz: ZoneInfo,
) -> int | None:
    """The round (1 or 2) to send now, or None: only while the occurrence is due, never in
    quiet hours, the second at least SECOND_AFTER after the first."""
    if state != "due" or rounds_sent >= REMINDER_ROUNDS:
        return None
    if in_quiet_hours(now, tz, *quiet):
        return None
    if rounds_sent == 0:
        return 1
    if first_sent_at is not None and now - first_sent_at >= SECOND_AFTER:
        return 2
    return None
