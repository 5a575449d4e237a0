"""Visits: a clinician's COWS rating and notes, kept with the patient's record."""

from datetime import date, datetime
from typing import Any

from django.db import transaction

from kratomlog.clinic import audit
from kratomlog.clinic.models import CLINICIAN, Patient, Visit
from kratomlog.core import cows
from kratomlog.core.errors import InputError

NOTE_MOST = 20_000


@transaction.atomic
def record_visit(
    clinician: Any,
    patient: Patient,
    now: datetime,
    cows_answers: list[int] | None,
    note: str,
    address: str | None = None,
    next_visit_on: date | None = None,
) -> Visit:
    """A visit with a COWS rating (all 11 items, or none) and/or a note; at least one of them."""
    rating = cows.rate(cows_answers) if cows_answers is not None else None
    note = note.strip()
    if rating is None and not note:
        raise InputError("note", "rate the COWS items or write a note (or both)")
    if len(note) > NOTE_MOST:
        raise InputError("note", f"at most {NOTE_MOST} characters")
    visit = Visit.objects.create(
        patient=patient,
        clinician=clinician,
        at=now,
        cows_answers=list(rating.answers) if rating else None,
        cows_total=rating.total if rating else None,
        note=note,
        next_visit_on=next_visit_on,
    )
    what = f"visit: COWS {rating.total}" if rating else "visit: note"
    if next_visit_on:
        what += f"; next visit {next_visit_on}"
    audit.record(
        action="write", actor=clinician, role=CLINICIAN, what=what, patient=patient,
        address=address, at=now,
    )  # fmt: skip
    return visit
