"""A patient's standing (signals, breaches, last dose, scores), stored so triage is one query.

Refreshed soon after the patient's data changes (see stale), from the very same judgement as
`kratomlog status`; a reason that starts raises its alert there too.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import OuterRef, Subquery

from kratomlog.checkins.models import CheckIn, SleepDiary
from kratomlog.clinic import alert_evidence, alerts, occurrences
from kratomlog.clinic.models import Patient, Standing
from kratomlog.core import bam
from kratomlog.core.breaches import Breach
from kratomlog.core.days import local_day, zone
from kratomlog.core.history import DayRow
from kratomlog.journal.models import Entry, Person
from kratomlog.plans.models import PlanVersion
from kratomlog.standing import status_and_recent

# Triage order: what needs a clinician first. A patient's priority is the rank of their most
# urgent reason; a patient with none sorts after every patient with one.
REASONS = (
    "self_harm_risk",
    "loss_of_control",
    "withdrawal_persisting",
    "bam_flag",
    "escalation",
    "limit_broken",
    "over_allowance",
    "not_heard_from",
    "missed_checkins",
)
NO_REASON = len(REASONS)
REASON_WORDS = {
    "self_harm_risk": "self-harm risk (PHQ-9 item 9)",
    "loss_of_control": "loss of control",
    "withdrawal_persisting": "withdrawal persisting",
    "bam_flag": "a BAM answer flagged (cravings, item 8)",
    "escalation": "escalation",
    "limit_broken": "a limit you set was broken in the last 7 days",
    "over_allowance": "over the taper's allowance in the last 7 days",
    "not_heard_from": "not heard from for 7 days",
    "missed_checkins": "missed the last 2 scheduled check-ins",
}
MISSED_IN_A_ROW = 2  # the "two in a row" of one scheduled check-in
SILENCE = timedelta(days=7)  # kratomlog's own choice: a week without any record under a plan
RECENT_BREACH_DAYS = 7
SPARK_DAYS = 28
# kratomlog's own choice: the standing judges breaches over the last 90 days (three of the
# loss-of-control signal's 30-day windows), not since the plan began. Triage is about now; a
# breach older than that raised its alert when it was recorded. It also bounds what each write
# costs: the refresh reads about a quarter of the journal whatever its length (`kratomlog
# status` still judges the whole plan).
JUDGED_DAYS = 90


@dataclass(frozen=True)
class Latest:
    """The newest of each kind that triage shows, read in one query (each is a subquery)."""

    last_activity: datetime | None
    phq9_total: int | None
    withdrawal_total: int | None
    bam_id: int | None


def _newest(queryset: Any, field: str, *order: str) -> Subquery:
    return Subquery(queryset.order_by(*order).values(field)[:1])


def _latest(patient: Patient, now: datetime) -> Latest:
    """The latest moment the patient recorded anything: an entry, a check-in or a sleep diary
    (a patient on a break fills in the diary every morning, as the app asks: that is contact;
    a diary counts from the morning it describes, when the patient got up); the latest PHQ-9
    and withdrawal totals; the latest BAM up to `now`. One query, not six: every write pays it."""
    mine = {"person_id": OuterRef("id"), "deleted": False}
    checkins = CheckIn.objects.filter(**mine)
    row = (
        Person.objects.filter(id=patient.person_id)
        .annotate(
            entry=_newest(Entry.objects.filter(**mine), "taken_at", "-taken_at"),
            checkin=_newest(checkins, "taken_at", "-taken_at"),
            diary=_newest(SleepDiary.objects.filter(**mine), "out_of_bed", "-out_of_bed"),
            phq9=_newest(checkins.filter(instrument="phq9"), "total", "-taken_at"),
            withdrawal=_newest(checkins.filter(instrument="withdrawal"), "total", "-taken_at"),
            bam_id=_newest(
                checkins.filter(instrument=bam.KEY, taken_at__lte=now), "id", "-taken_at", "-id"
            ),
        )
        .values("entry", "checkin", "diary", "phq9", "withdrawal", "bam_id")
        .get()
    )
    moments = (row["entry"], row["checkin"], row["diary"])
    return Latest(
        last_activity=max((moment for moment in moments if moment), default=None),
        phq9_total=row["phq9"],
        withdrawal_total=row["withdrawal"],
        bam_id=row["bam_id"],
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
    plan_in_force: bool, last_activity: datetime | None, recent_over_allowance: bool = False,
    missed_in_a_row: int = 0,
) -> list[str]:  # fmt: skip
    """The triage reasons that hold now, most urgent first."""
    found = set(signal_kinds) & set(REASONS)
    if recent_clinician_breach:
        found.add("limit_broken")
    if recent_over_allowance:
        found.add("over_allowance")
    silent_since = last_activity or patient.joined_at
    if plan_in_force and now - silent_since > SILENCE:
        found.add("not_heard_from")
    if missed_in_a_row >= MISSED_IN_A_ROW:
        found.add("missed_checkins")
    return [reason for reason in REASONS if reason in found]


def _latest_phq9(patient: Patient, now: datetime) -> CheckIn | None:
    return (
        CheckIn.objects.filter(
            person_id=patient.person_id, instrument="phq9", deleted=False, taken_at__lte=now
        )
        .order_by("-taken_at", "-id")
        .first()
    )


def _bam_evidence(checkin: CheckIn, tz: Any) -> alerts.Evidence | None:
    """The latest BAM's flagged items (cravings at Considerably or more), None when none."""
    scored = bam.score(checkin.answers)
    if not scored.flags:
        return None
    said = "; ".join(
        f"item {n} ({bam.ITEMS[n - 1].short}) {bam.ITEMS[n - 1].choices[scored.item(n)]}"
        for n in scored.flags
    )
    day = checkin.taken_at.astimezone(tz).date()
    return alerts.Evidence(
        key=f"checkin:{checkin.uid}",
        detail=f"BAM of {day:%-d %B %Y}: {said}. Use {scored.use}, Risk {scored.risk}, "
        f"Protective {scored.protective}.",
        facts={"checkin": str(checkin.uid), "flagged_items": list(scored.flags),
               "subscales": scored.subscales, "day": day.isoformat()},
    )  # fmt: skip


def _evidence(
    patient: Patient, reason: str, now: datetime, status: Any, last_activity: datetime | None,
    recent: dict[str, list[Breach]], rows: list[DayRow], latest_bam: CheckIn | None = None,
) -> alerts.Evidence | None:  # fmt: skip
    """What the alert for `reason` is raised on (None: nothing to raise it on)."""
    tz = zone(patient.person.timezone)
    signals = {signal.kind: signal for signal in status.signals}
    if reason == "self_harm_risk":
        return _self_harm_evidence(patient, now, tz)
    if reason in ("limit_broken", "over_allowance"):
        breach = max(recent[reason], key=lambda breach: breach.day)
        row = next((row for row in rows if row.day == breach.day), None)
        most = row.allowance if row is not None and breach.kind == "taper" else None
        if breach.kind == "max_grams_per_day" and status.plan and status.plan.name == breach.plan:
            rule = next((r for r in status.plan.rules if r.id == breach.rule), None)
            most = getattr(rule, "max_grams", None)
        return alert_evidence.limit_broken(breach, row.grams if row else None, most)
    if reason == "loss_of_control":
        counted = [breach for breach in status.breaches if breach.severity == "limit"]
        if not counted:
            return None
        return alert_evidence.loss_of_control(signals[reason], counted)
    if reason == "bam_flag":
        return _bam_evidence(latest_bam, tz) if latest_bam is not None else None
    if reason == "withdrawal_persisting":
        signal = signals[reason]
        return alert_evidence.from_signal(signal, f"day:{signal.since}", REASON_WORDS[reason])
    if reason == "escalation":
        # The signal's window moves every day: one alert a week at most while it lasts.
        year, week, _ = local_day(now, tz).isocalendar()
        return alert_evidence.from_signal(signals[reason], f"week:{year}-{week}", "escalation")
    if reason == "not_heard_from":
        return alert_evidence.not_heard_from(last_activity, patient.joined_at, now, tz)
    return None


def refresh(patient: Patient, now: datetime) -> Standing:
    """Recompute and store `patient`'s standing as of `now`; raise alerts for new evidence."""
    status, rows = status_and_recent(patient.person, now, days=SPARK_DAYS, judged_days=JUDGED_DAYS)
    tz = zone(patient.person.timezone)
    today = local_day(now, tz)
    clinician_plans = _clinician_plan_names(patient)
    recent: dict[str, list[Breach]] = {"limit_broken": [], "over_allowance": []}
    for breach in status.breaches:
        if (
            breach.severity == "limit"
            and breach.plan in clinician_plans
            and (today - breach.day).days < RECENT_BREACH_DAYS
        ):
            recent["over_allowance" if breach.kind == "taper" else "limit_broken"].append(breach)
    latest = _latest(patient, now)
    last_activity = latest.last_activity
    latest_bam = CheckIn.objects.get(id=latest.bam_id) if latest.bam_id is not None else None
    flagged = {"bam_flag"} if latest_bam and bam.score(latest_bam.answers).flags else set()
    reasons = reasons_now(
        patient,
        now,
        {signal.kind for signal in status.signals} | flagged,
        bool(recent["limit_broken"]),
        status.plan is not None,
        last_activity,
        bool(recent["over_allowance"]),
        occurrences.missed_in_a_row(patient, now),
    )
    plan_name = status.plan.name if status.plan else ""
    values = {
        "priority": REASONS.index(reasons[0]) if reasons else NO_REASON,
        "reasons": reasons,
        "days_since_last_dose": status.days_since_last_use,
        "use_days_28": sum(1 for row in rows if row.use),
        "grams_28": round(sum(row.grams for row in rows), 3),
        "grams_by_day_28": [round(row.grams, 3) for row in rows],
        "doses_28": sum(row.doses for row in rows),
        "doses_by_day_28": [row.doses for row in rows],
        "plan_name": plan_name,
        "allowance_today": _allowance_words(rows, plan_name),
        "phq9_latest": latest.phq9_total,
        "withdrawal_latest": latest.withdrawal_total,
        "last_activity_at": last_activity,
        "updated_at": now,
    }
    standing = store(Standing, patient, values)
    for reason in reasons:
        evidence = _evidence(patient, reason, now, status, last_activity, recent, rows, latest_bam)
        if evidence is not None:
            alerts.raise_alert(patient, reason, now, evidence)
    return standing


def store(model: Any, patient: Patient, values: dict[str, Any]) -> Any:
    """`patient`'s row of `model` set to `values`: one UPDATE, as every write but the first
    finds the row there (update_or_create takes a savepoint, a locking read and the update).
    What it returns carries the values stored, not the row's id."""
    if model.objects.filter(patient=patient).update(**values):
        return model(patient=patient, **values)
    row, _ = model.objects.update_or_create(patient=patient, defaults=values)
    return row


def clinician_plan_replaced(patient: Patient, action: str) -> alerts.Evidence | None:
    """What this plan change (a new plan, or an undo) by the patient did to a plan a clinician
    set, or None when it displaced none: the newest version is the patient's own over a
    clinician's, or the version an undo just withdrew was a clinician's."""
    versions = PlanVersion.objects.filter(person_id=patient.person_id)
    if action == "plan":
        newest = list(versions.filter(withdrawn=False).order_by("-set_at", "-id")[:2])
        if (
            len(newest) == 2
            and newest[0].set_by_user_id is None
            and newest[1].set_by_user_id is not None
        ):
            return alert_evidence.plan_changed(newest[1].name, newest[0].name, newest[0].id, False)
        return None
    withdrawn = versions.filter(withdrawn=True).order_by("-set_at", "-id").first()
    newest_live = versions.filter(withdrawn=False).order_by("-set_at", "-id").first()
    if (
        withdrawn is not None
        and withdrawn.set_by_user_id is not None
        and (
            newest_live is None
            or (newest_live.set_at, newest_live.id) < (withdrawn.set_at, withdrawn.id)
        )
    ):
        in_force = newest_live.name if newest_live else ""
        return alert_evidence.plan_changed(withdrawn.name, in_force, withdrawn.id, True)
    return None


def patient_replaced_clinician_plan(patient: Patient, action: str) -> bool:
    return clinician_plan_replaced(patient, action) is not None


def plan_change_alert(patient: Patient, at: datetime, action: str) -> None:
    """The alert for a plan change (a new plan, or an undo) by the patient that displaced a
    plan a clinician set."""
    replaced = clinician_plan_replaced(patient, action)
    if replaced is not None:
        alerts.raise_alert(patient, "plan_changed_by_patient", at, replaced)


def _self_harm_evidence(patient: Patient, now: datetime, tz: Any) -> alerts.Evidence | None:
    """The latest PHQ-9, when it answers item 9 above 0 (what course.self_harm_risk reads)."""
    checkin = _latest_phq9(patient, now)
    if checkin is None or not checkin.self_harm:
        return None
    return alert_evidence.self_harm(checkin, tz)


def self_harm_alert(patient: Patient, now: datetime) -> None:
    """The urgent alert alone, on the evidence `refresh` raises it on: for the write that brings
    the answer, which leaves the rest of the standing to the worker."""
    evidence = _self_harm_evidence(patient, now, zone(patient.person.timezone))
    if evidence is not None:
        alerts.raise_alert(patient, "self_harm_risk", now, evidence)
