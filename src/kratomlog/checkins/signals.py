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


def signals(
    person: Person, journal: UseIndex, as_of: datetime
) -> tuple[course.Stop | None, list[Signal]]:
    stop = course.current_stop(journal, as_of)
    done = answered(person, as_of)
    found = [course.self_harm_risk(done), course.withdrawal_persisting(stop, done)]
    return stop, [signal for signal in found if signal]
