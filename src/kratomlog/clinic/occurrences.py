"""The ledger of a clinic: one row per due check-in of each patient's schedule.

The worker's periodic tick (tasks.check_schedules) makes the coming occurrences, opens those
whose moment has come, marks done those a record of their instrument fell inside (whatever
wrote it: the app, a sync from a local journal, a clinician), marks missed those whose window
closed, and then sends what reminders are due (clinic.reminders).

A tick does that for many patients at once (bring_up_to_date, a few queries for a chunk of
patients, not a few per patient): a clinic of 10,000 patients is brought up to date every
minute. make_coming and settle do the same for one patient.
"""

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from django.db.models import QuerySet

from kratomlog.checkins import schedules
from kratomlog.checkins.models import CheckIn, ScheduleVersion, SleepDiary
from kratomlog.clinic.models import Occurrence, Patient
from kratomlog.core import schedule
from kratomlog.core.days import stored_zone
from kratomlog.journal.models import Entry

AHEAD = timedelta(days=1)  # occurrences are made a day before they are due
OPEN = ("upcoming", "due")


def scheduled_patients() -> QuerySet[Patient]:
    """Patients whose newest schedule version has items (one query for the newest of each),
    with that version's items and moment (`schedule_items`, `schedule_set_at`)."""
    from django.db.models import OuterRef, Subquery

    newest = ScheduleVersion.objects.filter(person=OuterRef("person")).order_by("-set_at", "-id")
    return (
        Patient.objects.annotate(
            schedule_items=Subquery(newest.values("items")[:1]),
            schedule_set_at=Subquery(newest.values("set_at")[:1]),
        )
        .exclude(schedule_items=[])
        .exclude(schedule_items__isnull=True)
        .select_related("person", "user")
    )


def _coming(patient: Patient, version: ScheduleVersion, now: datetime) -> list[Occurrence]:
    """The rows the version asks for, due in the 48 hours before now (a worker that was down
    leaves no gap in the ledger) up to now + AHEAD, and still open when it was set (a schedule
    set at 15:00 asks for today's 09:00 until tomorrow's)."""
    tz = stored_zone(patient.person.timezone)
    start = max(now - schedule.LONGEST_WINDOW, version.set_at - schedule.LONGEST_WINDOW)
    return [
        Occurrence(
            patient=patient, instrument=o.instrument, due_at=o.due_at, window_end=o.window_end
        )
        for item in schedules.items_of(version)
        for o in schedule.occurrences(item, start, now + AHEAD, tz)
        if o.window_end > version.set_at
    ]


def make_coming(patient: Patient, now: datetime) -> int:
    """Rows for the occurrences of the schedule in force (see _coming); the number made."""
    version = schedules.newest(patient.person)
    if version is None:
        return 0
    made = _coming(patient, version, now)
    before = Occurrence.objects.filter(patient=patient).count()
    Occurrence.objects.bulk_create(made, ignore_conflicts=True)
    return Occurrence.objects.filter(patient=patient).count() - before


def _annotated_version(patient: Patient) -> ScheduleVersion:
    """The newest version as scheduled_patients() read it: no query of its own."""
    items = patient.schedule_items  # type: ignore[attr-defined]
    if isinstance(items, str):  # a backend that hands a subquery's JSON over as text
        items = json.loads(items)
    return ScheduleVersion(person=patient.person, items=items,
                           set_at=patient.schedule_set_at)  # type: ignore[attr-defined]  # fmt: skip


def make_coming_for(patients: Sequence[Patient], now: datetime) -> int:
    """make_coming for patients of scheduled_patients(): one query for the rows they have, one
    insert of the missing; the number made."""
    wanted = [row for p in patients for row in _coming(p, _annotated_version(p), now)]
    if not wanted:
        return 0
    have = set(
        Occurrence.objects.filter(
            patient__in=[p.id for p in patients], due_at__gte=min(r.due_at for r in wanted)
        ).values_list("patient_id", "instrument", "due_at")
    )
    missing = [r for r in wanted if (r.patient.id, r.instrument, r.due_at) not in have]
    Occurrence.objects.bulk_create(missing, ignore_conflicts=True, batch_size=1000)
    return len(missing)


Found = dict[str, list[tuple[datetime, str]]]


def _settled(rows: Iterable[Occurrence], found: Found, now: datetime) -> list[Occurrence]:
    """Each open row's state now (done by the first record inside its window, else missed
    once the window closed, else due); the rows that changed."""
    changed = []
    for row in rows:
        was = (row.state, row.done_at, row.done_by)
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
        if (row.state, row.done_at, row.done_by) != was:
            changed.append(row)
    return changed


def _recorded_for(patient: Patient, rows: list[Occurrence], now: datetime) -> Found:
    start = min(row.due_at for row in rows)
    stop = min(max(row.window_end for row in rows), now + timedelta(seconds=1))
    return schedules.recorded(patient.person, {row.instrument for row in rows}, start, stop)


def settle(patient: Patient, now: datetime) -> None:
    """Done, due or missed, for the patient's open occurrences whose moment has come."""
    open_rows = list(Occurrence.objects.filter(patient=patient, state__in=OPEN, due_at__lte=now))
    if not open_rows:
        return
    found = _recorded_for(patient, open_rows, now)
    Occurrence.objects.bulk_update(_settled(open_rows, found, now), ["state", "done_at", "done_by"])


def _who_recorded(rows: list[Occurrence], now: datetime) -> set[int]:
    """The people among the rows' patients with any record in the rows' span (three queries at
    most): only theirs are read one by one (schedules.recorded); a superset, never fewer."""
    start = min(row.due_at for row in rows)
    stop = min(max(row.window_end for row in rows), now + timedelta(seconds=1))
    people = {row.patient.person_id for row in rows}
    instruments = {row.instrument for row in rows}
    found: set[int] = set()
    if instruments - {"sleep", "doses"}:
        found |= set(CheckIn.objects.filter(
            person_id__in=people, deleted=False, taken_at__gte=start, taken_at__lt=stop
        ).values_list("person_id", flat=True).distinct())  # fmt: skip
    if "sleep" in instruments:
        found |= set(SleepDiary.objects.filter(
            person_id__in=people, deleted=False, out_of_bed__gte=start, out_of_bed__lt=stop
        ).values_list("person_id", flat=True).distinct())  # fmt: skip
    if "doses" in instruments:
        found |= set(Entry.objects.filter(
            person_id__in=people, deleted=False, taken_at__gte=start, taken_at__lt=stop
        ).values_list("person_id", flat=True).distinct())  # fmt: skip
    return found


def settle_for(patients: Sequence[Patient], now: datetime) -> list[Patient]:
    """settle for many patients: one query for their open rows, three for who recorded
    anything, one per patient who did; one write for the rows now due, one for the rest. The
    patients whose missed run may have changed (a row became done or missed), with their
    missed_in_a_row before the change in `missed_before`, for the caller to compare."""
    by_id = {p.id: p for p in patients}
    open_rows = list(
        Occurrence.objects.filter(patient__in=list(by_id), state__in=OPEN, due_at__lte=now)
    )
    if not open_rows:
        return []
    for row in open_rows:
        row.patient = by_id[row.patient_id]
    recorded = _who_recorded(open_rows, now)
    rows_of: dict[int, list[Occurrence]] = defaultdict(list)
    for row in open_rows:
        rows_of[row.patient_id].append(row)
    changed: list[Occurrence] = []
    for patient_id, rows in rows_of.items():
        patient = by_id[patient_id]
        found = _recorded_for(patient, rows, now) if patient.person_id in recorded else {}
        changed += _settled(rows, found, now)
    closed = [row for row in changed if row.state != "due"]
    turned = [by_id[pid] for pid in dict.fromkeys(row.patient_id for row in closed)]
    for patient in turned:  # read before the write: the run as it was
        patient.missed_before = missed_in_a_row(patient, now)  # type: ignore[attr-defined]
    now_due = [row.id for row in changed if row.state == "due"]
    if now_due:
        Occurrence.objects.filter(id__in=now_due).update(state="due")
    Occurrence.objects.bulk_update(closed, ["state", "done_at", "done_by"], batch_size=500)
    return turned


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
