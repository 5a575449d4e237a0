"""The clinic's outcomes page and its CSV: counts a clinician can read at a glance, with their
intervals, and no cell small enough to name a patient."""

import csv
import io
from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kratomlog.clinic import audit
from kratomlog.clinic.outcomes import INSTRUMENTS, clinic_outcomes
from kratomlog.clinic.policy import role_of
from kratomlog.core.errors import InputError
from kratomlog.core.formats.cells import spreadsheet_safe
from kratomlog.core.outcomes import CATEGORIES, WORDS
from kratomlog.web import charts

HEADINGS = {
    "recovered": "Recovered",
    "improved": "Improved",
    "no_reliable_change": "No reliable change",
    "deteriorated": "Deteriorated",
}


def _found(request: HttpRequest) -> tuple[dict, InputError | None]:  # type: ignore[type-arg]
    team = request.GET.get("team") or None
    first, last = request.GET.get("from") or None, request.GET.get("to") or None
    try:
        found = clinic_outcomes(request.user, datetime.now(UTC), team, first, last)
        error = None
    except InputError as problem:
        found, error = clinic_outcomes(request.user, datetime.now(UTC), team), problem
    audit.record(
        action="read", actor=request.user, role=role_of(request.user) or "",
        what="clinic outcomes", address=audit.client_address(request),
    )  # fmt: skip
    return found, error


def _cell(share: dict) -> str:  # type: ignore[type-arg]
    if share["share"] is None:
        return str(share["count"])
    return f"{share['count']} ({share['share']:.0%}; {share['low']:.0%} to {share['high']:.0%})"


def _taper_cells(taper: dict) -> tuple[str, str, str, str]:  # type: ignore[type-arg]
    share = taper["share_of_days_within"]
    return (
        str(taper["patients"]),
        "" if taper["days"] is None else str(taper["days"]),
        "" if share is None else f"{share:.0%}",
        _cell(taper["reached_zero"]),
    )


def outcomes_page(request: HttpRequest) -> HttpResponse:
    found, error = _found(request)
    everyone = found["groups"][0]
    chart_items = []
    for key, name in INSTRUMENTS.items():
        for category in CATEGORIES:
            share = everyone["instruments"][key][category]
            if share["share"] is not None:
                chart_items.append(
                    (
                        f"{name} {HEADINGS[category].lower()}",
                        round(100 * share["share"], 1),
                        f"{name}: {WORDS[category]}: {_cell(share)}",
                    )
                )
    chart = charts.bars(
        "Reliable change since enrolment, all patients (% of those with two scores)",
        "Each bar: the share of patients with two or more scores whose change falls in the "
        "category; cells of fewer than 5 patients are not drawn.",
        chart_items,
        "%",
        top=100,
        headers=("Instrument and category", "Share (%)"),
    )
    rows = [
        {
            "group": group,
            "cells": {
                key: [group["instruments"][key]["with_two_scores"]]
                + [_cell(group["instruments"][key][c]) for c in CATEGORIES]
                for key in INSTRUMENTS
            },
            "retention": [(r["week"], r["enrolled"], _cell(r)) for r in group["retention"]],
            "taper": _taper_cells(group["taper"]),
        }
        for group in found["groups"]
    ]
    teams = (
        request.user.account.teams.order_by("name").values_list("name", flat=True)
        if role_of(request.user) == "clinician"
        else []
    )
    return render(
        request,
        "clinic/staff/outcomes.html",
        {
            "found": found,
            "rows": rows,
            "chart": chart,
            "instruments": INSTRUMENTS,
            "headings": [HEADINGS[c] for c in CATEGORIES],
            "teams": teams,
            "error": error,
        },
        status=422 if error else 200,
    )


def outcomes_csv(request: HttpRequest) -> HttpResponse:
    found, _ = _found(request)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["group", "in_care", "measure", "category", "count", "share", "low", "high"])
    for group in found["groups"]:
        for key in INSTRUMENTS:
            for category in CATEGORIES:
                share = group["instruments"][key][category]
                writer.writerow([spreadsheet_safe(v) for v in (
                    group["group"], group["in_care"], key, category, share["count"],
                    share["share"] if share["share"] is not None else "",
                    share["low"] if share["low"] is not None else "",
                    share["high"] if share["high"] is not None else "",
                )])  # fmt: skip
        for row in group["retention"]:
            writer.writerow([spreadsheet_safe(v) for v in (
                group["group"], group["in_care"], f"retention week {row['week']}",
                f"of {row['enrolled']} enrolled", row["count"],
                row["share"] if row["share"] is not None else "",
                row["low"] if row["low"] is not None else "",
                row["high"] if row["high"] is not None else "",
            )])  # fmt: skip
        taper = group["taper"]
        share = taper["share_of_days_within"]
        writer.writerow([spreadsheet_safe(v) for v in (
            group["group"], group["in_care"], "taper days within the allowance",
            f"of {taper['days']} taper days" if taper["days"] is not None else "",
            taper["patients"], share if share is not None else "", "", "",
        )])  # fmt: skip
        zero = taper["reached_zero"]
        writer.writerow([spreadsheet_safe(v) for v in (
            group["group"], group["in_care"], "taper reached 0 g",
            f"of {taper['patients']} on a taper", zero["count"],
            zero["share"] if zero["share"] is not None else "",
            zero["low"] if zero["low"] is not None else "",
            zero["high"] if zero["high"] is not None else "",
        )])  # fmt: skip
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"kratomlog-outcomes-{found['from']}-to-{found['to']}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
