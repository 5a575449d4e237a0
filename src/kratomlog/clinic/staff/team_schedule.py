"""A team's default check-in schedule, on its own page: the schedule each new patient of the
team starts with (from their first day), set with the form of a patient's schedule, every
version listed with its author. For the clinicians of the team (`clinic team-schedule` does the
same from the command line)."""

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from kratomlog.checkins.schedule import NAMES
from kratomlog.clinic import audit, schedules
from kratomlog.clinic.models import Team
from kratomlog.clinic.policy import team_for_clinician
from kratomlog.clinic.staff.schedule import EVERY_CHOICES, VERSIONS_SHOWN, read_form, rows
from kratomlog.core import schedule
from kratomlog.core.errors import InputError


def _current(team: Team, now: Any) -> dict[str, schedule.Item]:
    read = schedule.items_from_list(team.default_schedule or [], now.date())
    return {item.instrument: item for item in read}


def team_schedule(request: HttpRequest, team_id: int) -> HttpResponse:
    team = team_for_clinician(request.user, team_id)
    now = timezone.now()
    error, status = "", 200
    if request.method == "POST":
        try:
            items = read_form(
                request.POST, _current(team, now),
                lambda raw: schedule.items_from_list(raw, now.date()),
            )  # fmt: skip
        except InputError as problem:
            error, status = f"{problem.field}: {problem.problem}", 400
        else:
            schedules.set_team_default(
                team, items, now, request.user, audit.client_address(request)
            )
            return HttpResponseRedirect(reverse("clinic-team-schedule", args=[team.id]))
    versions = schedules.team_versions(team, VERSIONS_SHOWN)
    current = _current(team, now)
    context = {
        "team": team,
        "in_force": [
            {
                "name": NAMES.get(item.instrument, item.instrument),
                "words": item.describe(with_start=False),
            }
            for item in current.values()
        ],
        "versions": [
            {"version": v, "items": ", ".join(i["instrument"] for i in v.items) or "none"}
            for v in versions
        ],
        "schedule_rows": rows(current),
        "every_choices": EVERY_CHOICES,
        "schedule_action": reverse("clinic-team-schedule", args=[team.id]),
        "error": error,
    }
    return render(request, "clinic/staff/team_schedule.html", context, status=status)
