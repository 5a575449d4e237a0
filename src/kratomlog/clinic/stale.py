"""A patient's standing and taper tally, refreshed after the write rather than inside it.

A write marks the patient's standing stale (one UPDATE); the worker refreshes a standing once it
has been stale for SETTLE (checked every second), one refresh for however many writes the
patient made meanwhile (two workers share them: a standing being refreshed is skipped by the
other). Whatever shows a standing or the alerts it raises (triage, the alert lists, the patient
page, the outcomes) first refreshes those of its patients still stale, so a clinician never sees
a standing behind the record, even with no worker running. An alert's mail was always the
worker's to send: it goes out a few seconds later than before, no more.

Why not in the write: the refresh is most of a write's cost (about 13 of its queries and two
thirds of its time), and a patient logging a dose waits for none of it.
"""

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Coalesce

from kratomlog.clinic import standing, taper_tally
from kratomlog.clinic.models import Patient, Standing

log = logging.getLogger("kratomlog.clinic")
# kratomlog's own choice: how long the worker lets a standing stay stale before it refreshes it.
# A patient logging several doses in a row costs one refresh, not one each; what is shown never
# waits for it (the pages refresh what is stale), and a self-harm answer's urgent alert is raised
# in its write.
SETTLE = timedelta(seconds=3)


def journal_changed(person_id: int, at: datetime, action: str = "",
                    urgent: bool = False) -> None:  # fmt: skip
    """Called in the transaction of every write to a journal; every write marks the standing
    stale (one UPDATE, since the first write not yet refreshed). An `urgent` write (a PHQ-9
    that answers item 9 above 0, or a sync that brought a check-in) raises the self-harm alert
    here, in its write, and its mail is queued the moment the answer is recorded, not a worker's
    turn later; the rest of its standing is the worker's, as for any write (other check-ins'
    alerts, a flagged BAM or missed check-ins, are not urgent). A patient's first record, which
    has no standing yet, is judged here in full. A plan change that displaced a clinician's plan
    raises its alert here, as the change alone says so."""
    patient: Patient | None = None
    plan_changed = action in ("plan", "undo")
    if plan_changed or urgent:
        patient = _patient_of(person_id)
        if patient is None:
            return
        if plan_changed:
            standing.plan_change_alert(patient, at, action)
        if urgent:
            standing.self_harm_alert(patient, at)
    if Standing.objects.filter(patient__person_id=person_id).update(
        stale_since=Coalesce(F("stale_since"), Value(at))
    ):
        return
    patient = patient or _patient_of(person_id)
    if patient is not None:
        _refresh(patient, at)


def _patient_of(person_id: int) -> Patient | None:
    return Patient.objects.filter(person_id=person_id).select_related("person").first()


def _refresh(patient: Patient, now: datetime) -> None:
    standing.refresh(patient, now)
    taper_tally.refresh(patient, now)
    Standing.objects.filter(patient=patient).update(stale_since=None)


def bring_up_to_date(now: datetime, among: QuerySet[Patient] | None = None, *, wait: bool = True,
                     settled: timedelta | None = None) -> int:  # fmt: skip
    """Refresh the stale standings (of `among`, or every patient), oldest first, each in a
    transaction of its own that holds the standing's row: a write to that patient meanwhile
    waits for it and marks the standing stale again. `wait=False` (the worker) skips a standing
    another process is refreshing; a page waits for it, to show it refreshed. One that fails is
    logged and left stale, to be tried again, and the others go on. `settled`: only those stale
    for at least that long (a patient still writing is refreshed once for the lot). The number
    refreshed."""
    done = 0
    failed: set[int] = set()
    while True:
        picked: int | None = None
        try:
            with transaction.atomic():
                stale = Standing.objects.filter(stale_since__isnull=False).exclude(id__in=failed)
                if among is not None:
                    stale = stale.filter(patient_id__in=among.values("id"))
                if settled is not None:
                    stale = stale.filter(stale_since__lte=now - settled)
                row = (
                    stale.order_by("stale_since", "id")
                    .select_for_update(skip_locked=not wait)
                    .only("id", "patient_id")
                    .first()
                )
                if row is None:
                    return done
                picked = row.id
                _refresh(Patient.objects.select_related("person").get(id=row.patient_id), now)
            done += 1
        except Exception:
            if picked is None:
                raise  # the database itself failed: nothing to skip
            log.exception("standing %s not refreshed; left stale", picked)
            failed.add(picked)
