"""A patient's page for their clinician: their course at a glance, plans, visits, the report."""

from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kratomlog import standing as journal_standing
from kratomlog.clinic import audit, care_plans, inbox, visits
from kratomlog.clinic import report as pdf_report
from kratomlog.clinic.models import CLINICIAN, AuditEntry, Patient
from kratomlog.clinic.policy import patient_for_clinician
from kratomlog.clinic.staff import alerts as staff_alerts
from kratomlog.clinic.standing import REASON_WORDS
from kratomlog.core import cows
from kratomlog.core.days import local_day, parse_day, zone
from kratomlog.core.errors import InputError
from kratomlog.core.plan import PRESETS, preset_plan, taper_plan
from kratomlog.web import charts

SHOWN_DAYS = 90
BREACHES_SHOWN = 30
ACCESS_SHOWN = 50
ALERTS_SHOWN = 50


def _seen(request: HttpRequest, patient_id: UUID, what: str, action: str = "read") -> Patient:
    """The patient, if this clinician may see them (else 404); the access is audited."""
    patient = patient_for_clinician(request.user, patient_id)
    audit.record(
        action=action, actor=request.user, role=CLINICIAN, what=what, patient=patient,
        address=audit.client_address(request),
    )  # fmt: skip
    return patient


def checkin_charts(patient: Patient, first: date, last: date) -> list[charts.Chart]:
    found = []
    for key, title, top in (
        ("phq9", "PHQ-9 totals (0-27)", 27),
        ("gad7", "GAD-7 totals (0-21)", 21),
        ("withdrawal", "Withdrawal check-in totals (0-44, not a validated scale)", 44),
    ):
        points = list(
            patient.person.checkins.filter(
                deleted=False, instrument=key, local_day__range=(first, last)
            )
            .order_by("taken_at")
            .values_list("local_day", "total")
        )
        summary = f"{len(points)} from {first} to {last}." if points else "None in this period."
        found.append(
            charts.bars(
                title,
                summary,
                [(str(day), float(total), f"{day}: {total}") for day, total in points],
                "",
                top=top,
                headers=("Day", "Total"),
            )
        )
    return found


def course(patient: Patient, now: datetime, first: date, last: date) -> dict[str, Any]:
    """What the patient page and the report both show."""
    person = patient.person
    rows = journal_standing.history(person, first, last, now)
    status = journal_standing.status(person, now)
    return {
        "patient": patient,
        "standing": getattr(patient, "standing", None),
        "status": status,
        "first": first,
        "last": last,
        "rows": rows,
        "grams_chart": charts.daily_grams(rows),
        "calendar": charts.calendar(rows),
        "checkin_charts": checkin_charts(patient, first, last),
        "breaches": list(reversed(status.breaches))[:BREACHES_SHOWN],
        "plans": person.plan_versions.order_by("-set_at", "-id"),
        "visits": patient.visits.select_related("clinician").order_by("-at"),
        "grams_total": round(sum(row.grams for row in rows), 3),
        "use_days": sum(1 for row in rows if row.use),
    }


def patient_page(request: HttpRequest, patient_id: UUID, error: InputError | None = None,
                 status: int = 200) -> HttpResponse:  # fmt: skip
    patient = _seen(request, patient_id, "patient page")
    now = timezone.now()
    last = local_day(now, zone(patient.person.timezone))
    context = course(patient, now, last - timedelta(days=SHOWN_DAYS - 1), last)
    context.update(
        {
            "reasons": [
                REASON_WORDS.get(r, r)
                for r in (context["standing"].reasons if context["standing"] else [])
            ],
            "access": AuditEntry.objects.filter(patient=patient)
            .exclude(role="")
            .order_by("-id")[:ACCESS_SHOWN],
            "presets": PRESETS.values(),
            "cows_items": cows.ITEMS,
            "cows_source": cows.SOURCE,
            "error": error,
            "report_from": last - timedelta(days=27),
            "report_to": last,
        }
    )
    # The patient's alerts, newest first, with Acknowledge and Resolve (see staff/alerts).
    zone_name = staff_alerts.staff_zone(request.user)
    context["patient_alerts"] = [
        staff_alerts.described(alert, zone_name)
        for alert in inbox.alerts_for(request.user).filter(patient=patient)[:ALERTS_SHOWN]
    ]
    return render(request, "clinic/staff/patient.html", context, status=status)


@require_POST
def set_plan(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    patient = patient_for_clinician(request.user, patient_id)
    now = timezone.now()
    start_text = request.POST.get("start", "").strip()
    try:
        start = (
            parse_day(start_text, "start")
            if start_text
            else local_day(now, zone(patient.person.timezone))
        )
        if request.POST.get("kind") == "taper":
            plan = taper_plan(
                _number(request.POST.get("start_grams"), "start grams a day"),
                request.POST.get("step", "").strip(),
                int(_number(request.POST.get("every_days"), "every (days)")),
                _number(request.POST.get("floor_grams"), "floor (grams)")
                if request.POST.get("floor_grams", "").strip()
                else None,
                start,
            )
        else:
            plan = preset_plan(request.POST.get("preset", ""), start)
        care_plans.set_for_patient(request.user, patient, plan, now, audit.client_address(request))
    except InputError as problem:
        return patient_page(request, patient_id, problem, status=400)
    return HttpResponseRedirect(reverse("clinic-patient", args=[patient_id]) + "#plans")


@require_POST
def add_visit(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    patient = patient_for_clinician(request.user, patient_id)
    try:
        answers = [request.POST.get(f"cows_{item.key}", "") for item in cows.ITEMS]
        rated = None
        if any(answers):
            if not all(answers):
                raise InputError("cows", "rate all 11 COWS items, or none of them")
            rated = [int(answer) for answer in answers]
        visits.record_visit(
            request.user, patient, timezone.now(), rated, request.POST.get("note", ""),
            audit.client_address(request),
        )  # fmt: skip
    except (InputError, ValueError) as problem:
        error = problem if isinstance(problem, InputError) else InputError("cows", str(problem))
        return patient_page(request, patient_id, error, status=400)
    return HttpResponseRedirect(reverse("clinic-patient", args=[patient_id]) + "#visits")


def report(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    """The PDF report of one patient over a period (default: the last 28 days)."""
    patient = patient_for_clinician(request.user, patient_id)
    now = timezone.now()
    last_default = local_day(now, zone(patient.person.timezone))
    try:
        last = parse_day(request.GET["to"], "to") if request.GET.get("to") else last_default
        first = (
            parse_day(request.GET["from"], "from")
            if request.GET.get("from")
            else last - timedelta(days=27)
        )
        if first > last or (last - first).days > 3653:
            raise InputError("from", "a period of one day to ten years, from before to")
    except InputError as problem:
        return patient_page(request, patient_id, problem, status=400)
    audit.record(
        action="export", actor=request.user, role=CLINICIAN, what=f"report {first} to {last}",
        patient=patient, address=audit.client_address(request),
    )  # fmt: skip
    pdf = pdf_report.render_pdf(course(patient, now, first, last), request.user, now)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"kratomlog-report-{first}-{last}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


def _number(text: str | None, label: str) -> float:
    try:
        return float((text or "").strip().replace(",", "."))
    except ValueError:
        raise InputError(label, f"{text!r} is not a number") from None
