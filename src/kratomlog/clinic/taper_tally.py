"""Each patient's taper tally (days under a taper, days kept, 0 g reached), stored when their
journal changes so that the clinic's outcomes read it in one query (core.taper_review.tally)."""

from datetime import datetime

from kratomlog.clinic.models import Patient, TaperTally
from kratomlog.core.days import local_day, zone
from kratomlog.core.taper_review import tally
from kratomlog.journal import queries
from kratomlog.plans.services import plan_history


def refresh(patient: Patient, at: datetime) -> TaperTally:
    person = patient.person
    found = tally(
        plan_history(person), queries.use_index(person, at), local_day(at, zone(person.timezone))
    )
    row, _ = TaperTally.objects.update_or_create(
        patient=patient,
        defaults={"taper_days": found.taper_days, "days_within": found.days_within,
                  "reached_zero": found.reached_zero, "updated_at": at},
    )  # fmt: skip
    return row


def journal_changed(person_id: int, at: datetime) -> None:
    patient = Patient.objects.filter(person_id=person_id).select_related("person").first()
    if patient is not None:
        refresh(patient, at)
