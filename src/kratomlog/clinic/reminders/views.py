"""Where a reminder's link leads: the form of the check-in that is due (the link itself names
no instrument, so neither does a lock screen or a mail preview)."""

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kratomlog.clinic.models import Occurrence
from kratomlog.clinic.reminders import settings
from kratomlog.core.errors import InputError


def open_due(request: HttpRequest, uid: str) -> HttpResponse:
    patient = request.patient  # type: ignore[attr-defined]  # set by ClinicSignedInMiddleware
    occurrence = (
        Occurrence.objects.filter(uid__iexact=uid, patient=patient).first()
        if _is_uuid(uid)
        else None
    )
    if occurrence is None:
        raise Http404("no such check-in")
    if occurrence.instrument == "sleep":
        return HttpResponseRedirect(reverse("sleep"))
    if occurrence.instrument == "doses":
        return HttpResponseRedirect(reverse("today"))
    return HttpResponseRedirect(reverse("checkin", args=[occurrence.instrument]))


def _is_uuid(text: str) -> bool:
    from uuid import UUID

    try:
        UUID(text)
    except ValueError:
        return False
    return True


@require_POST
def save_reminder_settings(request: HttpRequest) -> HttpResponse:
    from kratomlog.web.views.settings import settings_page

    patient = request.patient  # type: ignore[attr-defined]
    raw = {
        "channels": request.POST.getlist("channels"),
        "quiet_hours": {
            "from": request.POST.get("quiet_from", ""),
            "to": request.POST.get("quiet_to", ""),
        },
    }
    try:
        settings.save(patient, settings.read(raw), timezone.now())
    except InputError as error:
        return settings_page(request, error)
    request.session["message"] = "Reminder settings saved."
    return HttpResponseRedirect(reverse("settings") + "#reminders")
