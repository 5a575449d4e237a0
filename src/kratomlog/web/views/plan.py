"""Plan: presets with their sources, custom rules, and a taper builder with a live preview."""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST
from icalendar import Calendar, Event

from kratomlog.core import sources
from kratomlog.core.days import local_day, zone
from kratomlog.core.errors import InputError
from kratomlog.core.plan import PRESETS, Plan, preset_plan
from kratomlog.core.rules import grams, rule_from_table
from kratomlog.core.sources import HOLD_OR_STEP_BACK
from kratomlog.core.taper import schedule
from kratomlog.journal.models import Person
from kratomlog.plans import services
from kratomlog.plans.preview import preview_plan
from kratomlog.web import charts
from kratomlog.web.taper_review import review_shown
from kratomlog.web.views.common import field, now, number, person_of, whole

# The custom-rule form: each kind with its parameters, in the user's words.
CUSTOM_RULES = [
    (
        "max_use_days",
        "At most this many use days",
        [("max", "use days", ""), ("window_days", "in any ... days", "")],
    ),
    ("max_grams_per_dose", "At most this many grams a dose", [("max_grams", "grams", "")]),
    ("max_grams_per_day", "At most this many grams a day", [("max_grams", "grams", "")]),
    ("min_hours_between_doses", "At least this many hours between doses", [("hours", "hours", "")]),
    ("max_consecutive_use_days", "At most this many use days in a row", [("max", "days", "")]),
    ("no_use", "No use for this many days from the start", [("days", "days", "")]),
]


def _today(request: HttpRequest) -> date:
    person = person_of(request)
    return local_day(now(), zone(person.timezone))


def plan_page(
    request: HttpRequest,
    error: InputError | None = None,
    status: int = 200,
    taper_form: dict[str, str] | None = None,
    pending: dict[str, Any] | None = None,
) -> HttpResponse:
    person = person_of(request)
    history = services.plan_history(person)
    today = _today(request)
    current = history.in_force(today)
    upcoming = next((version for version in history.plans if version.start > today), None)
    return render(
        request,
        "web/plan.html",
        {
            "current": current,
            "current_version": services.version_in_force(person, today) if current else None,
            "upcoming": upcoming,
            "taper_chart": _taper_chart(current) if current and current.taper else None,
            "review": review_shown(person, now()),
            "hold_or_step_back": HOLD_OR_STEP_BACK,
            "versions": services.plan_versions(person),
            "presets": PRESETS.values(),
            "custom_rules": CUSTOM_RULES,
            "today": today.isoformat(),
            # No step or interval is offered: no source backs one for a given person.
            "taper_form": taper_form
            or {"from": "", "step": "", "every": "", "floor": "", "start": today.isoformat()},
            "error": error,
            "pending": pending,
            "message": request.session.pop("message", None),
            "undo_offered": request.session.pop("plan_undo", False),
        },
        status=status,
    )


def _current_or_next(request: HttpRequest) -> Plan | None:
    """The plan in force today, or else the next one set to start."""
    history = services.plan_history(person_of(request))
    today = _today(request)
    upcoming = next((version for version in history.plans if version.start > today), None)
    return history.in_force(today) or upcoming


def _taper_chart(plan: Plan) -> charts.Chart:
    assert plan.taper is not None
    return charts.taper(schedule(plan.taper, plan.start), plan.taper.every_days)


def plan(request: HttpRequest) -> HttpResponse:
    """The Plan page; `?preview=PRESET` (a signal's suggestion) asks before anything is set."""
    name = request.GET.get("preview", "")
    if name in PRESETS:
        person, moment = person_of(request), now()
        chosen = preset_plan(name, _today(request))
        fields = [("preset", name), ("start", chosen.start.isoformat())]
        return plan_page(request, pending=_pending(person, chosen, moment, "plan-preset", fields))
    return plan_page(request)


def _pending(
    person: Person, chosen: Plan, moment: datetime, action: str, fields: list[tuple[str, str]]
) -> dict[str, Any]:
    """A plan to confirm: what it does to today, whose plan it replaces, and the form."""
    replaced = services.version_in_force(person, chosen.start)
    return {
        "replaces": replaced.set_by if replaced is not None else "",
        "plan": chosen,
        "effects": preview_plan(person, chosen, moment),
        "action": action,
        "fields": [(name, value) for name, value in fields if name != "csrfmiddlewaretoken"],
        "is_break": any(rule.kind == "no_use" for rule in chosen.rules),
        "steps": schedule(chosen.taper, chosen.start) if action in CHANGES else [],
    }


CHANGES = ("plan-hold", "plan-step-back")  # their new schedule is shown with what they do


def _confirm_or_save(
    request: HttpRequest, chosen: Plan, action: str, fields: list[tuple[str, str]]
) -> HttpResponse:
    """Nothing is saved until the person has seen what it does and said yes."""
    person, moment = person_of(request), now()
    if request.POST.get("confirmed") != "1":
        return plan_page(request, pending=_pending(person, chosen, moment, action, fields))
    services.save_plan(person, chosen, moment)
    request.session["message"] = f"Plan “{chosen.name}” is in force from {chosen.start}."
    request.session["plan_undo"] = True
    return HttpResponseRedirect(reverse("plan"))


PLAN_FILE_MOST = 100 * 1024  # a plan file is a few lines of TOML


@require_POST
def set_preset(request: HttpRequest) -> HttpResponse:
    """A preset by its name, or a plan file the browser uploads; never a path on this computer
    (the server would open any file it names, and tell which exist)."""
    person = person_of(request)
    sent = request.FILES.get("plan_file")
    text = request.POST.get("plan_text")  # a file already uploaded, sent back with the yes
    fields = list(request.POST.items())
    try:
        if sent is not None:
            if sent.size > PLAN_FILE_MOST:
                raise InputError("plan file", "too large for a plan; a plan file is TOML text")
            try:
                text = sent.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise InputError("plan file", "not a plan file (TOML is UTF-8 text)") from None
            fields.append(("plan_text", text))
        if text is not None:
            if len(text) > PLAN_FILE_MOST:
                raise InputError("plan file", "too large for a plan; a plan file is TOML text")
            chosen = services.plan_from_text(person, text, field(request, "start"), now())
        else:
            chosen = services.preset_to_set(
                person=person,
                name=request.POST.get("preset", ""),
                start=field(request, "start"),
                now=now(),
            )
    except InputError as error:
        return plan_page(request, error, status=400)
    return _confirm_or_save(request, chosen, "plan-preset", fields)


@require_POST
def set_custom(request: HttpRequest) -> HttpResponse:
    person, moment = person_of(request), now()
    try:
        start = services.start_day(person, field(request, "start"), moment)
        rules = []
        for position, (kind, rule_label, params) in enumerate(CUSTOM_RULES, start=1):
            if not request.POST.get(f"{kind}-use"):
                continue
            table: dict[str, Any] = {
                "kind": kind,
                "severity": request.POST.get(f"{kind}-severity", "limit"),
            }
            for name, label, _ in params:
                table[name] = number(
                    request.POST.get(f"{kind}-{name}", ""), f"{rule_label}, {label}"
                )
            rules.append(rule_from_table(table, position, kind))
        if not rules:
            raise InputError("rules", "tick at least one rule and fill in its numbers")
        name = field(request, "name") or "my plan"
        chosen = Plan(name, start, tuple(rules), "your own plan", "set by you")
    except InputError as error:
        return plan_page(request, error, status=400)
    return _confirm_or_save(request, chosen, "plan-custom", list(request.POST.items()))


def _taper_from(request: HttpRequest, data: Any) -> Plan:
    person = person_of(request)
    floor = (data.get("floor") or "").strip()
    return services.build_taper(
        person=person,
        start_grams=number(data.get("from", ""), "--from"),
        step=(data.get("step") or "").strip(),
        every_days=whole(data.get("every", ""), "--every"),
        floor_grams=number(floor, "--floor") if floor else None,
        start=(data.get("start") or None),
        now=now(),
        save=False,
    )


def taper_preview(request: HttpRequest) -> HttpResponse:
    """The live preview: the schedule of the taper as the form stands, not yet saved."""
    if not request.GET.get("from", "").strip():
        return HttpResponse("")
    try:
        built = _taper_from(request, request.GET)
    except (InputError, ValueError) as error:
        return render(request, "web/_taper_preview.html", {"error": error})
    return render(
        request,
        "web/_taper_preview.html",
        {
            "chart": _taper_chart(built),
            "plan": built,
            "query": request.GET.urlencode(),
            "effects": preview_plan(person_of(request), built, now()),
            "scale": sources.KITCHEN_SCALE,
        },
    )


@require_POST
def set_taper(request: HttpRequest) -> HttpResponse:
    try:
        built = _taper_from(request, request.POST)
    except (InputError, ValueError) as error:
        problem = error if isinstance(error, InputError) else InputError("taper", str(error))
        return plan_page(request, problem, status=400, taper_form=request.POST.dict())
    return _confirm_or_save(request, built, "plan-taper", list(request.POST.items()))


def taper_ics(request: HttpRequest) -> HttpResponse:
    """The taper as a calendar, one all-day event a step, for the person's own calendar."""
    if request.GET.get("from"):
        try:
            chosen = _taper_from(request, request.GET)
        except (InputError, ValueError) as error:
            return HttpResponse(f"{error}\n", status=400, content_type="text/plain")
    else:
        current = _current_or_next(request)
        if current is None or current.taper is None:
            return HttpResponse(
                "No taper is in force; build one on the Plan page.\n",
                status=404,
                content_type="text/plain",
            )
        chosen = current
    assert chosen.taper is not None
    calendar = Calendar()
    calendar.add("prodid", "-//kratomlog//taper schedule//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "kratomlog taper")
    for step in schedule(chosen.taper, chosen.start):
        event = Event()
        event.add("uid", f"taper-{chosen.start}-{step.number}@kratomlog.local")
        event.add("dtstamp", now())
        event.add("dtstart", step.first_day)
        event.add("summary", f"Taper step {step.number}: {grams(step.grams_per_day)} a day")
        event.add(
            "description",
            f"{chosen.taper.describe()}. Allowance from {step.first_day}"
            f"{' to ' + str(step.last_day) if step.last_day else ' on'}: "
            f"{grams(step.grams_per_day)} a day. {chosen.source}; {chosen.evidence}.",
        )
        calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="kratomlog-taper.ics"'
    return response


@require_POST
def hold_step(request: HttpRequest) -> HttpResponse:
    """Hold today's taper step for more days: shown first, set once the person says yes."""
    person, fields = person_of(request), list(request.POST.items())
    try:
        chosen = services.changed_taper(person, now(), whole(request.POST.get("days", ""), "days"))
    except InputError as error:
        return plan_page(request, error, status=400)
    return _confirm_or_save(request, chosen, "plan-hold", fields)


@require_POST
def step_back(request: HttpRequest) -> HttpResponse:
    """Back to the previous step's allowance from today: shown first, set on a yes."""
    try:
        chosen = services.changed_taper(person_of(request), now(), None)
    except InputError as error:
        return plan_page(request, error, status=400)
    return _confirm_or_save(request, chosen, "plan-step-back", list(request.POST.items()))
