"""Triage: a clinician's patients, what needs attention first; one query whatever their number."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kratomlog.clinic import audit
from kratomlog.clinic.api_staff import triage
from kratomlog.clinic.models import ALERT_RESOLVED, CLINICIAN, Alert, Patient
from kratomlog.clinic.staff.alerts import described, staff_zone
from kratomlog.clinic.staff.sparkline import sparkline
from kratomlog.clinic.standing import REASON_WORDS, REASONS

PAGE_SIZE = 100


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
    team = request.GET.get("team") or None
    reason = request.GET.get("reason") or None
    if reason not in REASONS:
        reason = None
    # Paged: the most urgent come first, and a page of 100 renders in a constant time however
    # many patients a clinician has (two queries: the page and the count).
    pages = Paginator(triage(request.user, team, reason), PAGE_SIZE)
    page = pages.get_page(request.GET.get("page"))
    patients = list(page.object_list)
    latest_alerts = _latest_alerts(patients, staff_zone(request.user))
    audit.record_reads(actor=request.user, role=CLINICIAN, what="triage list", patients=patients,
                       address=audit.client_address(request))  # fmt: skip
    rows = []
    for patient in patients:
        standing = getattr(patient, "standing", None)
        reasons = standing.reasons if standing else []
        shown = latest_alerts.get(patient.id, {})
        rows.append(
            {
                "patient": patient,
                "standing": standing,
                "reasons": [REASON_WORDS[r] for r in reasons],
                # Each reason with its alert's state: "resolved by Dr Lee 01:13 CET" is no
                # longer an emergency, "self-harm risk" in red is.
                "reason_states": [(REASON_WORDS[r], shown.get(r)) for r in reasons],
                "urgent": "self_harm_risk" in reasons
                and getattr(shown.get("self_harm_risk"), "state", "open") != ALERT_RESOLVED,
                "spark": sparkline(standing.grams_by_day_28 if standing else []),
            }
        )
    teams = request.user.account.teams.order_by("name").values_list("name", flat=True)
    return render(
        request,
        "clinic/staff/triage.html",
        {
            "rows": rows,
            "page": page,
            "teams": list(teams),
            "team": team,
            "reason": reason,
            "reasons": [(key, REASON_WORDS[key]) for key in REASONS],
        },
    )
