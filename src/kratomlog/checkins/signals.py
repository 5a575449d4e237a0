"""The signals that check-ins raise in status: self-harm risk, withdrawal that persists after a
stop. Status reads them on every call, so this module loads only what they need."""

from datetime import datetime

from kratomlog.checkins.queries import live_checkins
from kratomlog.core import course
from kratomlog.core.journal import UseIndex
from kratomlog.core.signals import Signal
from kratomlog.journal.models import Person


def answered(person: Person, until: datetime) -> list[course.Answered]:
    rows = live_checkins(person, until).values_list(
        "instrument", "local_day", "taken_at", "total", "self_harm"
    )
    return [course.Answered(*row) for row in rows]


_FIELDS = ("instrument", "local_day", "taken_at", "total", "self_harm")


def deciding(person: Person, until: datetime, stop: course.Stop | None) -> list[course.Answered]:
    """The few check-ins the signals below turn on, whatever the length of the record: the
    latest PHQ-9, and after a stop's last dose the latest PHQ-9 and withdrawal scores and the
    withdrawal peak. The signals read from these are those read from every check-in."""
    live = live_checkins(person, until).order_by("-taken_at", "-id")
    found = [live.filter(instrument="phq9").values_list(*_FIELDS).first()]
    if stop is not None:
        after = live.filter(taken_at__gt=stop.last_dose.at)
        withdrawal = after.filter(instrument="withdrawal")
        found += [
            after.filter(instrument="phq9").values_list(*_FIELDS).first(),
            withdrawal.values_list(*_FIELDS).first(),
            withdrawal.order_by("-total", "taken_at").values_list(*_FIELDS).first(),
        ]
    return [course.Answered(*row) for row in found if row is not None]


def signals(
    person: Person, journal: UseIndex, as_of: datetime, bounded: bool = False
) -> tuple[course.Stop | None, list[Signal]]:
    """`bounded`: read only the check-ins that decide (see `deciding`), not every one."""
    stop = course.current_stop(journal, as_of)
    done = deciding(person, as_of, stop) if bounded else answered(person, as_of)
    found = [course.self_harm_risk(done), course.withdrawal_persisting(stop, done)]
    return stop, [signal for signal in found if signal]
