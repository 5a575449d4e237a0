"""/account: a patient's own account: the email they sign in with and the name their care
team sees them by, which they may change."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from kratomlog.clinic import people
from kratomlog.clinic.policy import own_patient
from kratomlog.core.errors import InputError


@require_http_methods(["GET", "POST"])
def patient_account(request: HttpRequest) -> HttpResponse:
    patient = own_patient(request.user)  # type: ignore[attr-defined]
    error: InputError | None = None
    typed = patient.display_name
    if request.method == "POST":
        typed = request.POST.get("display_name", "")
        try:
            people.set_display_name(patient, typed)
        except InputError as bad:
            error = bad
        else:
            request.session["message"] = (
                f"Your care team now sees you as {patient.display_name}."
                if patient.display_name
                else "Your care team now sees you by your email."
            )
            return HttpResponseRedirect(request.path)
    return render(
        request,
        "clinic/accounts/patient_account.html",
        {
            "patient": patient,
            "typed": typed,
            "error": error,
            "message": request.session.pop("message", None),
        },
        status=400 if error else 200,
    )
