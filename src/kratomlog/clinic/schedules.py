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
from kratomlog.clinic.models import (
    CLINICIAN,
    PATIENT,
    Occurrence,
    Patient,
    Team,
    TeamScheduleVersion,
)
from kratomlog.core import schedule
from kratomlog.core.days import local_day, zone
from kratomlog.core.errors import InputError

COMMAND_LINE = "the clinic's command line"  # the author of a team default set by the CLI
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


@transaction.atomic
def set_team_default(
    team: Team,
    items: list[schedule.Item],
    now: datetime,
    clinician: Any = None,
    address: str | None = None,
) -> TeamScheduleVersion:
    """The schedule a team's new patients start with; each version kept with its author (a
    clinician of the team on its page, or the clinic's command line) and audited."""
    stored = [item.as_dict() for item in items]
    team.default_schedule = stored
    team.save(update_fields=["default_schedule"])
    version = TeamScheduleVersion.objects.create(
        team=team, items=stored, set_at=now,
        set_by=author_name(clinician) if clinician is not None else COMMAND_LINE,
        set_by_user_id=clinician.id if clinician is not None else None,
    )  # fmt: skip
    shown = ", ".join(item.instrument for item in items) or "none"
    audit.record(
        action="schedule", actor=clinician, role=CLINICIAN if clinician is not None else "",
        what=f"set team {team.name}'s default schedule ({shown})", address=address, at=now,
    )  # fmt: skip
    return version


def team_versions(team: Team, most: int) -> list[TeamScheduleVersion]:
    return list(team.schedule_versions.order_by("-set_at", "-id")[:most])


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


# A local journal's sync ---------------------------------------------------------------------

REFUSED = "your care team sets your schedule in this clinic"


def in_force(patient: Patient) -> dict[str, Any] | None:
    """The version in force, as a journal copies it: its uid, so that it is copied once, and
    its author, so that the journal shows who set it."""
    version = schedules.newest(patient.person)
    if version is None:
        return None
    return {
        "uid": str(version.uid),
        "items": version.items,
        "set_at": version.set_at,
        "set_by": version.set_by,
        "by_patient": version.set_by_user_id is None and not version.set_by,
    }


@transaction.atomic
def take_from_journal(
    patient: Patient,
    uid: str,
    raw_items: list[dict[str, Any]],
    set_at: datetime,
    now: datetime,
    address: str | None = None,
) -> str:
    """A version the patient set in their local journal, kept under its own uid ("added"; sent
    again: "same"). Only where patients set their own: otherwise "refused" (REFUSED says why),
    and only that is written, in the audit log: a clinician's schedule is never replaced
    through a sync, as their plans are not."""
    held = ScheduleVersion.objects.filter(uid=uid).first()
    if held is not None:
        if held.person_id != patient.person_id:
            raise InputError("uid", "belongs to another journal")
        return "same"
    if not patients_may_set_own():
        audit.record(
            action="schedule", actor=patient.user, role=PATIENT, patient=patient,
            what="sync: own schedule not taken (the care team sets it)", address=address, at=now,
        )  # fmt: skip
        return "refused"
    items = schedules.read_items(patient.person, raw_items, now)
    version = ScheduleVersion.objects.create(
        person=patient.person, uid=uid, items=[item.as_dict() for item in items],
        set_at=min(set_at, now), set_by="",
    )  # fmt: skip
    if schedules.newest(patient.person) == version:  # an older one is history, not in force
        _forget_upcoming(patient, now)
    shown = ", ".join(item.instrument for item in items) or "none"
    audit.record(
        action="schedule", actor=patient.user, role=PATIENT, patient=patient,
        what=f"set own schedule ({shown}) in the local journal, synced", address=address, at=now,
    )  # fmt: skip
    return "added"
