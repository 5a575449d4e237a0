"""A clinic's outcomes: of the patients in care in a period, how many changed reliably on PHQ-9
and GAD-7, and how many are still recording by week since enrolment. By team and by month of
enrolment, for a clinician's teams or (an admin) all; only patients who share are counted.

One query a table whatever the number of patients: each patient's first score since enrolment
and latest score in the period come from correlated subqueries on the check-ins' (person,
instrument, taken_at) index, retention from the stored standings, the taper's days from the
stored taper tallies (clinic.taper_tally).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db.models import BigIntegerField, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery

from kratomlog.checkins.models import CheckIn
from kratomlog.clinic import stale
from kratomlog.clinic.models import ADMIN, CLINICIAN, Patient
from kratomlog.clinic.policy import require_role, visible_patients
from kratomlog.core import instruments, outcomes
from kratomlog.core.errors import InputError
from kratomlog.core.outcomes import CATEGORIES, THRESHOLDS, Share
from kratomlog.core.sources import RELIABLE_CHANGE

INSTRUMENTS = {"phq9": "PHQ-9", "gad7": "GAD-7"}
RETENTION_WEEKS = (1, 2, 4, 8, 12, 26)
ALL = "all patients"


@dataclass
class Group:
    name: str  # "all patients", a team's name, or a month of enrolment "2026-09"
    in_care: int = 0
    pairs: dict[str, list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))
    # week -> (patients enrolled at least that long, of them still recording in or after it)
    retention: dict[int, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    on_taper: int = 0  # patients with a day under a taper
    taper_days: int = 0
    days_within: int = 0
    reached_zero: int = 0

    def taper_dict(self) -> dict[str, Any]:
        """The share of taper days kept within the allowance (of all their taper days; no
        interval: one patient's days are not independent) and how many reached 0 g."""
        hidden = 0 < self.on_taper < outcomes.SMALLEST_SHOWN
        return {
            "patients": outcomes.FEWER_THAN if hidden else self.on_taper,
            "days": None if hidden else self.taper_days,
            "share_of_days_within": (
                None if hidden or not self.taper_days
                else round(self.days_within / self.taper_days, 3)
            ),
            "reached_zero": Share(self.reached_zero, self.on_taper).as_dict(),
        }  # fmt: skip

    def as_dict(self) -> dict[str, Any]:
        return {
            "group": self.name,
            "in_care": outcomes.FEWER_THAN if 0 < self.in_care < 5 else self.in_care,
            "instruments": {
                key: {
                    "with_two_scores": Share(len(self.pairs[key]), self.in_care).as_dict()["count"],
                    **{
                        name: share.as_dict()
                        for name, share in outcomes.tally(self.pairs[key], THRESHOLDS[key]).items()
                    },
                }
                for key in INSTRUMENTS
            },
            "retention": [
                {"week": week, "enrolled": enrolled, **Share(still, enrolled).as_dict()}
                for week, (enrolled, still) in sorted(self.retention.items())
            ],
            "taper": self.taper_dict(),
        }


def _patients(user: Any, team: str | None) -> QuerySet[Patient]:
    role = require_role(user, CLINICIAN, ADMIN)
    patients = visible_patients(user) if role == CLINICIAN else Patient.objects.filter(sharing=True)
    if team:
        patients = patients.filter(team__name=team)
    return patients


# A score's id and total in one number (id * 64 + total; every total here is under 64), so that
# one subquery gives both: two subqueries a score (one a column) cost twice the time on 2,000
# patients, and one of JSON builds an object for every check-in it sorts.
_PACKED = 64
if any(instruments.instrument(key).most >= _PACKED for key in INSTRUMENTS):
    raise RuntimeError("a total of 64 or more does not pack: widen _PACKED")


def _score(key: str, last: datetime, newest: bool) -> Subquery:
    """The patient's first (or latest) check-in of `key` from enrolment to `last`, packed (see
    _PACKED): an index seek a patient."""
    found = CheckIn.objects.filter(
        person=OuterRef("person"), instrument=key, deleted=False,
        taken_at__gte=OuterRef("joined_at"), taken_at__lt=last,
    ).order_by("-taken_at" if newest else "taken_at", "-id" if newest else "id")  # fmt: skip
    packed = ExpressionWrapper(F("id") * _PACKED + F("total"), output_field=BigIntegerField())
    return Subquery(found.values(score=packed)[:1])


# Each retention week with its span from enrolment and the start of that week, made once.
_WEEK_SPANS = tuple(
    (week, timedelta(weeks=week), timedelta(weeks=week - 1)) for week in RETENTION_WEEKS
)


def _retention(
    joined: datetime, latest: datetime | None, until: datetime
) -> list[tuple[int, bool]]:
    """The weeks this patient was enrolled for by `until`, each with whether they were still
    recording in or after it."""
    return [
        (week, bool(latest and latest >= joined + week_start))
        for week, span, week_start in _WEEK_SPANS
        if joined + span <= until
    ]


def period(first: str | None, last: str | None, today: date) -> tuple[date, date]:
    """The period asked for (YYYY-MM-DD, both included); default the last 12 months."""
    try:
        end = date.fromisoformat(last) if last else today
    except ValueError:
        raise InputError("to", f"{last!r} is not a date; YYYY-MM-DD") from None
    try:
        start = date.fromisoformat(first) if first else end - timedelta(days=365)
    except ValueError:
        raise InputError("from", f"{first!r} is not a date; YYYY-MM-DD") from None
    if start > end:
        raise InputError("from", f"{start} is after 'to' ({end}); give a period that runs forward")
    return start, end


def clinic_outcomes(
    user: Any, now: datetime, team: str | None = None, first: str | None = None,
    last: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    stale.bring_up_to_date(now, _patients(user, team))  # the taper tallies and last contacts
    start, end = period(first, last, now.date())
    until = datetime.combine(end + timedelta(days=1), time(0), UTC)
    since = datetime.combine(start, time(0), UTC)
    annotations: dict[str, Any] = {}
    for key in INSTRUMENTS:
        for end_of, newest in (("first", False), ("last", True)):
            annotations[f"{key}_{end_of}"] = _score(key, until, newest)
    rows = (
        _patients(user, team)
        .filter(joined_at__lt=until)
        .filter(Q(standing__last_activity_at__gte=since) | Q(joined_at__gte=since))
        .annotate(**annotations)
        .values(
            "team__name",
            "joined_at",
            "standing__last_activity_at",
            "taper_tally__taper_days",
            "taper_tally__days_within",
            "taper_tally__reached_zero",
            *annotations,
        )
    )
    groups: dict[str, Group] = {}
    for row in rows:
        joined = row["joined_at"]
        # What the patient adds is worked out once, then added to each of their three groups.
        pairs = {}
        for key in INSTRUMENTS:
            first_score, last_score = row[f"{key}_first"], row[f"{key}_last"]
            if first_score is not None and first_score != last_score:  # two scores or more
                pairs[key] = (first_score % _PACKED, last_score % _PACKED)
        retained = _retention(joined, row["standing__last_activity_at"], until)
        taper_days = row["taper_tally__taper_days"]
        for name in (ALL, f"team {row['team__name']}", f"enrolled {joined:%Y-%m}"):
            group = groups.setdefault(name, Group(name))
            group.in_care += 1
            for key, pair in pairs.items():
                group.pairs[key].append(pair)
            if taper_days:
                group.on_taper += 1
                group.taper_days += taper_days
                group.days_within += row["taper_tally__days_within"]
                group.reached_zero += bool(row["taper_tally__reached_zero"])
            for week, still in retained:
                counted = group.retention[week]
                counted[0] += 1
                counted[1] += still
    ordered = sorted(groups.values(), key=lambda g: (g.name != ALL, g.name))
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "team": team,
        "categories": list(CATEGORIES),
        "thresholds": {
            key: {"reliable": t.reliable, "cutoff": t.cutoff}
            for key, t in THRESHOLDS.items()
            if key in INSTRUMENTS
        },
        "source": RELIABLE_CHANGE.citation,
        "retention_means": "of the patients enrolled at least that many weeks before the period's "
        "end, those whose latest record is in that week or later",
        "taper_means": "of the patients in care with a day under a taper: their days under it to "
        "their latest record, the share of those days whose grams kept within the allowance, and "
        "how many reached the 0 g step and kept it for a day",
        "groups": [group.as_dict() for group in ordered] if groups else [Group(ALL).as_dict()],
    }
