"""A patient's standing (signals, breaches, last dose, scores), stored so triage is one query.

Refreshed in the transaction that changes the patient's data (see hooks), from the very same
judgement as `kratomlog status`; a reason that starts raises its alert there too.
"""

from datetime import datetime, timedelta

from kratomlog.checkins.models import CheckIn
from kratomlog.clinic import alerts
from kratomlog.clinic.models import Patient, Standing
from kratomlog.core.days import local_day, zone
from kratomlog.core.history import DayRow
from kratomlog.journal.models import Entry
from kratomlog.plans.models import PlanVersion
from kratomlog.standing import status_and_recent

# Triage order: what needs a clinician first. A patient's priority is the rank of their most
# urgent reason; a patient with none sorts after every patient with one.
REASONS = (
    "self_harm_risk",
    "loss_of_control",
    "withdrawal_persisting",
    "escalation",
    "limit_broken",
    "not_heard_from",
)
NO_REASON = len(REASONS)
REASON_WORDS = {
    "self_harm_risk": "self-harm risk (PHQ-9 item 9)",
    "loss_of_control": "loss of control",
    "withdrawal_persisting": "withdrawal persisting",
    "escalation": "escalation",
    "limit_broken": "a limit you set was broken in the last 7 days",
    "not_heard_from": "not heard from for 7 days",
}
SILENCE = timedelta(days=7)  # kratomlog's own choice: a week without any record under a plan
RECENT_BREACH_DAYS = 7
SPARK_DAYS = 28


def _last_activity(patient: Patient) -> datetime | None:
    """The latest moment the patient recorded anything (an entry or a check-in)."""
    person_id = patient.person_id
    entry = (
        Entry.objects.filter(person_id=person_id, deleted=False)
        .order_by("-taken_at")
        .values_list("taken_at", flat=True)
        .first()
    )
    checkin = (
        CheckIn.objects.filter(person_id=person_id, deleted=False)
        .order_by("-taken_at")
        .values_list("taken_at", flat=True)
        .first()
    )
    return max((moment for moment in (entry, checkin) if moment), default=None)


def _latest_total(patient: Patient, instrument: str) -> int | None:
    return (
        CheckIn.objects.filter(person_id=patient.person_id, instrument=instrument, deleted=False)
        .order_by("-taken_at")
        .values_list("total", flat=True)
        .first()
    )


def _clinician_plan_names(patient: Patient) -> set[str]:
    """Names of the live plan versions a clinician set (their breaches are `limit_broken`)."""
    return set(
        PlanVersion.objects.filter(
            person_id=patient.person_id, withdrawn=False, set_by_user_id__isnull=False
        ).values_list("name", flat=True)
    )


def _allowance_words(rows: list[DayRow], plan_name: str) -> str:
    if not plan_name:
        return ""
    today = rows[-1]
    if today.allowance is not None:
        return f"{today.allowance:g} g" if today.allowance > 0 else "none (0 g)"
    return "no daily allowance"


def reasons_now(
    patient: Patient, now: datetime, signal_kinds: set[str], recent_clinician_breach: bool,
    plan_in_force: bool, last_activity: datetime | None,
) -> list[str]:  # fmt: skip
    """The triage reasons that hold now, most urgent first."""
    found = set(signal_kinds) & set(REASONS)
    if recent_clinician_breach:
        found.add("limit_broken")
    silent_since = last_activity or patient.joined_at
    if plan_in_force and now - silent_since > SILENCE:
        found.add("not_heard_from")
    return [reason for reason in REASONS if reason in found]


def refresh(patient: Patient, now: datetime) -> Standing:
    """Recompute and store `patient`'s standing as of `now`; raise alerts for reasons that start."""
    status, rows = status_and_recent(patient.person, now, days=SPARK_DAYS)
    tz = zone(patient.person.timezone)
    today = local_day(now, tz)
    clinician_plans = _clinician_plan_names(patient)
    recent_breach = any(
        breach.severity == "limit"
        and breach.plan in clinician_plans
        and (today - breach.day).days < RECENT_BREACH_DAYS
        for breach in status.breaches
    )
    last_activity = _last_activity(patient)
    reasons = reasons_now(
        patient,
        now,
        {signal.kind for signal in status.signals},
        recent_breach,
        status.plan is not None,
        last_activity,
    )
    plan_name = status.plan.name if status.plan else ""
    values = {
        "priority": REASONS.index(reasons[0]) if reasons else NO_REASON,
        "reasons": reasons,
        "days_since_last_dose": status.days_since_last_use,
        "use_days_28": sum(1 for row in rows if row.use),
        "grams_28": round(sum(row.grams for row in rows), 3),
        "grams_by_day_28": [round(row.grams, 3) for row in rows],
        "plan_name": plan_name,
        "allowance_today": _allowance_words(rows, plan_name),
        "phq9_latest": _latest_total(patient, "phq9"),
        "withdrawal_latest": _latest_total(patient, "withdrawal"),
        "last_activity_at": last_activity,
        "updated_at": now,
    }
    standing, _ = Standing.objects.update_or_create(patient=patient, defaults=values)
    details = {signal.kind: signal.message for signal in status.signals}
    for reason in reasons:
        alerts.raise_alert(patient, reason, now, details.get(reason, REASON_WORDS[reason]))
    return standing


def patient_replaced_clinician_plan(patient: Patient, action: str) -> bool:
    """Whether this plan change (a new plan, or an undo) by the patient displaced a plan that a
    clinician set: the newest version is the patient's own over a clinician's, or the version an
    undo just withdrew was a clinician's."""
    versions = PlanVersion.objects.filter(person_id=patient.person_id)
    if action == "plan":
        newest = list(versions.filter(withdrawn=False).order_by("-set_at", "-id")[:2])
        return (
            len(newest) == 2
            and newest[0].set_by_user_id is None
            and newest[1].set_by_user_id is not None
        )
    withdrawn = versions.filter(withdrawn=True).order_by("-set_at", "-id").first()
    newest_live = versions.filter(withdrawn=False).order_by("-set_at", "-id").first()
    return (
        withdrawn is not None
        and withdrawn.set_by_user_id is not None
        and (
            newest_live is None
            or (newest_live.set_at, newest_live.id) < (withdrawn.set_at, withdrawn.id)
        )
    )


def journal_changed(person_id: int, at: datetime, action: str = "") -> None:
    """Refresh the standing of the patient whose journal this is (nothing for other people)."""
    patient = Patient.objects.filter(person_id=person_id).select_related("person").first()
    if patient is None:
        return
    if action in ("plan", "undo") and patient_replaced_clinician_plan(patient, action):
        alerts.raise_alert(
            patient, "plan_changed_by_patient", at, "the patient changed a plan their clinician set"
        )
    refresh(patient, at)
