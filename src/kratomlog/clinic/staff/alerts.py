"""The alerts inbox: a clinician's alerts, acknowledged and resolved with a note."""

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kratomlog.clinic import audit, inbox
from kratomlog.clinic.staff.triage import unknown_team
from kratomlog.clinic.standing import REASON_WORDS
from kratomlog.core.errors import InputError

KIND_WORDS = {**REASON_WORDS, "plan_changed_by_patient": "the patient changed a plan you set"}


def inbox_page(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state") or None
    if state not in inbox.STATES:
        state = None
    teams = list(request.user.account.teams.order_by("name").values_list("name", flat=True))
    team = request.GET.get("team") or None
    error = unknown_team(team, teams)
    if error is not None:
        team = None
    alerts = list(inbox.alerts_for(request.user, state, team)[:500])
    for alert in alerts:
        alert.label = KIND_WORDS.get(alert.kind, alert.kind)  # type: ignore[attr-defined]
    return render(
        request,
        "clinic/staff/alerts.html",
        {"alerts": alerts, "state": state, "team": team, "states": inbox.STATES, "teams": teams,
         "error": error},
        status=400 if error else 200,
    )  # fmt: skip


def alert_page(
    request: HttpRequest, alert_id: int, error: InputError | None = None
) -> HttpResponse:
    alert = inbox.alerts_for(request.user).filter(id=alert_id).first()
    if alert is None:
        raise Http404
    alert.label = KIND_WORDS.get(alert.kind, alert.kind)  # type: ignore[attr-defined]
    return render(
        request,
        "clinic/staff/alert.html",
        {"alert": alert, "error": error},
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
