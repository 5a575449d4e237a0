"""/sharing: a patient's page about their care team: who can see the journal, who has seen it,
and the switch that stops (or restarts) sharing, in force from the next request."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from kratomlog.clinic import alerts, audit, people
from kratomlog.clinic.accounts import api_tokens
from kratomlog.clinic.consent import CARE_CONSENT
from kratomlog.clinic.models import Alert, Patient
from kratomlog.clinic.policy import clinicians_of, own_patient

ACCESSES_A_PAGE = 25
KEEP_ALERT = "stop-sharing-team-keeps-the-alert"  # the confirm button's value
# What staff did, in the patient's words; an action not listed is shown as it is recorded.
DID = {
    "read": "looked at your journal",
    "export": "exported your data",
    "report": "printed a report of your journal",
    "plan": "set a plan",
    "visit": "recorded a visit",
    "note": "wrote a note",
    "alert-ack": "acknowledged an alert",
    "alert-resolve": "resolved an alert",
    "message": "wrote to you",
}


@require_http_methods(["GET", "POST"])
def sharing(request: HttpRequest) -> HttpResponse:
    user = request.user  # type: ignore[attr-defined]
    patient = own_patient(user)
    if request.method == "POST" and api_tokens.revoke_asked(request):
        request.session["tokens_message"] = api_tokens.revoke_from_form(request)
        return HttpResponseRedirect(request.path)
    kept_alerts = list(alerts.open_urgent(patient).order_by("raised_at"))
    if request.method == "POST":
        share = request.POST.get("share") == "yes"
        if (
            not share
            and patient.sharing
            and kept_alerts
            and (request.POST.get("confirm") != KEEP_ALERT)
        ):
            # Stopping with an open urgent alert is asked in words first (the form says it).
            return _page(request, patient, kept_alerts, asked=True)
        if share != patient.sharing:
            people.set_sharing(
                patient, share, timezone.now(), actor=user, address=audit.client_address(request)
            )
        request.session["message"] = (
            "Your care team can see your journal again."
            if share
            else "Sharing stopped: your care team can no longer see your journal."
            + (" They still see the open urgent alert about you." if kept_alerts else "")
        )
        return HttpResponseRedirect(request.path)
    return _page(request, patient, kept_alerts)


def _page(
    request: HttpRequest, patient: Patient, kept_alerts: list[Alert], asked: bool = False
) -> HttpResponse:
    accesses = Paginator(people.access_log(patient), ACCESSES_A_PAGE).get_page(
        request.GET.get("page")
    )
    for access in accesses:
        access.did = DID.get(access.action, access.action.replace("-", " "))  # type: ignore[attr-defined]
    return render(
        request,
        "clinic/accounts/sharing.html",
        {
            "patient": patient,
            "zone": patient.person.timezone,
            "team": patient.team,
            "clinicians": clinicians_of(patient).select_related("account").order_by("email"),
            "consent_now": people.consent_now(patient),
            "consent": CARE_CONSENT,
            "paragraphs": CARE_CONSENT.text.split("\n\n"),
            "accesses": accesses,
            "message": request.session.pop("message", None),
            "tokens_message": request.session.pop("tokens_message", None),
            **api_tokens.listed(request.user),  # type: ignore[attr-defined]
            "kept_alerts": kept_alerts,
            "asked": asked,
            "keep_alert": KEEP_ALERT,
        },
        status=400 if asked else 200,
    )
