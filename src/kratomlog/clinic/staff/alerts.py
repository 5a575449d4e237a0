"""The alerts inbox: a clinician's alerts, acknowledged and resolved with a note.

Times are in the clinician's own zone (their account's, else the clinic's), with the zone said.
"""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kratomlog.clinic import audit, inbox, stale
from kratomlog.clinic.messages import unanswered
from kratomlog.clinic.models import ALERT_RESOLVED, CLINICIAN, Alert
from kratomlog.clinic.policy import visible_patients
from kratomlog.clinic.staff.filters import unknown_team
from kratomlog.clinic.standing import REASON_WORDS
from kratomlog.core.days import zone
from kratomlog.core.errors import InputError

KIND_WORDS = {
    **REASON_WORDS,
    "plan_changed_by_patient": "the patient changed a plan you set",
    "help_requested": "asked for help now (Help now)",
}


def staff_zone(user: Any) -> str:
    account = getattr(user, "account", None)
    return (account and account.timezone) or getattr(settings, "CLINIC_TIMEZONE", "") or "UTC"


def staff_time(moment: datetime | None, zone_name: str, with_day: bool = True) -> str:
    """`moment` in the clinician's zone with its abbreviation: "3 Dec 2026 09:12 CET"."""
    if moment is None:
        return ""
    local = moment.astimezone(zone(zone_name))
    return (
        f"{local:%-d %b %Y %H:%M} {local.tzname()}"
        if with_day
        else (f"{local:%H:%M} {local.tzname()}")
    )


def who(user: Any) -> str:
    if user is None:
        return "a former clinician"
    account = getattr(user, "account", None)
    return (account and account.display_name) or user.email or user.get_username()


def state_words(alert: Alert, zone_name: str) -> str:
    """The alert's state as a clinician says it: "resolved by Dr Lee 01:13 CET"."""
    if alert.state == ALERT_RESOLVED:
        return f"resolved by {who(alert.resolved_by)} {staff_time(alert.resolved_at, zone_name)}"
    if alert.acknowledged_at is not None:
        return (
            f"acknowledged by {who(alert.acknowledged_by)} "
            f"{staff_time(alert.acknowledged_at, zone_name)}"
        )
    return "open"


def described(alert: Alert, zone_name: str) -> Alert:
    """The alert with what the pages show added: its kind, state and times in words."""
    extra = {
        "label": KIND_WORDS.get(alert.kind, alert.kind.replace("_", " ")),
        "state_words": state_words(alert, zone_name),
        "raised_words": staff_time(alert.raised_at, zone_name),
        "updated_words": staff_time(alert.updated_at, zone_name),
        "stopped_words": staff_time(alert.stopped_sharing_at, zone_name),
    }
    for name, value in extra.items():
        setattr(alert, name, value)
    return alert


def inbox_page(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state") or None
    if state not in inbox.STATES:
        state = None
    teams = list(request.user.account.teams.order_by("name").values_list("name", flat=True))
    team = request.GET.get("team") or None
    error = unknown_team(team, teams)
    if error is not None:
        team = None
    zone_name = staff_zone(request.user)
    stale.bring_up_to_date(timezone.now(), visible_patients(request.user))
    shown = list(inbox.alerts_for(request.user, state, team)[:500])
    audit.record_reads(actor=request.user, role=CLINICIAN, what="alert list",
                       patients=[alert.patient for alert in shown],
                       address=audit.client_address(request))  # fmt: skip
    alerts = [described(alert, zone_name) for alert in shown]
    return render(
        request,
        "clinic/staff/alerts.html",
        {"alerts": alerts, "state": state, "team": team, "states": inbox.STATES,
         "zone": zone_name, "teams": teams, "error": error,
         "waiting": unanswered(request.user).count()},
        status=400 if error else 200,
    )  # fmt: skip


def alert_page(
    request: HttpRequest, alert_id: int, error: InputError | None = None
) -> HttpResponse:
    alert = inbox.alerts_for(request.user).filter(id=alert_id).first()
    if alert is None:
        # Unknown and not-yours answer alike, but in words: a link from an earlier mail about
        # a patient who has since stopped sharing lands here.
        return render(request, "clinic/staff/alert_gone.html", status=404)
    zone_name = staff_zone(request.user)
    audit.record(action="read", actor=request.user, role=CLINICIAN,
                 what=f"alert {alert.id} ({alert.kind})", patient=alert.patient,
                 address=audit.client_address(request))  # fmt: skip
    return render(
        request,
        "clinic/staff/alert.html",
        {"alert": described(alert, zone_name), "error": error, "zone": zone_name},
        status=400 if error else 200,
    )


@require_POST
def acknowledge(request: HttpRequest, alert_id: int) -> HttpResponse:
    inbox.acknowledge(request.user, alert_id, timezone.now(), audit.client_address(request))
    return HttpResponseRedirect(reverse("clinic-alert", args=[alert_id]))


@require_POST
def resolve(request: HttpRequest, alert_id: int) -> HttpResponse:
    try:
        inbox.resolve(
            request.user, alert_id, request.POST.get("note", ""), timezone.now(),
            audit.client_address(request),
        )  # fmt: skip
    except InputError as problem:
        return alert_page(request, alert_id, problem)
    return HttpResponseRedirect(reverse("clinic-alert", args=[alert_id]))
