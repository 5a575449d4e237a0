"""Help now: one tap from every page, the crisis resources and the person's own plan for hard
moments; in a clinic, a way to tell the care team now."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from kratomlog.checkins import coping, services
from kratomlog.core.coping import HEADINGS, plan_from_text
from kratomlog.core.errors import InputError
from kratomlog.web.views.common import now, person_of

SECTIONS = tuple(HEADINGS)  # warning_signs, what_helps, people, reasons


def _in_clinic(request: HttpRequest) -> bool:
    return bool(settings.CLINIC and getattr(request, "patient", None) is not None)


def help_page(request: HttpRequest, told: bool = False) -> HttpResponse:
    person = person_of(request)
    return render(
        request,
        "web/help.html",
        {
            "help": coping.help_now(person),
            "headings": HEADINGS,
            "in_clinic": _in_clinic(request),
            "told": told,
            "care_team": services.care_team(person),
        },
    )


def plan_page(request: HttpRequest) -> HttpResponse:
    """The plan on a page of its own: a box a section, a line an item."""
    person = person_of(request)
    error = None
    if request.method == "POST":
        typed = {key: request.POST.get(key, "") for key in SECTIONS}
        text = "\n".join(f"# {HEADINGS[key]}\n{typed[key]}" for key in SECTIONS)
        try:
            coping.set_coping_plan(person, plan_from_text(text))
        except InputError as problem:
            error = problem
        else:
            return help_page(request)
    else:
        plan = coping.coping_plan(person)
        typed = {
            "warning_signs": "\n".join(plan.warning_signs),
            "what_helps": "\n".join(plan.what_helps),
            "people": "\n".join(f"{p.name} | {p.phone}" for p in plan.people),
            "reasons": "\n".join(plan.reasons),
        }
    fields = [(key, HEADINGS[key], typed[key]) for key in SECTIONS]
    return render(
        request,
        "web/help_plan.html",
        {"fields": fields, "error": error},
        status=400 if error else 200,
    )


@require_POST
def tell_care_team(request: HttpRequest) -> HttpResponse:
    """An urgent alert to the care team, mailed at once as a self-harm answer is."""
    if not _in_clinic(request):
        raise Http404
    from kratomlog.clinic import alerts

    told = alerts.help_requested(request.patient, now())  # type: ignore[attr-defined]
    return help_page(request, told=told is not None)
