"""A clinician's side of the conversations: the inbox of unanswered ones, and one patient's."""

from uuid import UUID

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from kratomlog.clinic import audit, messages
from kratomlog.clinic.models import CLINICIAN
from kratomlog.clinic.policy import patient_for_clinician, require_role
from kratomlog.clinic.staff.alerts import staff_zone
from kratomlog.core.errors import InputError


def inbox(request: HttpRequest) -> HttpResponse:
    require_role(request.user, CLINICIAN)
    waiting = list(messages.unanswered(request.user))
    # Each patient the list showed, in their own access log.
    audit.record_reads(actor=request.user, role=CLINICIAN, what="messages inbox",
                       patients=waiting, address=audit.client_address(request))  # fmt: skip
    return render(
        request,
        "clinic/staff/messages_inbox.html",
        {"waiting": waiting, "zone": staff_zone(request.user),
         "staff_reminder": messages.STAFF_REMINDER},
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def conversation(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    patient = patient_for_clinician(request.user, patient_id)
    now, error, typed = timezone.now(), None, ""
    if request.method == "POST":
        typed = request.POST.get("text", "")
        try:
            messages.send(patient, request.user, typed, now)
            # Redirected, so that reloading the page shows it and does not send it again.
            return HttpResponseRedirect(request.path)
        except InputError as problem:
            error = problem
    audit.record(
        action="read", actor=request.user, role=CLINICIAN, what="messages", patient=patient,
        address=audit.client_address(request),
    )  # fmt: skip
    messages.mark_read(patient, by_patient=False, now=now)
    return render(
        request,
        "clinic/staff/messages.html",
        {
            "patient": patient,
            "conversation": messages.conversation(patient),
            "not_for_emergencies": messages.NOT_FOR_EMERGENCIES,
            "staff_reminder": messages.STAFF_REMINDER,
            "zone": staff_zone(request.user),
            "longest": messages.LONGEST,
            "typed": typed,
            "error": error,
        },
        status=400 if error else 200,
    )
