"""Today: where you stand in plain sentences, and logging in one tap."""

from collections import Counter
from collections.abc import Callable
from datetime import datetime

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kratomlog import standing
from kratomlog.checkins import recovery
from kratomlog.checkins.services import care_team, resources
from kratomlog.core import sources
from kratomlog.core.amounts import MAGNESIUM_FRACTION, Amount
from kratomlog.core.errors import InputError
from kratomlog.core.interactions import CATEGORIES, MAGNESIUM_UPPER_LIMIT_MG
from kratomlog.core.today_left import today_left
from kratomlog.core.words import count
from kratomlog.journal import services
from kratomlog.journal.demo import load_demo
from kratomlog.journal.models import FORMS, KRATOM, Person
from kratomlog.journal.services import TYPO_GUARD_GRAMS, Logged, UnconfirmedHighDose
from kratomlog.plans.services import plan_history, version_in_force
from kratomlog.web import charts
from kratomlog.web.views.common import field, now, person_of

QUICK_AMOUNTS = 3  # the person's own most frequent recent amounts, never ours
RECENT_DAYS = 14


def usual_amounts(person: Person) -> list[str]:
    recent = person.entries.filter(substance=KRATOM, deleted=False).order_by("-taken_at")[:30]
    counts = Counter(str(Amount(e.amount, e.unit)) for e in recent if e.amount)
    return [amount for amount, _ in counts.most_common(QUICK_AMOUNTS)]


# What the dose form holds; kept as typed when the entry is not recorded.
DOSE_FIELDS = ("amount", "product", "at", "form", "purpose", "note")


def today_context(
    person: Person,
    logged: Logged | None = None,
    error: InputError | None = None,
    message: str | None = None,
    typed: dict[str, str] | None = None,
) -> dict[str, object]:
    moment = now()  # one moment for the standing and for what is due
    result, recent = standing.status_and_recent(person, moment, RECENT_DAYS)
    left = today_left(result)
    last = (
        person.entries.filter(substance=KRATOM, deleted=False)
        .select_related("product")
        .order_by("-taken_at")
        .first()
    )
    return {
        "status": result,
        "plan_version": version_in_force(person, result.today) if result.plan else None,
        "status_data": result.as_dict(with_breaches=False),
        "over_magnesium": result.magnesium_today_mg > MAGNESIUM_UPPER_LIMIT_MG,
        "magnesium_limit": MAGNESIUM_UPPER_LIMIT_MG,
        "last": last,
        "left": left,
        # No amount is offered while nothing is left, a break is on or control is slipping:
        # logging stays possible, the page just never nudges a dose.
        "last_amount": str(Amount(last.amount, last.unit))
        if last and last.amount and not left.quiet
        else "",
        "usual_amounts": [] if left.quiet else usual_amounts(person),
        "typed": typed or {},
        "unconfirmed": error if isinstance(error, UnconfirmedHighDose) else None,
        "typo_guard_grams": TYPO_GUARD_GRAMS,
        "large_dose_source": sources.LARGE_DOSE,
        "products": person.products.order_by("name"),
        "forms": FORMS,
        "compounds": [*MAGNESIUM_FRACTION, "elemental"],
        "categories": CATEGORIES,
        "empty": not person.entries.exists() and not person.plan_versions.exists(),
        "recent_chart": charts.daily_grams(recent, title=f"Grams a day, last {RECENT_DAYS} days"),
        "logged": logged,
        "error": error,
        "message": message,
        "person": person,
        "due": recovery.due_now(person, moment, plan_history(person)),
        "crisis_resources": resources(person)
        if any(signal.kind == "self_harm_risk" for signal in result.signals)
        else (),
        "care_team": care_team(person)
        if any(signal.kind == "self_harm_risk" for signal in result.signals)
        else None,
    }


def today(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    message = request.session.pop("message", None)
    return render(request, "web/today.html", today_context(person, message=message))


def _answer(
    request: HttpRequest,
    person: Person,
    logged: Logged | None = None,
    error: InputError | None = None,
    message: str | None = None,
) -> HttpResponse:
    """htmx swaps the standing in place; without JavaScript the whole page comes back."""
    typed = {name: request.POST.get(name, "") for name in DOSE_FIELDS} if error else None
    if typed is not None and request.POST.get("quick"):
        typed["amount"] = request.POST["quick"]
    context = today_context(person, logged=logged, error=error, message=message, typed=typed)
    template = "web/_today_main.html" if request.htmx else "web/today.html"  # type: ignore[attr-defined]
    status = 400 if error and not request.htmx else 200  # type: ignore[attr-defined]
    return render(request, template, context, status=status)


def _log(request: HttpRequest, record: Callable[[Person, datetime], Logged]) -> HttpResponse:
    """Record an entry and answer with what it means; bad input writes nothing and is named."""
    person, moment = person_of(request), now()
    try:
        logged = record(person, moment)
    except InputError as error:
        return _answer(request, person, error=error)
    return _answer(request, person, logged=standing.what_it_means(logged, moment))


@require_POST
def log_dose(request: HttpRequest) -> HttpResponse:
    return _log(
        request,
        lambda person, moment: services.log_kratom(
            person=person,
            amount=field(request, "quick") or field(request, "amount") or "",
            now=moment,
            at=field(request, "at"),
            product=field(request, "product"),
            form=field(request, "form"),
            purpose=field(request, "purpose") or "",
            note=field(request, "note") or "",
            confirm_high=bool(field(request, "confirm_high")),
        ),
    )


@require_POST
def log_magnesium(request: HttpRequest) -> HttpResponse:
    return _log(
        request,
        lambda person, moment: services.log_magnesium(
            person=person,
            amount=field(request, "amount") or "",
            now=moment,
            form=field(request, "compound") or "elemental",
            at=field(request, "at"),
            note=field(request, "note") or "",
        ),
    )


@require_POST
def log_other(request: HttpRequest) -> HttpResponse:
    return _log(
        request,
        lambda person, moment: services.log_other(
            person=person,
            name=field(request, "name") or "",
            amount=field(request, "amount"),
            category=field(request, "category"),
            at=field(request, "at"),
            now=moment,
            note=field(request, "note") or "",
        ),
    )


@require_POST
def undo(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    try:
        message = services.undo(person=person, now=now())
    except InputError as error:
        return _answer(request, person, error=error)
    if request.POST.get("next") in ("history", "transfer", "plan"):  # an undo on those pages
        request.session["message"] = message.capitalize() + "."
        return HttpResponseRedirect(reverse(request.POST["next"]))
    return _answer(request, person, message=message.capitalize())


@require_POST
def demo(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    try:
        loaded = load_demo(person=person, now=now())
    except InputError as error:
        return _answer(request, person, error=error)
    loaded_text = count(loaded, "entry", "entries")
    request.session["message"] = f"Demo journal loaded: {loaded_text} over 90 days."
    return HttpResponseRedirect(reverse("today"))
