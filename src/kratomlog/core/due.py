"""Which check-ins are due: daily ones in the evening, PHQ-9 and GAD-7 every 14 days, and the
sleep diary each morning while a taper or a break is in force."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAILY = ("withdrawal", "craving")
EVENING = time(18)
FORTNIGHTLY = ("phq9", "gad7")
EVERY = timedelta(days=14)
MORNING = time(5)


@dataclass(frozen=True)
class Due:
    checkin: str  # withdrawal, craving, phq9, gad7 or sleep
    reason: str


def due(
    as_of: datetime,
    tz: ZoneInfo,
    last_taken: dict[str, datetime],
    last_night: date | None,
    recovery_plan: bool,
) -> list[Due]:
    """`last_taken`: the latest of each questionnaire; `last_night`: the latest sleep diary's
    night; `recovery_plan`: a taper or a no-use break is in force today."""
    local = as_of.astimezone(tz)
    today = local.date()
    found = []
    for key in DAILY:
        taken = last_taken.get(key)
        if local.time() >= EVENING and (taken is None or taken.astimezone(tz).date() < today):
            found.append(Due(key, "daily, after 6 pm"))
    for key in FORTNIGHTLY:
        taken = last_taken.get(key)
        if taken is None:
            found.append(Due(key, "every 14 days; none yet"))
        elif as_of - taken >= EVERY:
            found.append(Due(key, f"every 14 days; last on {taken.astimezone(tz).date()}"))
    if recovery_plan and local.time() >= MORNING:
        last_evening = today - timedelta(days=1)
        if last_night is None or last_night < last_evening:
            found.append(
                Due("sleep", f"each morning during a taper or break; the night of {last_evening}")
            )
    return found
