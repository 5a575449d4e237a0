"""Check-in schedules, their ledger and reminder settings through the API."""

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from kratomlog.checkins import schedules as journal_schedules
from kratomlog.clinic import audit, occurrences, schedules
from kratomlog.clinic.api_auth import OF_PATIENT, Bearer
from kratomlog.clinic.api_errors import ApiInput, Problem, answers
from kratomlog.clinic.api_staff import read_patient
from kratomlog.clinic.models import PATIENT, Patient
from kratomlog.clinic.policy import own_patient, patient_for_clinician
from kratomlog.clinic.reminders import calendar
from kratomlog.clinic.reminders import settings as reminder_settings
from kratomlog.core.days import zone
from kratomlog.core.errors import InputError

router = Router(tags=["check-in schedules"])
LONGEST_LIST = timedelta(days=366)
ITEMS_HELP = (
    'each {"instrument": "phq9", "every": "week", "weekday": "mon", "at": "09:00"}: `every` is '
    "day, week, month or a number of days; `weekday` (mon..sun), `day_of_month` (1-28), "
    '`start`, `end` (YYYY-MM-DD) and `step_down` ([{"after": 4, "every": 14}, ...]) as needed'
)


def _now() -> datetime:
    return datetime.now(UTC)


class ScheduleIn(ApiInput):
    items: list[dict[str, Any]] = Field(description=ITEMS_HELP)


class OccurrenceTime(Schema):
    due_at: datetime
    window_end: datetime


class ScheduleOut(Schema):
    items: list[dict[str, Any]]  # each item as set, with `next`: its next 14 occurrences
    set_by: str | None  # the clinician's name, "patient", or "default of TEAM"
    set_at: datetime | None
    patients_may_change: bool  # whether PUT /me/schedule is open in this clinic


class ReminderOut(Schema):
    channel: str
    round: int
    sent_at: datetime | None
    answer: str  # what the channel answered: the mail server's acceptance, a push status


class OccurrenceOut(Schema):
    id: str
    instrument: str
    due_at: datetime
    window_end: datetime
    state: str  # upcoming, due, done, missed
    done_at: datetime | None  # the moment of the record that completed it
    done_by: str | None  # that record's id
    reminders: list[ReminderOut]


class QuietHours(ApiInput):
    from_: str = Field("22:00", alias="from", description="HH:MM, local time")
    to: str = Field("08:00", description="HH:MM, local time")


class ReminderSettingsIn(ApiInput):
    channels: list[str] = Field(
        description='"push", "mail" and/or "sms" (where the clinic has an SMS gateway); [] for '
        "no reminders"
    )
    quiet_hours: QuietHours | None = None


class ReminderSettingsOut(Schema):
    channels: list[str]
    quiet_hours: dict[str, str]  # {"from": "22:00", "to": "08:00"}


class CalendarFeedOut(Schema):
    subscribed: bool  # whether a subscription address is live
    since: datetime | None  # when it was made


class CalendarFeedMade(CalendarFeedOut):
    url: str  # the subscription address, shown this once (only its hash is kept)


def _items(patient: Patient, body: ScheduleIn, now: datetime) -> list[Any]:
    return journal_schedules.read_items(patient.person, body.items, now)


@router.get("/me/schedule", auth=Bearer(PATIENT), response=answers(ScheduleOut))
def my_schedule(request: HttpRequest) -> dict[str, Any]:
    """The schedule in force and the next 14 occurrences of each item (from the later of now
    and the item's start)."""
    return schedules.document(own_patient(request.user), _now())


@router.put("/me/schedule", auth=Bearer(PATIENT), response=answers(ScheduleOut, _403=Problem))
def set_my_schedule(request: HttpRequest, body: ScheduleIn) -> dict[str, Any]:
    """Only where the clinic lets patients change their own (403 otherwise)."""
    patient, now = own_patient(request.user), _now()
    if not schedules.patients_may_set_own():
        raise HttpError(403, "your care team sets your schedule in this clinic")
    schedules.set_own(patient, _items(patient, body, now), now, audit.client_address(request))
    return schedules.document(patient, now)


@router.get("/patients/{patient_id}/schedule", auth=OF_PATIENT, response=answers(ScheduleOut))
def patient_schedule(request: HttpRequest, patient_id: UUID) -> dict[str, Any]:
    return schedules.document(read_patient(request, patient_id, "schedule"), _now())


@router.put("/patients/{patient_id}/schedule", auth=OF_PATIENT, response=answers(ScheduleOut))
def set_patient_schedule(
    request: HttpRequest, patient_id: UUID, body: ScheduleIn
) -> dict[str, Any]:
    """The patient's schedule from now on; every version is kept with its author."""
    patient, now = patient_for_clinician(request.user, patient_id), _now()
    schedules.set_for_patient(
        request.user, patient, _items(patient, body, now), now, audit.client_address(request)
    )
    return schedules.document(patient, now)


def _moment(text: str, tz: Any, field: str) -> datetime:
    """An ISO 8601 moment or day (local to the patient's zone when it has no offset)."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InputError(
            field, f"{text!r} is not a moment; use ISO 8601 such as 2026-11-23T00:00Z or 2026-11-23"
        ) from None
    if moment.year < 1970 or moment.year > 9000:
        raise InputError(field, f"{text!r} is out of range; a year from 1970")
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def _span(
    patient: Patient, start: str | None, stop: str | None, now: datetime
) -> tuple[datetime, datetime]:
    tz = zone(patient.person.timezone)
    begin = _moment(start, tz, "from") if start else now - timedelta(days=28)
    end = _moment(stop, tz, "to") if stop else now + timedelta(days=1)
    if end <= begin:
        raise InputError("to", "must be after `from`")
    if end - begin > LONGEST_LIST:
        raise InputError("to", "at most 366 days after `from`; ask in parts")
    return begin, end


def _listed(
    patient: Patient, begin: datetime, end: datetime, now: datetime
) -> list[dict[str, Any]]:
    return [occurrences.as_dict(row, now) for row in occurrences.listed(patient, begin, end)]


@router.get("/me/occurrences", auth=Bearer(PATIENT), response=answers(list[OccurrenceOut]))
def my_occurrences(
    request: HttpRequest,
    start: str | None = Query(None, alias="from"),  # type: ignore[type-arg]
    stop: str | None = Query(None, alias="to"),  # type: ignore[type-arg]
) -> list[dict[str, Any]]:
    """The ledger: each due check-in from `from` (default 28 days ago) to `to` (default a
    day ahead), ISO 8601, with its state and the reminders sent for it."""
    patient, now = own_patient(request.user), _now()
    return _listed(patient, *_span(patient, start, stop, now), now)


@router.get(
    "/patients/{patient_id}/occurrences", auth=OF_PATIENT, response=answers(list[OccurrenceOut])
)
def patient_occurrences(
    request: HttpRequest,
    patient_id: UUID,
    start: str | None = Query(None, alias="from"),  # type: ignore[type-arg]
    stop: str | None = Query(None, alias="to"),  # type: ignore[type-arg]
) -> list[dict[str, Any]]:
    patient, now = read_patient(request, patient_id, "check-in ledger"), _now()
    return _listed(patient, *_span(patient, start, stop, now), now)


@router.get("/me/reminder-settings", auth=Bearer(PATIENT), response=answers(ReminderSettingsOut))
def my_reminder_settings(request: HttpRequest) -> dict[str, Any]:
    return reminder_settings.of(own_patient(request.user)).as_dict()


@router.put("/me/reminder-settings", auth=Bearer(PATIENT), response=answers(ReminderSettingsOut))
def set_my_reminder_settings(request: HttpRequest, body: ReminderSettingsIn) -> dict[str, Any]:
    """`{"channels": ["push", "mail"], "quiet_hours": {"from": "22:00", "to": "08:00"}}`: push
    goes where you have turned it on; mail goes when you chose it, or chose push and have it on
    no device; "sms" goes to the phone number the clinic has for you, and only where the clinic
    has an SMS gateway (422 otherwise)."""
    patient = own_patient(request.user)
    raw: dict[str, Any] = {"channels": body.channels}
    if body.quiet_hours is not None:
        raw["quiet_hours"] = {"from": body.quiet_hours.from_, "to": body.quiet_hours.to}
    chosen = reminder_settings.save(patient, reminder_settings.read(raw), _now())
    return chosen.as_dict()


@router.get("/me/calendar-feed", auth=Bearer(PATIENT), response=answers(CalendarFeedOut))
def my_calendar_feed(request: HttpRequest) -> dict[str, Any]:
    """Whether your calendar subscription is live (its address is never shown again)."""
    return calendar.state(own_patient(request.user))


@router.post("/me/calendar-feed", auth=Bearer(PATIENT), response=answers(CalendarFeedMade, 201))
def make_my_calendar_feed(request: HttpRequest) -> Status:
    """A new private iCalendar address of your schedule, in `url`, shown this once; the one
    before (if any) answers 404 from now on. Every event reads only "Check-in"."""
    patient = own_patient(request.user)
    made = calendar.issue(patient, _now(), audit.client_address(request))
    return Status(201, {**calendar.state(patient), "url": made})


@router.delete("/me/calendar-feed", auth=Bearer(PATIENT), response=answers(None, 204))
def revoke_my_calendar_feed(request: HttpRequest) -> Status:
    """Stop the subscription: its address answers 404 from the next fetch on."""
    calendar.revoke(own_patient(request.user), _now(), audit.client_address(request))
    return Status(204, None)
