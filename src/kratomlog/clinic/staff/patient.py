"""A patient's page for their clinician: their course at a glance, plans, visits, the report."""

from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kratomlog import standing as journal_standing
from kratomlog.checkins import outcomes
from kratomlog.clinic import audit, care_plans, inbox, messages, stale, visits
from kratomlog.clinic import report as pdf_report
from kratomlog.clinic.models import CLINICIAN, AuditEntry, Patient
from kratomlog.clinic.policy import patient_for_clinician
from kratomlog.clinic.staff import alerts as staff_alerts
from kratomlog.clinic.staff.schedule import section as schedule_section
from kratomlog.clinic.standing import REASON_WORDS
from kratomlog.core import bam, cows
from kratomlog.core.days import local_day, parse_day, zone
from kratomlog.core.errors import InputError
from kratomlog.core.instruments import GAD7, PHQ9, WITHDRAWAL
from kratomlog.core.plan import PRESETS, Plan, preset_plan, taper_plan
from kratomlog.core.sources import HOLD_OR_STEP_BACK, RELIABLE_CHANGE
from kratomlog.plans.services import stored_plan, version_in_force
from kratomlog.web import charts
from kratomlog.web.taper_review import review_shown

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
    for chosen in (PHQ9, GAD7, WITHDRAWAL):
        points = list(
            patient.person.checkins.filter(
                deleted=False, instrument=chosen.key, local_day__range=(first, last)
            )
            .order_by("taken_at")
            .values_list("local_day", "total")
        )
        summary = f"{len(points)} from {first} to {last}." if points else "None in this period."
        found.append(charts.checkin_totals(chosen, points, summary))
    return found


def bam_course(patient: Patient, first: date, last: date) -> dict[str, Any]:
    """The BAMs of the period: each with its subscales and its answers item by item (newest
    first), and a chart a subscale. No total: the BAM has none."""
    found = [
        (checkin.local_day, bam.score(checkin.answers))
        for checkin in patient.person.checkins.filter(
            deleted=False, instrument=bam.KEY, local_day__range=(first, last)
        ).order_by("taken_at")
    ]
    summary = f"{len(found)} from {first} to {last}." if found else "None in this period."
    subscale_charts = [
        charts.bars(
            f"BAM {bam.SUBSCALE_NAMES[key]} (0-{4 * len(numbers)}; "
            f"{'higher is better' if key == bam.PROTECTIVE else 'lower is better'})",
            summary,
            [
                (
                    str(day),
                    float(scored.subscales[key]),
                    f"{day}: {scored.subscales[key]} of {4 * len(numbers)}",
                )
                for day, scored in found
            ],
            "",
            top=4 * len(numbers),
            headers=("Day", f"{bam.SUBSCALE_NAMES[key]} (0-{4 * len(numbers)})"),
        )
        for key, numbers in bam.SUBSCALES.items()
    ]
    taken = []
    for day, scored in reversed(found):
        answers = []
        for item, answer in zip(bam.ITEMS, scored.stored(), strict=True):
            if isinstance(answer, list):
                words = ", ".join(answer) or "none"
            else:
                words = f"{item.choices[item.scores.index(answer)]} ({answer})"
            answers.append({"item": item, "words": words, "flagged": item.number in scored.flags})
        taken.append({"day": day, "score": scored, "answers": answers})
    return {"bam_charts": subscale_charts if found else [], "bams": taken, "bam": bam}


def course(patient: Patient, now: datetime, first: date, last: date) -> dict[str, Any]:
    """What the patient page and the report both show."""
    person = patient.person
    stale.bring_up_to_date(now, Patient.objects.filter(id=patient.id))
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
        "plans": person.plan_versions.order_by("-set_at", "-id"),  # the report's list
        "visits": patient.visits.select_related("clinician").order_by("-at"),
        "grams_total": round(sum(row.grams for row in rows), 3),
        "changes": [
            found
            for found in outcomes.outcomes(person, patient.joined_at, now).values()
            if found is not None
        ],
        "reliable_change": RELIABLE_CHANGE,
        "review": review_shown(person, now),
        "use_days": sum(1 for row in rows if row.use),
        **bam_course(patient, first, last),
    }


def patient_page(request: HttpRequest, patient_id: UUID, status: int = 200,
                 **forms: Any) -> HttpResponse:  # fmt: skip
    """The page; `forms` carries a refused or previewed form back (its values, its errors)."""
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
            "cows_bands": cows.BANDS,
            "cows_source": cows.SOURCE,
            "cows_chart": cows_chart(patient),
            "today": last,
            "plans": plan_list(patient, last),
            "plan_form": {
                "kind": "preset",
                "preset": "",
                "start": "",
                "start_grams": "",
                "step": "",
                "every_days": "",
                "floor_grams": "",
            },
            "plan_errors": {},
            "taper_fields": TAPER_FIELDS,
            "visit_form": {"on": last.isoformat(), "note": "", "next_visit_on": "", "cows": {}},
            "visit_errors": {},
            "report_form": {
                "from": (last - timedelta(days=27)).isoformat(),
                "to": last.isoformat(),
            },
            "report_errors": {},
            "hold_or_step_back": HOLD_OR_STEP_BACK,
        }
    )
    context.update(schedule_section(patient, now))
    context.update(forms)
    # The patient's alerts, newest first, with Acknowledge and Resolve (see staff/alerts).
    zone_name = staff_alerts.staff_zone(request.user)
    context["patient_alerts"] = [
        staff_alerts.described(alert, zone_name)
        for alert in inbox.alerts_for(request.user).filter(patient=patient)[:ALERTS_SHOWN]
    ]
    # The conversation in short (its words are on its own page, which marks them read).
    conversation = messages.conversation(patient)
    latest = conversation.last()
    context["messages_summary"] = {
        "count": conversation.count(),
        "unread": conversation.filter(from_patient=True, read_at__isnull=True).count(),
        "latest": staff_alerts.staff_time(latest.sent_at, zone_name) if latest else "",
        "latest_from_patient": latest.from_patient if latest else False,
        "staff_reminder": messages.STAFF_REMINDER,
    }
    return render(request, "clinic/staff/patient.html", context, status=status)


def cows_chart(patient: Patient) -> charts.Chart:
    """Every rated visit's COWS total, oldest first, on the scale's own 0-48."""
    rated = list(
        patient.visits.filter(cows_total__isnull=False)
        .order_by("at")
        .values_list("at", "cows_total")
    )
    tz = zone(patient.person.timezone)
    items = []
    for moment, total in rated:
        day = local_day(moment, tz)
        band = cows.band_of(total) or "below mild"
        items.append((f"{day:%-d %b}", float(total), f"{day:%-d %b %Y}: COWS {total}, {band}"))
    summary = (
        f"{len(items)} rated visit{'s' if len(items) != 1 else ''}; the latest COWS {rated[-1][1]}."
        if rated
        else "No visit with a COWS rating yet."
    )
    return charts.bars(f"COWS totals at visits (0-{cows.HIGHEST})", summary, items, "",
                       top=cows.HIGHEST, headers=("Visit", "COWS total"))  # fmt: skip


def plan_list(patient: Patient, today: date) -> list[dict[str, Any]]:
    """Every version, the one in force today first, then the newest set first; each with its
    rules in words, who set it and when, and from when to when it is (or was) in force."""
    versions = list(patient.person.plan_versions.order_by("-set_at", "-id"))
    in_force = version_in_force(patient.person, today)
    live = sorted((v for v in versions if not v.withdrawn), key=lambda v: (v.start, v.set_at))
    shown = []
    for version in versions:
        later = [v.start for v in live if v.start > version.start]
        try:
            rules = [rule.describe() for rule in stored_plan(version).rules]
        except (InputError, KeyError, TypeError, ValueError):
            rules = ["(a rule this version of kratomlog cannot read)"]
        shown.append({
            "version": version,
            "in_force": in_force is not None and version.id == in_force.id,
            "rules": rules,
            "until": min(later) - timedelta(days=1) if later else None,
            "author": version.set_by or "the patient",
        })  # fmt: skip
    shown.sort(key=lambda row: not row["in_force"])
    return shown


TAPER_FIELDS = [
    ("start_grams", "Start: grams a day", "decimal"),
    ("step", "Step down by (grams, or a percentage such as 10%)", "text"),
    ("every_days", "Every (days)", "numeric"),
    ("floor_grams", "Floor in grams (needed with a percentage; below it the allowance is 0)",
     "decimal"),
    ("start", "From (YYYY-MM-DD, today or later; default today)", "numeric"),
]  # fmt: skip

# The plan form's fields, and the names the plan's own checks give them (taper_plan speaks
# the CLI's options; the page speaks its own labels).
PLAN_FIELDS = {"--from": "start_grams", "--every": "every_days", "--floor": "floor_grams",
               "--step": "step", "start": "start", "preset": "preset", "PRESET": "preset",
               "start grams a day": "start_grams", "every (days)": "every_days",
               "floor (grams)": "floor_grams"}  # fmt: skip


def _plain(problem: str) -> str:
    """A check's words for a person filling in the form, not a plan file's keys."""
    return problem.replace(
        "give the grams below which the allowance becomes 0, e.g. floor_grams = 1",
        "give a floor: the grams a day below which the allowance becomes 0 (for example 1)",
    )


def _plan_from_form(patient: Patient, form: dict[str, str], now: datetime) -> Plan:
    start_text = form["start"]
    start = (
        parse_day(start_text, "start")
        if start_text
        else local_day(now, zone(patient.person.timezone))
    )
    if form["kind"] == "taper":
        return taper_plan(
            _number(form["start_grams"], "start grams a day"),
            form["step"],
            _whole(form["every_days"], "every (days)"),
            _number(form["floor_grams"], "floor (grams)") if form["floor_grams"] else None,
            start,
        )
    return preset_plan(form["preset"], start)


@require_POST
def set_plan(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    """Nothing is set before the clinician has seen the schedule and what it does to today,
    and said yes (again in words for unusual values)."""
    patient = patient_for_clinician(request.user, patient_id)
    now = timezone.now()
    keys = ("kind", "preset", "start", "start_grams", "step", "every_days", "floor_grams")
    form = {key: request.POST.get(key, "").strip() for key in keys}
    form["kind"] = "taper" if form["kind"] == "taper" else "preset"
    try:
        plan = _plan_from_form(patient, form, now)
        shown = care_plans.preview(patient, plan, now)
        confirmed = request.POST.get("confirm") == "1" and (
            not shown.questions or request.POST.get("confirm_unusual") == "1"
        )
        if not confirmed:
            return patient_page(request, patient_id, plan_form=form, plan_preview=shown)
        care_plans.set_for_patient(request.user, patient, plan, now, audit.client_address(request))
    except InputError as problem:
        field = PLAN_FIELDS.get(problem.field, "plan")
        return patient_page(request, patient_id, status=400, plan_form=form,
                            plan_errors={field: _plain(problem.problem)})  # fmt: skip
    return HttpResponseRedirect(reverse("clinic-patient", args=[patient_id]) + "#plans")


@require_POST
def hold_plan(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    return _change_taper(request, patient_id, "hold")


@require_POST
def step_back_plan(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    return _change_taper(request, patient_id, "step-back")


def _change_taper(request: HttpRequest, patient_id: UUID, change: str) -> HttpResponse:
    """Hold the taper's step or step back: a choice the clinician makes, shown before it is set
    (what it does to today, the new schedule), then set as their plan."""
    patient = patient_for_clinician(request.user, patient_id)
    now = timezone.now()
    form = {"change": change, "days": request.POST.get("days", "").strip()}
    try:
        days = _whole(form["days"], "days") if change == "hold" else None
        plan = care_plans.changed_taper(patient, now, days)
        shown = care_plans.preview(patient, plan, now)
        if request.POST.get("confirm") != "1":
            return patient_page(request, patient_id, change_form=form, change_preview=shown)
        care_plans.set_for_patient(request.user, patient, plan, now, audit.client_address(request))
    except InputError as problem:
        return patient_page(request, patient_id, status=400, change_form=form,
                            change_error=problem.problem)  # fmt: skip
    return HttpResponseRedirect(reverse("clinic-patient", args=[patient_id]) + "#plans")


@require_POST
def add_visit(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    patient = patient_for_clinician(request.user, patient_id)
    now = timezone.now()
    today = local_day(now, zone(patient.person.timezone))
    form: dict[str, Any] = {
        "on": request.POST.get("on", "").strip(),
        "note": request.POST.get("note", ""),
        "next_visit_on": request.POST.get("next_visit_on", "").strip(),
        "cows": {item.key: request.POST.get(f"cows_{item.key}", "") for item in cows.ITEMS},
    }
    errors: dict[str, str] = {}
    answers = list(form["cows"].values())
    rated = None
    if any(answers) and not all(answers):
        missing = [item.label.split(" (")[0] for item in cows.ITEMS if not form["cows"][item.key]]
        errors["cows"] = (
            f"{sum(1 for a in answers if a)} of {len(cows.ITEMS)} items are rated; rate all "
            f"{len(cows.ITEMS)} COWS items, or none of them. Not yet rated: {', '.join(missing)}."
        )
    elif all(answers):
        try:
            rated = [int(answer) for answer in answers]
        except ValueError:
            errors["cows"] = "each COWS item is rated with one of the scores shown"
    on = _day_field(form["on"], "the visit's date", errors, "on") or today
    if on > today:
        errors["on"] = f"{on:%-d %b %Y} is in the future; a visit is recorded on or after it"
    next_on = _day_field(form["next_visit_on"], "the next visit's date", errors, "next_visit_on")
    if next_on is not None and next_on < on:
        errors["next_visit_on"] = f"{next_on:%-d %b %Y} is before this visit's date"
    if not errors:
        try:
            visits.record_visit(
                request.user, patient, _visit_moment(on, today, now, patient), rated,
                form["note"], audit.client_address(request), next_visit_on=next_on,
            )  # fmt: skip
        except InputError as problem:
            errors[problem.field.split(" ")[0] if problem.field.startswith("cows") else "note"] = (
                problem.problem
            )
    if errors:
        return patient_page(request, patient_id, status=400, visit_form=form,
                            visit_errors=errors)  # fmt: skip
    return HttpResponseRedirect(reverse("clinic-patient", args=[patient_id]) + "#visits")


def _visit_moment(on: date, today: date, now: datetime, patient: Patient) -> datetime:
    """A visit today is now; one recorded later for an earlier day, at noon of that day."""
    if on == today:
        return now
    return datetime.combine(on, time(12), zone(patient.person.timezone))


def _day_field(text: str, label: str, errors: dict[str, str], key: str) -> date | None:
    if not text:
        return None
    try:
        return parse_day(text, label)
    except InputError:
        errors[key] = f"{text!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-12-03"
        return None


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
        return patient_page(request, patient_id, status=400,
                            report_form={"from": request.GET.get("from", ""),
                                         "to": request.GET.get("to", "")},
                            report_errors={"to" if problem.field == "to" else "from":
                                           problem.problem})  # fmt: skip
    audit.record(
        action="export", actor=request.user, role=CLINICIAN, what=f"report {first} to {last}",
        patient=patient, address=audit.client_address(request),
    )  # fmt: skip
    pdf = pdf_report.render_pdf(course(patient, now, first, last), request.user, now)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = pdf_report.file_name(patient, first, last)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


def _number(text: str | None, label: str) -> float:
    try:
        return float((text or "").strip().replace(",", "."))
    except ValueError:
        raise InputError(label, f"{text!r} is not a number; write grams such as 6 or 2.5") from None


def _whole(text: str | None, label: str) -> int:
    try:
        return int((text or "").strip())
    except ValueError:
        raise InputError(label, f"{text!r} is not a whole number of days, such as 7") from None
