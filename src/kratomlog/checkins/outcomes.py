"""Change since the start of care for one person, read from their check-ins (core.outcomes)."""

from collections import defaultdict
from datetime import UTC, datetime, time

from kratomlog.checkins.queries import live_checkins
from kratomlog.core import bam
from kratomlog.core.bounds import EARLIEST
from kratomlog.core.days import zone
from kratomlog.core.instruments import instrument
from kratomlog.core.outcomes import Outcome, Score, outcome
from kratomlog.journal.models import Person

# PHQ-9 and GAD-7 with their categories; withdrawal, craving and the BAM's subscales with their
# change only (no reliable-change value is published for them).
MEASURED = ("phq9", "gad7", "withdrawal", "craving")
BAM_MEASURED = {f"bam_{key}": f"BAM {name}" for key, name in bam.SUBSCALE_NAMES.items()}
NAMES = {**{key: instrument(key).name for key in MEASURED}, **BAM_MEASURED}


def journal_start(person: Person) -> datetime:
    """Locally the start of care is the journal's start: the day it says it began, else any."""
    if person.journal_started is None:
        return EARLIEST
    local = datetime.combine(person.journal_started, time(0), zone(person.timezone))
    return local.astimezone(UTC)


def care_start(person: Person) -> datetime:
    """In a clinic, care starts at enrolment; in a local journal, at the journal's start."""
    patient = getattr(person, "patient", None)  # only where the clinic app is installed
    return patient.joined_at if patient is not None else journal_start(person)


def outcomes(person: Person, start: datetime, now: datetime) -> dict[str, Outcome | None]:
    """Each instrument's first score at or after `start` against its latest; None for fewer
    than two. One query for all four."""
    scores: dict[str, list[Score]] = defaultdict(list)
    rows = (
        live_checkins(person, now)
        .filter(instrument__in=(*MEASURED, bam.KEY), taken_at__gte=start)
        .order_by("taken_at", "id")
        .values_list("instrument", "taken_at", "total", "answers")
    )
    for key, at, total, answers in rows:
        if key == bam.KEY:
            for subscale, value in bam.score(answers).subscales.items():
                scores[f"bam_{subscale}"].append(Score(at, value))
        else:
            scores[key].append(Score(at, total))
    found = {key: outcome(key, NAMES[key], scores[key], start) for key in MEASURED}
    for key, name in BAM_MEASURED.items():
        found[key] = outcome(key, name, scores[key], start, key == f"bam_{bam.PROTECTIVE}")
    return found


def as_dict(found: dict[str, Outcome | None]) -> dict[str, object]:
    return {key: (value.as_dict() if value else None) for key, value in found.items()}
