"""The ledger of a clinic: one row per due check-in of each patient's schedule.

The worker's periodic tick (tasks.check_schedules) makes the coming occurrences, opens those
whose moment has come, marks done those a record of their instrument fell inside (whatever
wrote it: the app, a sync from a local journal, a clinician), marks missed those whose window
closed, and then sends what reminders are due (clinic.reminders).
"""

from datetime import datetime, timedelta

from django.db.models import QuerySet

from kratomlog.checkins import schedules
from kratomlog.checkins.models import ScheduleVersion
from kratomlog.clinic.models import Occurrence, Patient
from kratomlog.core import schedule
from kratomlog.core.days import stored_zone

AHEAD = timedelta(days=1)  # occurrences are made a day before they are due
OPEN = ("upcoming", "due")


def scheduled_patients() -> QuerySet[Patient]:
    """Patients whose newest schedule version has items (one query for the newest of each)."""
    from django.db.models import OuterRef, Subquery

    newest = ScheduleVersion.objects.filter(person=OuterRef("person")).order_by("-set_at", "-id")
    return (
        Patient.objects.annotate(schedule_items=Subquery(newest.values("items")[:1]))
        .exclude(schedule_items=[])
        .exclude(schedule_items__isnull=True)
        .select_related("person", "user")
    )


def make_coming(patient: Patient, now: datetime) -> int:
    """Rows for the occurrences of the schedule in force due in the 48 hours before now (a
    worker that was down leaves no gap in the ledger) up to now + AHEAD, and still open when it
    was set (a schedule set at 15:00 asks for today's 09:00 until tomorrow's); the number
    made."""
    version = schedules.newest(patient.person)
    if version is None:
        return 0
    tz = stored_zone(patient.person.timezone)
    start = max(now - schedule.LONGEST_WINDOW, version.set_at - schedule.LONGEST_WINDOW)
    made = [
        Occurrence(
            patient=patient, instrument=o.instrument, due_at=o.due_at, window_end=o.window_end
        )
        for item in schedules.items_of(version)
        for o in schedule.occurrences(item, start, now + AHEAD, tz)
        if o.window_end > version.set_at
    ]
    before = Occurrence.objects.filter(patient=patient).count()
    Occurrence.objects.bulk_create(made, ignore_conflicts=True)
    return Occurrence.objects.filter(patient=patient).count() - before


def settle(patient: Patient, now: datetime) -> None:
    """Done, due or missed, for the patient's open occurrences whose moment has come."""
    open_rows = list(Occurrence.objects.filter(patient=patient, state__in=OPEN, due_at__lte=now))
    if not open_rows:
        return
    start = min(row.due_at for row in open_rows)
    stop = min(max(row.window_end for row in open_rows), now + timedelta(seconds=1))
    found = schedules.recorded(patient.person, {row.instrument for row in open_rows}, start, stop)
    for row in open_rows:
        inside = sorted(
            (moment, uid)
            for moment, uid in found.get(row.instrument, [])
            if row.due_at <= moment < row.window_end
        )
        if inside:
            row.state, row.done_at, row.done_by = "done", inside[0][0], inside[0][1]
        elif now >= row.window_end:
            row.state = "missed"
        else:
            row.state = "due"
    Occurrence.objects.bulk_update(open_rows, ["state", "done_at", "done_by"])


def listed(patient: Patient, start: datetime, stop: datetime) -> QuerySet[Occurrence]:
    return (
        Occurrence.objects.filter(patient=patient, due_at__gte=start, due_at__lt=stop)
        .prefetch_related("reminders")
        .order_by("due_at", "instrument")
    )


def adherence(patient: Patient, now: datetime, days: int = 28) -> dict[str, tuple[int, int]]:
    """(done, of) per instrument over the last `days` days; open ones count neither way."""
    rows = Occurrence.objects.filter(
        patient=patient, due_at__gte=now - timedelta(days=days), due_at__lte=now
    ).values_list("instrument", "state")
    by_instrument: dict[str, list[str]] = {}
    for instrument, state in rows:
        by_instrument.setdefault(instrument, []).append(state)
    return {key: schedule.adherence(states) for key, states in sorted(by_instrument.items())}


def missed_in_a_row(patient: Patient, now: datetime) -> int:
    """The most closed occurrences missed in a row, newest first, of any one instrument."""
    rows = Occurrence.objects.filter(patient=patient, due_at__lte=now).order_by("-due_at")
    by_instrument: dict[str, list[str]] = {}
    for instrument, state in rows.values_list("instrument", "state")[:200]:
        by_instrument.setdefault(instrument, []).append(state)
    return max((schedule.missed_in_a_row(states) for states in by_instrument.values()), default=0)


def state_now(row: Occurrence, now: datetime) -> str:
    """The stored state, or what it has become since the worker's last tick."""
    if row.state not in OPEN:
        return row.state
    return schedule.Occurrence(row.instrument, row.due_at, row.window_end).state(now, False)


def as_dict(row: Occurrence, now: datetime) -> dict[str, object]:
    return {
        "id": str(row.uid),
        "instrument": row.instrument,
        "due_at": row.due_at,
        "window_end": row.window_end,
        "state": state_now(row, now),
        "done_at": row.done_at,
        "done_by": row.done_by or None,
        "reminders": [
            {"channel": r.channel, "round": r.round, "sent_at": r.sent_at, "answer": r.answer}
            for r in row.reminders.all()
            if r.sent_at is not None
        ],
    }
