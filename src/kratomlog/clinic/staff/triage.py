"""Triage: a clinician's patients, what needs attention first; one query whatever their number."""

from datetime import date, datetime
from typing import Any

from django.core.paginator import Paginator
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from kratomlog.clinic import audit
from kratomlog.clinic.api_staff import triage
from kratomlog.clinic.models import ALERT_RESOLVED, CLINICIAN, Alert, Patient, Visit
from kratomlog.clinic.staff.alerts import described, staff_zone
from kratomlog.clinic.staff.filters import unknown_team
from kratomlog.clinic.staff.sparkline import dose_sparkline, doses_a_day, sparkline
from kratomlog.clinic.standing import REASON_WORDS, REASONS

PAGE_SIZE = 100


def with_contact_alert_and_visit(patients: QuerySet[Patient]) -> QuerySet[Patient]:
    """Each patient with their most pressing unresolved alert (urgent first, then the oldest)
    and the next visit their latest visit set, in the same query as the list."""
    unresolved = (
        Alert.objects.filter(patient=OuterRef("pk"))
        .exclude(state=ALERT_RESOLVED)
        .order_by("-urgent", "raised_at", "pk")
    )
    latest_visit = Visit.objects.filter(patient=OuterRef("pk")).order_by("-at", "-pk")
    return patients.annotate(
        alert_id=Subquery(unresolved.values("pk")[:1]),
        alert_kind=Subquery(unresolved.values("kind")[:1]),
        alert_state=Subquery(unresolved.values("state")[:1]),
        alert_urgent=Subquery(unresolved.values("urgent")[:1]),
        alert_raised_at=Subquery(unresolved.values("raised_at")[:1]),
        next_visit=Subquery(latest_visit.values("next_visit_on")[:1]),
    )


def _days_ago(moment: datetime | None, now: datetime) -> int | None:
    """Whole days since `moment` in the reader's zone (0: today), None if there is none."""
    if moment is None:
        return None
    return (timezone.localdate(now) - timezone.localdate(moment)).days


def _dose_words(mean: str) -> str:
    return f"{mean} dose{'' if mean == '1' else 's'} a day"


def _row(
    patient: Any, top: float, top_doses: int, now: datetime, shown: dict[str, Alert]
) -> dict[str, Any]:
    standing = getattr(patient, "standing", None)
    # Empty until the standing is refreshed after the upgrade that began counting doses: no
    # count is shown rather than a false 0.
    doses = standing.doses_by_day_28 if standing else []
    reasons = standing.reasons if standing else []
    next_visit: date | None = patient.next_visit
    next_visit_in = (next_visit - timezone.localdate(now)).days if next_visit else None
    return {
        "patient": patient,
        "standing": standing,
        "reasons": [REASON_WORDS[r] for r in reasons],
        # Each reason with its alert's state: "resolved by Dr Lee 01:13 CET" is no longer an
        # emergency, "self-harm risk" in red is.
        "reason_states": [(REASON_WORDS[r], shown.get(r)) for r in reasons],
        "urgent": "self_harm_risk" in reasons
        and getattr(shown.get("self_harm_risk"), "state", "open") != ALERT_RESOLVED,
        "spark": sparkline(standing.grams_by_day_28 if standing else [], top=top),
        "dose_spark": dose_sparkline(doses, top=top_doses),
        "doses_a_day": _dose_words(doses_a_day(sum(doses), len(doses))) if doses else None,
        "contact_days": _days_ago(standing.last_activity_at if standing else None, now),
        "alert_words": (
            REASON_WORDS.get(patient.alert_kind, patient.alert_kind.replace("_", " "))
            if patient.alert_kind
            else ""
        ),
        "next_visit": next_visit,
        "next_visit_in": next_visit_in,
        "next_visit_passed": max(0, -next_visit_in) if next_visit_in is not None else 0,
    }


def _latest_alerts(patients: list[Patient], zone_name: str) -> dict[int, dict[str, Alert]]:
    """The newest alert of each kind for these patients (one query), with its state in words."""
    found: dict[int, dict[str, Alert]] = {}
    alerts = Alert.objects.filter(patient__in=patients).select_related(
        "resolved_by__account", "acknowledged_by__account"
    )
    for alert in alerts.order_by("raised_at", "id"):
        found.setdefault(alert.patient_id, {})[alert.kind] = described(alert, zone_name)
    return found


def triage_page(request: HttpRequest) -> HttpResponse:
    teams = list(request.user.account.teams.order_by("name").values_list("name", flat=True))
    team = request.GET.get("team") or None
    reason = request.GET.get("reason") or None
    if reason not in REASONS:
        reason = None
    error = unknown_team(team, teams)
    if error is not None:
        team = None
    # Paged: the most urgent come first, and a page of 100 renders in a constant time however
    # many patients a clinician has (two queries: the page and the count).
    listed = with_contact_alert_and_visit(triage(request.user, team, reason))
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    patients = list(page.object_list)
    latest_alerts = _latest_alerts(patients, staff_zone(request.user))
    audit.record_reads(actor=request.user, role=CLINICIAN, what="triage list", patients=patients,
                       address=audit.client_address(request))  # fmt: skip
    # One scale for every sparkline on the page, so that bars compare across patients.
    top = max(
        (max(p.standing.grams_by_day_28 or [0.0]) for p in patients if hasattr(p, "standing")),
        default=0.0,
    )
    top_doses = max(
        (max(p.standing.doses_by_day_28 or [0]) for p in patients if hasattr(p, "standing")),
        default=0,
    )
    now = timezone.now()
    return render(
        request,
        "clinic/staff/triage.html",
        {
            "rows": [_row(p, top, top_doses, now, latest_alerts.get(p.id, {})) for p in patients],
            "scale_top": max(top, 1.0),
            "doses_top": max(top_doses, 1),
            "page": page,
            "teams": teams,
            "team": team,
            "error": error,
            "reason": reason,
            "reasons": [(key, REASON_WORDS[key]) for key in REASONS],
        },
        status=400 if error else 200,
    )
