"""Measurement-based care: change since enrolment and the taper review, for a patient (their
own) and for their clinician."""

from datetime import UTC, datetime
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from kratomlog.checkins import outcomes
from kratomlog.clinic import audit
from kratomlog.clinic import outcomes as clinic_outcomes
from kratomlog.clinic.api_auth import OF_PATIENT, Bearer
from kratomlog.clinic.api_errors import answers
from kratomlog.clinic.api_staff import read_patient
from kratomlog.clinic.models import ADMIN, CLINICIAN, PATIENT, Patient
from kratomlog.clinic.policy import own_patient, role_of
from kratomlog.plans import review

router = Router(tags=["outcomes"])


class ScoreOut(Schema):
    at: datetime
    total: int


class OutcomeOut(Schema):
    baseline: ScoreOut
    latest: ScoreOut
    change: int
    category: str | None  # recovered, improved, no_reliable_change, deteriorated; None: no rule
    threshold: int | None  # the change that is reliable
    cutoff: int | None  # caseness
    source: str
    words: str
    higher_is_better: bool = False  # the BAM's Protective subscale


class OutcomesOut(Schema):
    phq9: OutcomeOut | None
    gad7: OutcomeOut | None
    withdrawal: OutcomeOut | None
    craving: OutcomeOut | None
    # The BAM's subscales, first against latest (change only: no published reliable change)
    bam_use: OutcomeOut | None = None
    bam_risk: OutcomeOut | None = None
    bam_protective: OutcomeOut | None = None


def _since_enrolment(patient: Patient) -> dict[str, object]:
    """In a clinic, care starts at enrolment: the first score at or after joining is the
    baseline."""
    found = outcomes.outcomes(patient.person, patient.joined_at, datetime.now(UTC))
    return outcomes.as_dict(found)


@router.get("/me/outcomes", auth=Bearer(PATIENT), response=answers(OutcomesOut))
def my_outcomes(request: HttpRequest) -> dict[str, object]:
    return _since_enrolment(own_patient(request.user))


@router.get("/patients/{patient_id}/outcomes", auth=OF_PATIENT, response=answers(OutcomesOut))
def patient_outcomes(request: HttpRequest, patient_id: UUID) -> dict[str, object]:
    return _since_enrolment(read_patient(request, patient_id, "outcomes"))


class StepChangeOut(Schema):
    kind: str  # hold, step back
    on: str  # the day it was made, YYYY-MM-DD
    days: int | None = None  # a hold: how many days longer the step lasts
    from_grams: float | None = None  # a step back: the allowance it went back from


class StepOut(Schema):
    step: int
    from_: str = Field(alias="from")
    to: str | None  # None: the last step, which lasts
    allowance_grams: float
    state: str  # done, current, to come
    current: bool
    days: int
    days_within: int
    grams_per_day: float | None
    grams_max: float | None
    doses_per_day: float | None
    doses_max: int | None
    withdrawal_mean: float | None
    craving_mean: float | None
    sleep_tst_minutes: float | None
    sleep_efficiency: float | None
    phq9_latest: int | None
    notes: list[str]
    change: StepChangeOut | None = None  # a hold or a step back made in this step


class TaperReviewOut(Schema):
    plan: str | None
    source: str
    steps: list[StepOut]


def _taper_review(patient: Patient) -> dict[str, object]:
    return review.review_document(*review.taper_review(patient.person, datetime.now(UTC)))


@router.get("/me/taper-review", auth=Bearer(PATIENT), response=answers(TaperReviewOut),
            by_alias=True)  # fmt: skip
def my_taper_review(request: HttpRequest) -> dict[str, object]:
    return _taper_review(own_patient(request.user))


@router.get("/patients/{patient_id}/taper-review", auth=OF_PATIENT,
            response=answers(TaperReviewOut), by_alias=True)  # fmt: skip
def patient_taper_review(request: HttpRequest, patient_id: UUID) -> dict[str, object]:
    return _taper_review(read_patient(request, patient_id, "taper review"))


class ShareOut(Schema):
    count: int | str  # a whole number, or "fewer than 5"
    share: float | None
    low: float | None  # the share's 95% interval (Wilson)
    high: float | None


class InstrumentOutcomesOut(Schema):
    with_two_scores: int | str
    recovered: ShareOut
    improved: ShareOut
    no_reliable_change: ShareOut
    deteriorated: ShareOut


class RetentionOut(ShareOut):
    week: int
    enrolled: int


class TaperOutcomesOut(Schema):
    patients: int | str  # patients in care with a day under a taper, or "fewer than 5"
    days: int | None  # their days under a taper (null with fewer than 5 patients)
    share_of_days_within: float | None  # of those days, the share kept within the allowance
    reached_zero: ShareOut  # patients who reached the 0 g step and kept it for a day


class GroupOut(Schema):
    group: str  # "all patients", "team North", "enrolled 2026-09"
    in_care: int | str
    instruments: dict[str, InstrumentOutcomesOut]
    retention: list[RetentionOut]
    taper: TaperOutcomesOut


class ClinicOutcomesOut(Schema):
    from_: str = Field(alias="from")
    to: str
    team: str | None
    categories: list[str]
    thresholds: dict[str, dict[str, int]]
    source: str
    retention_means: str
    taper_means: str
    groups: list[GroupOut]


@router.get("/outcomes", auth=Bearer(CLINICIAN, ADMIN), response=answers(ClinicOutcomesOut),
            by_alias=True)  # fmt: skip
def outcomes_of_the_clinic(
    request: HttpRequest, team: str | None = None, from_: str | None = Query(None, alias="from"),
    to: str | None = None,
) -> dict[str, object]:  # fmt: skip
    """Of the patients in care in the period (default the last 12 months), how many changed
    reliably on PHQ-9 and GAD-7, and how many still record by week since enrolment; by team
    and by month of enrolment. A cell of fewer than 5 patients says so instead of its count."""
    found = clinic_outcomes.clinic_outcomes(request.user, datetime.now(UTC), team, from_, to)
    audit.record(
        action="read", actor=request.user, role=role_of(request.user) or "",
        what="clinic outcomes", address=audit.client_address(request),
    )  # fmt: skip
    return found
