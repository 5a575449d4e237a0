"""Each patient's taper tally (days under a taper, days kept, 0 g reached), stored when their
journal changes so that the clinic's outcomes read it in one query (core.taper_review.tally)."""

from datetime import datetime

from django.db.models import Min, TextField
from django.db.models.functions import Cast

from kratomlog.clinic.models import Patient, TaperTally
from kratomlog.clinic.standing import store
from kratomlog.core.days import local_day, zone
from kratomlog.core.taper_review import TaperTally as Tally
from kratomlog.core.taper_review import tally
from kratomlog.journal import queries
from kratomlog.journal.models import Person
from kratomlog.plans.services import plan_history


def _first_taper_start(person: Person):  # type: ignore[no-untyped-def]
    """The start of the earliest live plan version that holds a taper (a rule of kind "taper",
    found in the stored JSON, whose text reads `"kind": "taper"` on SQLite and PostgreSQL alike),
    or None. Every write refreshes the tally: a patient who never tapered must cost no read of
    their journal or their old plans, and one who did only the days since the taper began."""
    return (
        person.plan_versions.filter(withdrawn=False)
        .annotate(text=Cast("rules", TextField()))
        .filter(text__contains='"kind": "taper"')
        .aggregate(first=Min("start"))["first"]
    )


def refresh(patient: Patient, at: datetime) -> TaperTally:
    person = patient.person
    first = _first_taper_start(person)
    today = local_day(at, zone(person.timezone))
    found = (
        Tally(0, 0, False)
        if first is None or first > today
        else tally(plan_history(person, first), queries.use_index(person, at, first), today)
    )
    values = {"taper_days": found.taper_days, "days_within": found.days_within,
              "reached_zero": found.reached_zero, "updated_at": at}  # fmt: skip
    return store(TaperTally, patient, values)  # type: ignore[no-any-return]

