"""The Consensus Sleep Diary's core items (Carney 2012, Sleep 35:287) and what they give:
time in bed, total sleep time, sleep efficiency, across midnight and daylight-saving changes."""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from kratomlog.core.bounds import MAX_MINUTES, check_whole
from kratomlog.core.errors import InputError

LONGEST_NIGHT = timedelta(hours=20)
MOST_AWAKENINGS = 100  # kratomlog's own bound: more is a typo
QUALITY = ("very poor", "poor", "fair", "good", "very good")  # 1 to 5
SOURCE = "Consensus Sleep Diary, Carney 2012, Sleep 35:287"

_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class Night:
    """One night's diary, its clock times placed as real moments (UTC)."""

    night: date  # the day the night began: the evening's date
    into_bed: datetime
    tried_to_sleep: datetime
    sol_minutes: int  # sleep onset latency
    awakenings: int
    waso_minutes: int  # wake after sleep onset
    final_awakening: datetime
    out_of_bed: datetime
    quality: int  # 1 (very poor) to 5 (very good)

    @property
    def time_in_bed_minutes(self) -> float:
        return (self.out_of_bed - self.into_bed).total_seconds() / 60

    @property
    def total_sleep_minutes(self) -> float:
        asleep_window = (self.final_awakening - self.tried_to_sleep).total_seconds() / 60
        return asleep_window - self.sol_minutes - self.waso_minutes

    @property
    def sleep_efficiency(self) -> float:
        """Total sleep time over time in bed, in percent (0 for a night of no time in bed, which
        a diary stored before such nights were refused may hold)."""
        if self.time_in_bed_minutes <= 0:
            return 0.0
        return 100 * self.total_sleep_minutes / self.time_in_bed_minutes

    def metrics(self) -> dict[str, Any]:
        return {
            "time_in_bed_minutes": round(self.time_in_bed_minutes, 1),
            "total_sleep_minutes": round(self.total_sleep_minutes, 1),
            "sleep_onset_latency_minutes": self.sol_minutes,
            "wake_after_sleep_onset_minutes": self.waso_minutes,
            "awakenings": self.awakenings,
            "sleep_efficiency": round(self.sleep_efficiency, 1),
            "quality": self.quality,
        }


def clock(text: str, field: str) -> time:
    match = _CLOCK.match(text.strip())
    if not match:
        raise InputError(field, f"{text!r} is not a clock time; use HH:MM, e.g. 23:10")
    return time(int(match.group(1)), int(match.group(2)))


def _after(previous: datetime, at: time, tz: ZoneInfo) -> datetime:
    """The first moment at or after `previous` whose local clock reads `at`."""
    local = previous.astimezone(tz)
    for offset in (0, 1):
        day = local.date() + timedelta(days=offset)
        candidate = datetime.combine(day, at, tzinfo=tz).astimezone(UTC)
        if candidate >= previous:
            return candidate
    raise AssertionError("unreachable: a clock time comes round within a day")


def night_from_diary(
    night: date,
    tz: ZoneInfo,
    *,
    bed: str,
    tried: str,
    sol: int,
    wakes: int,
    waso: int,
    final: str,
    up: str,
    quality: int,
) -> Night:
    """Place each clock time at its first occurrence after the one before, from the evening of
    `night` (a bedtime before noon is after midnight); refuse what cannot be true."""
    for field, value, most in (
        ("--sol", sol, MAX_MINUTES),
        ("--wakes", wakes, MOST_AWAKENINGS),
        ("--waso", waso, MAX_MINUTES),
    ):
        if value < 0:
            raise InputError(field, f"{value} is below 0; give minutes (or a count) of 0 or more")
        check_whole(value, field, 0, most)
    if not 1 <= quality <= len(QUALITY):
        raise InputError("--quality", f"{quality}: use 1 (very poor) to 5 (very good)")
    into_bed_clock = clock(bed, "--bed")
    bed_day = night if into_bed_clock >= time(12) else night + timedelta(days=1)
    into_bed = datetime.combine(bed_day, into_bed_clock, tzinfo=tz).astimezone(UTC)
    tried_at = _after(into_bed, clock(tried, "--tried"), tz)
    final_at = _after(tried_at, clock(final, "--final"), tz)
    up_at = _after(final_at, clock(up, "--up"), tz)
    if up_at == into_bed:
        raise InputError("--up", f"out of bed at {up} is the moment of into bed; check the times")
    if up_at - into_bed > LONGEST_NIGHT:
        hours = (up_at - into_bed).total_seconds() / 3600
        raise InputError(
            "--up",
            f"out of bed at {up} would come {hours:.1f} hours after into bed at "
            f"{bed}: out of bed before into bed, or a night over 20 hours, "
            f"cannot be; check the times",
        )
    result = Night(night, into_bed, tried_at, sol, wakes, waso, final_at, up_at, quality)
    if result.total_sleep_minutes < 0:
        raise InputError(
            "--waso",
            f"--sol {sol} and --waso {waso} minutes add up to more than the "
            f"time from trying to sleep ({tried}) to the final awakening "
            f"({final})",
        )
    return result


NIGHT_STILL_ON_BEFORE = time(5)  # before 05:00 the night that began this evening is not over


def last_night(now: datetime, tz: ZoneInfo) -> date:
    """The evening of the latest night that can be over: yesterday's, but after midnight and
    before 05:00 the one before it (at 00:30 "last night" is the night that ended this morning,
    not the one still going on)."""
    local = now.astimezone(tz)
    return local.date() - timedelta(days=2 if local.time() < NIGHT_STILL_ON_BEFORE else 1)
