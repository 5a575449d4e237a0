"""Settings: time zone, products (grams per capsule and teaspoon), the unit for bare numbers."""

from zoneinfo import available_timezones

from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kratomlog.checkins.services import resources
from kratomlog.core.errors import InputError
from kratomlog.core.interactions import CATEGORIES
from kratomlog.journal import services
from kratomlog.journal.models import FORMS
from kratomlog.web.views.common import field, now, number, person_of

ZONES = sorted(available_timezones())


def settings_page(
    request: HttpRequest, error: InputError | None = None, calendar_url: str | None = None
) -> HttpResponse:
    person = person_of(request)
    return render(
        request,
        "web/settings.html",
        {
            "person": person,
            "zones": ZONES,
            "units": services.DOSE_UNITS,
            "forms": FORMS,
            "products": person.products.order_by("name"),
            "crisis_resources": resources(person),
            "categories": sorted(person.categories.values_list("name", "category")),
            "all_categories": CATEGORIES,
            "crisis_lines": person.crisis_resources,
            "error": error,
            "message": request.session.pop("message", None),
            "reminder_settings": _reminder_settings(request),
            "calendar_feed": _calendar_feed(request),
            "sms_reminders": _sms_reminders(request),
            "calendar_url": calendar_url,  # shown once, on the answer that made it
        },
        status=400 if error else 200,
    )


def _reminder_settings(request: HttpRequest) -> object:
    """A clinic patient's reminder settings (the clinic's worker sends reminders; a local
    journal has none to set)."""
    from django.conf import settings

    patient = getattr(request, "patient", None)
    if not settings.CLINIC or patient is None:
        return None
    from kratomlog.clinic.reminders import settings as reminder_settings

    return reminder_settings.of(patient)


def _sms_reminders(request: HttpRequest) -> object:
    """Where the clinic has an SMS gateway: whether it has a number for the patient."""
    from django.conf import settings

    patient = getattr(request, "patient", None)
    if not settings.CLINIC or patient is None:
        return None
    from kratomlog.clinic.reminders.channels import sms_enabled

    return {"phone": bool(patient.phone)} if sms_enabled() else None


def _calendar_feed(request: HttpRequest) -> object:
    """A clinic patient's calendar subscription: whether one is live, and since when."""
    from django.conf import settings

    patient = getattr(request, "patient", None)
    if not settings.CLINIC or patient is None:
        return None
    from kratomlog.clinic.reminders import calendar
    from kratomlog.core.days import zone

    state = calendar.state(patient)
    if state["since"] is not None:  # shown in the patient's own zone, as their journal is
        state["since"] = state["since"].astimezone(zone(patient.person.timezone))
    return state


def settings_home(request: HttpRequest) -> HttpResponse:
    return settings_page(request)


@require_POST
def save_settings(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    try:  # the whole form or nothing: one bad field saves none of the others
        with transaction.atomic():
            services.save_settings(
                person,
                timezone=field(request, "timezone") or "",
                dose_unit=field(request, "dose_unit") or "g",
            )
            services.set_journal_started(person, field(request, "journal_started") or "", now())
    except InputError as error:
        return settings_page(request, error)
    request.session["message"] = "Settings saved."
    return HttpResponseRedirect(reverse("settings"))


def _grams(request: HttpRequest, name: str, label: str) -> float | None:
    text = field(request, name)
    return None if text is None else number(text, label)


@require_POST
def save_crisis(request: HttpRequest) -> HttpResponse:
    from kratomlog.checkins.services import set_resources

    try:
        set_resources(person_of(request), request.POST.get("crisis_resources", ""))
    except InputError as error:
        return settings_page(request, error)
    request.session["message"] = "Crisis resources saved."
    return HttpResponseRedirect(reverse("settings"))


@require_POST
def save_product(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    try:
        product = services.set_product(
            person=person,
            name=field(request, "name") or "",
            form=field(request, "form"),
            vein=request.POST.get("vein"),
            vendor=request.POST.get("vendor"),
            batch=request.POST.get("batch"),
            grams_per_capsule=_grams(request, "grams_per_capsule", "grams per capsule"),
            grams_per_teaspoon=_grams(request, "grams_per_teaspoon", "grams per teaspoon"),
        )
    except InputError as error:
        return settings_page(request, error)
    request.session["message"] = f"Product {product.name!r} saved."
    return HttpResponseRedirect(reverse("settings"))


@require_POST
def save_category(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    name = field(request, "name") or ""
    try:
        kept = services.remember_category(person, name, field(request, "category") or "")
    except InputError as error:
        return settings_page(request, error)
    request.session["message"] = f"{name} is remembered as {kept}."
    return HttpResponseRedirect(reverse("settings"))
