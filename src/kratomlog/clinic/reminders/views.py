"""Where a reminder's link leads: the form of the check-in that is due (the link itself names
no instrument, so neither does a lock screen or a mail preview)."""

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kratomlog.clinic import audit
from kratomlog.clinic.models import Occurrence
from kratomlog.clinic.reminders import calendar, settings
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


def calendar_feed(request: HttpRequest, feed_token: str) -> HttpResponse:
    """The subscription itself: open by its secret (a calendar app has no session); an unknown
    or revoked secret is a plain 404, with nothing about why."""
    patient = calendar.patient_for(feed_token)
    if patient is None:
        raise Http404
    response = HttpResponse(
        calendar.feed(patient, timezone.now()), content_type="text/calendar; charset=utf-8"
    )
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_POST
def make_calendar_feed(request: HttpRequest) -> HttpResponse:
    """Make (or renew) the subscription: the URL is shown on this answer only."""
    from kratomlog.web.views.settings import settings_page

    patient = request.patient  # type: ignore[attr-defined]
    made = calendar.issue(patient, timezone.now(), audit.client_address(request))
    return settings_page(request, calendar_url=made)


@require_POST
def revoke_calendar_feed(request: HttpRequest) -> HttpResponse:
    patient = request.patient  # type: ignore[attr-defined]
    if calendar.revoke(patient, timezone.now(), audit.client_address(request)):
        request.session["message"] = "Calendar subscription stopped: its address no longer works."
    return HttpResponseRedirect(reverse("settings") + "#calendar")
