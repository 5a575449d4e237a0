"""Check-in schedules in a clinic: a clinician sets a patient's (every version kept with its
author, and audited, as plans are), a team's default is where a new patient starts, and a
patient changes their own only where the clinic lets them (KRATOMLOG_PATIENTS_SET_SCHEDULE=1;
off by default: the care team sets it)."""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction

from kratomlog.checkins import schedules
from kratomlog.checkins.models import ScheduleVersion
from kratomlog.clinic import audit
from kratomlog.clinic.care_plans import author_name
from kratomlog.clinic.models import CLINICIAN, PATIENT, Occurrence, Patient, Team
from kratomlog.core import schedule
from kratomlog.core.days import local_day, zone

NEXT_SHOWN = 14  # GET /me/schedule: the next 14 occurrences of each item


class NotYours(Exception):
    """The clinic does not let patients change their own schedule."""


def patients_may_set_own() -> bool:
    return bool(getattr(settings, "PATIENTS_SET_SCHEDULE", False))


def _forget_upcoming(patient: Patient, now: datetime) -> None:
    """Occurrences not yet due of the schedule replaced: the worker makes the new one's.
    Those due or past stay, with their reminders: the ledger keeps what was asked."""
    Occurrence.objects.filter(patient=patient, state="upcoming", due_at__gt=now).delete()


@transaction.atomic
def set_for_patient(
    clinician: Any,
    patient: Patient,
    items: list[schedule.Item],
    now: datetime,
    address: str | None = None,
) -> ScheduleVersion:
    version = schedules.save(
        patient.person, items, now, set_by=author_name(clinician), set_by_user_id=clinician.id
    )
    _forget_upcoming(patient, now)
    shown = ", ".join(item.instrument for item in items) or "none"
    audit.record(
        action="schedule", actor=clinician, role=CLINICIAN, what=f"set schedule ({shown})",
        patient=patient, address=address, at=now,
    )  # fmt: skip
    return version


@transaction.atomic
def set_own(
    patient: Patient, items: list[schedule.Item], now: datetime, address: str | None = None
) -> ScheduleVersion:
    if not patients_may_set_own():
        raise NotYours("your care team sets your schedule in this clinic")
    version = schedules.save(patient.person, items, now)
    _forget_upcoming(patient, now)
    shown = ", ".join(item.instrument for item in items) or "none"
    audit.record(
        action="schedule", actor=patient.user, role=PATIENT, what=f"set own schedule ({shown})",
        patient=patient, address=address, at=now,
    )  # fmt: skip
    return version


def set_team_default(team: Team, items: list[schedule.Item]) -> None:
    team.default_schedule = [item.as_dict() for item in items]
    team.save(update_fields=["default_schedule"])


def start_with_team_default(patient: Patient, now: datetime) -> None:
    """A new patient's first schedule: their team's default, from their first day."""
    default = Team.objects.filter(id=patient.team_id).values_list("default_schedule", flat=True)
    chosen = default.first() or []
    if not chosen:
        return
    today = local_day(now, zone(patient.person.timezone))
    items = []
    for raw in chosen:
        item = schedule.item_from_dict({**raw, "start": None}, today)
        items.append(item)
    schedules.save(patient.person, items, now, set_by=f"default of {patient.team.name}")


def document(patient: Patient, now: datetime) -> dict[str, Any]:
    """The schedule in force with the next occurrences of each item, as the API answers it."""
    version = schedules.newest(patient.person)
    items = schedules.items_of(version)
    tz = zone(patient.person.timezone)
    return {
        "items": [
            {
                **item.as_dict(),
                "next": [
                    {"due_at": o.due_at, "window_end": o.window_end}
                    for o in schedule.next_occurrences(item, now, tz, NEXT_SHOWN)
                ],
            }
            for item in items
        ],
        "set_by": (version.set_by or "patient") if version else None,
        "set_at": version.set_at if version else None,
        "patients_may_change": patients_may_set_own(),
    }
