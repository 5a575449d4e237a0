"""History: the calendar, grams against the plan, magnesium, and the entries to edit."""

from datetime import date, timedelta

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kratomlog import standing
from kratomlog.core.bounds import MAX_SPAN_DAYS
from kratomlog.core.days import local_day, stored_local, zone
from kratomlog.core.errors import InputError
from kratomlog.core.instruments import CRAVING, WITHDRAWAL
from kratomlog.core.interactions import CATEGORIES
from kratomlog.core.journal import Dose
from kratomlog.core.words import count
from kratomlog.journal import queries, services
from kratomlog.journal.models import FORMS, KRATOM, Entry, Person
from kratomlog.web import charts
from kratomlog.web.views.common import field, now, person_of

RANGES = {"30": 30, "90": 90, "365": 365, "all": None}
ENTRIES_A_PAGE = 50  # a day's entries stay together on a phone; a long range is paged


def _page_number(text: str | None) -> int:
    return int(text) if text and text.isascii() and text.isdigit() and len(text) < 7 else 1


def history(request: HttpRequest) -> HttpResponse:
    person, moment = person_of(request), now()
    chosen = request.GET.get("range", "30")
    if chosen not in RANGES:
        chosen = "30"
    last = local_day(moment, zone(person.timezone))
    days = RANGES[chosen]
    if days is None:
        oldest = queries.live_entries(person).order_by("local_day").first()
        first = oldest.local_day if oldest and oldest.local_day < last else last
        first = max(first, last - timedelta(days=MAX_SPAN_DAYS - 1))  # "all" is ten years at most
    else:
        first = last - timedelta(days=days - 1)
    rows = standing.history(person, first, last, moment)
    checkin_charts = [
        charts.checkin_totals(chosen, points, _counted(points, first, last))
        for chosen in (WITHDRAWAL, CRAVING)
        for points in [_totals(person, chosen.key, first, last)]
    ]
    in_range = queries.entries_in(person, first, last)
    total = in_range.count()
    pages = max(1, -(-total // ENTRIES_A_PAGE))
    number = min(max(1, _page_number(request.GET.get("page"))), pages)
    entries = list(
        in_range.order_by("-taken_at", "-id")[
            (number - 1) * ENTRIES_A_PAGE : number * ENTRIES_A_PAGE
        ]
    )
    by_day: dict[date, list[Entry]] = {}
    for entry in entries:
        by_day.setdefault(entry.local_day, []).append(entry)
    page = {
        "count": total,
        "shown": (
            f"{count(total, 'entry', 'entries')}"
            + (f"; page {number} of {pages}" if pages > 1 else "")
        ),
        "earlier": number + 1 if number < pages else None,
        "later": number - 1 if number > 1 else None,
    }
    return render(
        request,
        "web/history.html",
        {
            "ranges": [("30", "30 days"), ("90", "90 days"), ("365", "A year"), ("all", "All")],
            "chosen": chosen,
            "first": first,
            "last": last,
            "calendar": charts.calendar(rows),
            "grams_chart": charts.daily_grams(rows),
            "magnesium_chart": charts.magnesium(rows),
            "checkin_charts": checkin_charts,
            "entries_by_day": list(by_day.items()),
            "page": page,
            "message": request.session.pop("message", None),
        },
    )


def _counted(points: list, first, last) -> str:  # type: ignore[no-untyped-def,type-arg]
    if not points:
        return "None in this range."
    return f"{count(len(points), 'check-in')} from {first} to {last}."


def _totals(person: Person, key: str, first, last):  # type: ignore[no-untyped-def]
    """The latest total of each day's check-ins of one kind."""
    by_day = dict(
        person.checkins.filter(deleted=False, instrument=key, local_day__range=(first, last))
        .order_by("taken_at")
        .values_list("local_day", "total")
    )
    return sorted(by_day.items())


def _entry(person: Person, entry_id: int):  # type: ignore[no-untyped-def]
    try:
        return services.get_entry(person, entry_id)
    except InputError:
        raise Http404("no such entry") from None


def edit_entry(request: HttpRequest, entry_id: int) -> HttpResponse:
    person = person_of(request)
    entry = _entry(person, entry_id)
    error = None
    if request.method == "POST":
        moment = now()
        replaced = (
            Dose(entry.id, entry.taken_at, entry.local_day, entry.grams or 0.0)
            if entry.substance == KRATOM
            else None
        )
        try:
            logged = services.edit_entry(
                person=person,
                entry_id=entry.id,
                now=moment,
                amount=field(request, "amount"),
                at=field(request, "at"),
                product=field(request, "product"),
                form=field(request, "form"),
                purpose=request.POST.get("purpose"),
                note=request.POST.get("note"),
                category=field(request, "category"),
                confirm_high=bool(field(request, "confirm_high")),
            )
        except InputError as problem:
            error = problem
        else:
            meaning = standing.what_it_means(logged, moment, replaced)
            broken = "; ".join(b.detail for b in meaning.breaches)
            request.session["message"] = f"Saved entry #{entry.id}." + (
                f" It breaks a limit: {broken}." if broken else ""
            )
            return HttpResponseRedirect(reverse("history"))
    at_value = stored_local(entry.taken_at, entry.timezone).strftime("%Y-%m-%dT%H:%M")
    return render(
        request,
        "web/edit_entry.html",
        {
            "entry": entry,
            "at_value": at_value,
            "products": person.products.order_by("name"),
            "forms": FORMS,
            "categories": CATEGORIES,
            "revisions": services.revisions(person, entry.id),
            "error": error,
        },
        status=400 if error else 200,
    )


@require_POST
def delete_entry(request: HttpRequest, entry_id: int) -> HttpResponse:
    person = person_of(request)
    entry = _entry(person, entry_id)
    services.delete_entry(person=person, entry_id=entry.id, now=now())
    request.session["message"] = f"Deleted entry #{entry.id}; it stays in its history."
    return HttpResponseRedirect(reverse("history"))
