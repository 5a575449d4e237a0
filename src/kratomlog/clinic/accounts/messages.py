"""/messages: a patient's conversation with their care team."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from kratomlog.clinic import messages
from kratomlog.clinic.policy import own_patient
from kratomlog.core.errors import InputError
from kratomlog.journal import conversation


@require_http_methods(["GET", "POST"])
def patient_messages(request: HttpRequest) -> HttpResponse:
    user = request.user  # type: ignore[attr-defined]
    patient = own_patient(user)
    now, error, typed = timezone.now(), None, ""
    sent = request.GET.get("sent") == "1"
    if request.method == "POST" and patient.sharing:
        typed = request.POST.get("text", "")
        try:
            messages.send(patient, user, typed, now)
            # Redirected, so that reloading the page shows it and does not send it again.
            return HttpResponseRedirect(f"{request.path}?sent=1")
        except InputError as problem:
            error = problem
    messages.mark_read(patient, by_patient=True, now=now)
    return render(
        request,
        "clinic/accounts/messages.html",
        {
            "patient": patient,
            "zone": patient.person.timezone,
            "conversation": messages.conversation(patient),
            "earlier": conversation.earlier(patient.person),
            "not_for_emergencies": messages.NOT_FOR_EMERGENCIES,
            "longest": messages.LONGEST,
            "typed": typed,
            "sent": sent,
            "error": error,
        },
        status=400 if error else 200,
    )
