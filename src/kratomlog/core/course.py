"""The course after stopping: stops, the day counter, and the recovery signals.

A stop is the first 48 hours without a dose after a stretch with 5 or more use days in 14. The
seed's "about 4 to 5 days" of withdrawal is shown as the seed's claim; it is not confirmed in
peer-reviewed work (FACTS.md section 1), so no rule here depends on it.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from kratomlog.core import sources
from kratomlog.core.journal import Dose, UseIndex
from kratomlog.core.signals import Signal

STOP_AFTER = timedelta(hours=48)
STRETCH_DAYS, STRETCH_USE_DAYS = 14, 5
PERSISTING_AFTER_DAYS = 7  # withdrawal still at half its peak a week after a stop
PHQ9_AFTER_DAYS, PHQ9_CONCERN = 14, 10
COURSE_CLAIM = str(sources.SELF_HELP_COURSE)


@dataclass(frozen=True)
class Stop:
    last_dose: Dose  # the dose before the 48 hours without one

    @property
    def since(self) -> datetime:
        return self.last_dose.at + STOP_AFTER

    def day_number(self, day: date) -> int:
        """Days since the last dose, counted in local days (the day of the last dose is 0)."""
        return (day - self.last_dose.day).days

    def as_dict(self, today: date) -> dict[str, Any]:
        return {
            "last_dose": self.last_dose.at.isoformat(),
            "last_dose_day": self.last_dose.day.isoformat(),
            "days_since_last_dose": self.day_number(today),
            "seed_claim": COURSE_CLAIM,
        }


@dataclass(frozen=True)
class Answered:
    """A scored check-in, as the course reads it."""

    instrument: str
    day: date
    at: datetime
    total: int
    self_harm: bool = False


def current_stop(journal: UseIndex, as_of: datetime) -> Stop | None:
    """The stop in progress: no dose for 48 hours, after a stretch of frequent use."""
    last = journal.last_dose
    if last is None or as_of - last.at < STOP_AFTER:
        return None
    stretch = journal.use_days_between(last.day - timedelta(days=STRETCH_DAYS - 1), last.day)
    return Stop(last) if stretch >= STRETCH_USE_DAYS else None


def withdrawal_persisting(stop: Stop | None, answered: Sequence[Answered]) -> Signal | None:
    if stop is None:
        return None
    after = [a for a in answered if a.at > stop.last_dose.at]
    withdrawal = sorted((a for a in after if a.instrument == "withdrawal"), key=lambda a: a.at)
    # The latest score decides: a total that has since fallen below half its peak no longer
    # persists, whatever an earlier check-in said.
    if withdrawal:
        check = withdrawal[-1]
        peak = max(earlier.total for earlier in withdrawal)
        if (
            stop.day_number(check.day) >= PERSISTING_AFTER_DAYS
            and peak > 0
            and check.total * 2 >= peak
        ):
            return _persisting(
                check.day,
                f"withdrawal total {check.total} on day "
                f"{stop.day_number(check.day)} after the last dose, at "
                f"least half its peak of {peak}",
            )
    phq9 = sorted((a for a in after if a.instrument == "phq9"), key=lambda a: a.at)
    if phq9:
        check = phq9[-1]
        if stop.day_number(check.day) >= PHQ9_AFTER_DAYS and check.total >= PHQ9_CONCERN:
            return _persisting(
                check.day,
                f"PHQ-9 of {check.total} on day {stop.day_number(check.day)} after the last dose",
            )
    return None


def _persisting(day: date, message: str) -> Signal:
    return Signal(
        "withdrawal_persisting",
        day,
        message,
        "talk to a clinician about how you feel: symptoms that last are worth care",
        f"kratomlog's own threshold (not validated); {COURSE_CLAIM}",
    )


def self_harm_risk(answered: Sequence[Answered]) -> Signal | None:
    """PHQ-9 item 9 above 0; it stays until a later PHQ-9 has item 9 at 0."""
    phq9 = sorted((a for a in answered if a.instrument == "phq9"), key=lambda a: a.at)
    if not phq9 or not phq9[-1].self_harm:
        return None
    return Signal(
        "self_harm_risk",
        phq9[-1].day,
        "your last PHQ-9 said you have had thoughts of being better off dead or of "
        "hurting yourself",
        "please reach out now: the crisis resources are shown with this (988 in the US)",
        str(sources.PHQ9_ITEM_9),
    )
