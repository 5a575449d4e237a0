"""Triage: a clinician's patients, what needs attention first; one query whatever their number."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kratomlog.clinic.api_staff import triage
from kratomlog.clinic.staff.sparkline import sparkline
from kratomlog.clinic.standing import REASON_WORDS, REASONS
from kratomlog.core.errors import InputError

PAGE_SIZE = 100


def triage_page(request: HttpRequest) -> HttpResponse:
    teams = list(request.user.account.teams.order_by("name").values_list("name", flat=True))
    team = request.GET.get("team") or None
    reason = request.GET.get("reason") or None
    if reason not in REASONS:
        reason = None
    error = unknown_team(team, teams)
    if error is not None:
        team = None
    # Paged: the most urgent come first, and a page of 100 renders in a constant time however
    # many patients a clinician has (two queries: the page and the count).
    pages = Paginator(triage(request.user, team, reason), PAGE_SIZE)
    page = pages.get_page(request.GET.get("page"))
    patients = list(page.object_list)
    rows = []
    for patient in patients:
        standing = getattr(patient, "standing", None)
        rows.append(
            {
                "patient": patient,
                "standing": standing,
                "reasons": [REASON_WORDS[r] for r in (standing.reasons if standing else [])],
                "urgent": bool(standing and "self_harm_risk" in standing.reasons),
                "spark": sparkline(standing.grams_by_day_28 if standing else []),
            }
        )
    return render(
        request,
        "clinic/staff/triage.html",
        {
            "rows": rows,
            "page": page,
            "teams": teams,
            "team": team,
            "error": error,
            "reason": reason,
            "reasons": [(key, REASON_WORDS[key]) for key in REASONS],
        },
        status=400 if error else 200,
    )


def unknown_team(team: str | None, teams: list[str]) -> InputError | None:
    """The team filter of a page offers the clinician's own teams; anything else is named."""
    if team is None or team in teams:
        return None
    return InputError("team", f"{team!r} is not one of your teams ({', '.join(teams) or 'none'})")
