"""The printable report of one patient over a period: a PDF made with WeasyPrint, for the record.

The same numbers and SVG charts as the patient page, laid out for A4, with what happened in the
period: check-in scores (PHQ-9 with its item 9), visits with COWS and notes, the alerts and how
each was resolved, the signals, the days over the plan then in force, and the plans with who set
them. Days are the patient's local days; times are in the patient's zone, which the report names.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.template.loader import render_to_string
from django.utils.text import slugify

from kratomlog import standing as journal_standing
from kratomlog.clinic.care_plans import author_name
from kratomlog.clinic.models import Alert, Patient
from kratomlog.clinic.standing import REASON_WORDS
from kratomlog.core import cows
from kratomlog.core.days import start_of_day, stored_local, zone
from kratomlog.core.history import DayRow
from kratomlog.core.instruments import GAD7, PHQ9, SELF_HARM_ITEM, WITHDRAWAL, Instrument
from kratomlog.core.rules import grams
from kratomlog.plans.services import stored_plan

ALERT_WORDS = {**REASON_WORDS, "plan_changed_by_patient": "the patient changed a plan you set"}
SCORED = (PHQ9, GAD7, WITHDRAWAL)


@dataclass(frozen=True)
class Score:
    day: date
    total: int
    band: str
    item_9: str  # PHQ-9 only: the answer to item 9 in the questionnaire's words, "1 (Several days)"
    self_harm: bool  # PHQ-9 item 9 above 0


def file_name(patient: Patient, first: date, last: date) -> str:
    """The PDF's name: the patient's display name, else their pseudonymous id, and the period."""
    who = slugify(patient.display_name) or str(patient.public_id)
    return f"kratomlog-report-{who}-{first}-to-{last}.pdf"


def over_limit_days(rows: list[DayRow]) -> int:
    """Days of the period over a limit of the plan in force that day: the report's one count."""
    return sum(1 for row in rows if any(b.severity == "limit" for b in row.breaches))


def scores(patient: Patient, chosen: Instrument, first: date, last: date) -> list[Score]:
    found = []
    for day, total, band, answers, self_harm in (
        patient.person.checkins.filter(
            deleted=False, instrument=chosen.key, local_day__range=(first, last)
        )
        .order_by("taken_at")
        .values_list("local_day", "total", "band", "answers", "self_harm")
    ):
        item_9 = ""
        if chosen is PHQ9 and len(answers) > SELF_HARM_ITEM:
            answer = answers[SELF_HARM_ITEM]
            item_9 = f"{answer} ({chosen.choices[answer]})"
        found.append(Score(day, total, band or "", item_9, self_harm))
    return found


def _when(moment: datetime | None, tz_name: str) -> str:
    return stored_local(moment, tz_name).strftime("%-d %b %Y %H:%M") if moment else ""


def facts(course: dict[str, Any], now: datetime) -> dict[str, Any]:
    """What the report adds to the patient page's course, for the course's period."""
    patient: Patient = course["patient"]
    first, last = course["first"], course["last"]
    tz_name = patient.person.timezone
    start = start_of_day(first, zone(tz_name))
    end = start_of_day(last + timedelta(days=1), zone(tz_name))  # exclusive
    alerts = [
        {
            "what": ALERT_WORDS.get(alert.kind, alert.kind.replace("_", " ")),
            "urgent": alert.urgent,
            "detail": alert.detail,
            "raised": _when(alert.raised_at, tz_name),
            "state": alert.state,
            "acknowledged": (
                f"{author_name(alert.acknowledged_by)}, {_when(alert.acknowledged_at, tz_name)}"
                if alert.acknowledged_by
                else ""
            ),
            "resolved": (
                f"by {author_name(alert.resolved_by)} on {_when(alert.resolved_at, tz_name)}"
                if alert.resolved_by and alert.resolved_at
                else ""
            ),
            "note": alert.resolution_note,
        }
        for alert in Alert.objects.filter(patient=patient, raised_at__lt=end)
        .exclude(resolved_at__lt=start)
        .select_related("acknowledged_by__account", "resolved_by__account")
        .order_by("raised_at")
    ]
    plans = []
    for version in patient.person.plan_versions.filter(set_at__lt=end).order_by("set_at", "id"):
        try:
            rules = "; ".join(rule.describe() for rule in stored_plan(version).rules)
        except (ValueError, KeyError, TypeError, AttributeError):
            rules = ""
        plans.append(
            {
                "name": version.name,
                "rules": rules,
                "start": version.start,
                "author": version.set_by or "the patient",
                "set_at": _when(version.set_at, tz_name),
                "withdrawn": version.withdrawn,
            }
        )
    visits = [
        {
            "at": _when(visit.at, tz_name),
            "clinician": author_name(visit.clinician) if visit.clinician else "",
            "cows": (
                f"{visit.cows_total} ({cows.band_of(visit.cows_total) or 'below mild'})"
                if visit.cows_total is not None
                else ""
            ),
            "note": visit.note,
        }
        for visit in patient.visits.filter(at__gte=start, at__lt=end)
        .select_related("clinician__account")
        .order_by("at")
    ]
    as_of = min(now, end)
    signals = [
        {"what": ALERT_WORDS.get(signal.kind, signal.kind.replace("_", " ")), "since": signal.since}
        for signal in journal_standing.status(patient.person, as_of).signals
    ]
    rows: list[DayRow] = course["rows"]
    return {
        "shown_name": patient.shown_name,
        "record_number": patient.record_number,
        "zone": tz_name,
        "grams_total_text": grams(course["grams_total"]),
        "over_limit_days": over_limit_days(rows),
        "limits_broken": sum(len(row.breaches) for row in rows),
        "scores": [
            {
                "instrument": chosen,
                "most": chosen.most,
                "scores": scores(patient, chosen, first, last),
            }
            for chosen in SCORED
        ],
        "alerts": alerts,
        "signals": signals,
        "signals_as_of": _when(as_of, tz_name),
        "plans_in_period": plans,
        "visits_in_period": visits,
        "cows_rated": [visit for visit in visits if visit["cows"]],
        "cows_source": cows.SOURCE,
        "phq9_most": PHQ9.most,
        "withdrawal_most": WITHDRAWAL.most,
    }


def render_pdf(course: dict[str, Any], clinician: Any, now: datetime) -> bytes:
    from weasyprint import HTML  # imported here: it loads Pango, which only the report needs

    html = render_to_string(
        "clinic/staff/report.html",
        {
            **course,
            **facts(course, now),
            "made_by": author_name(clinician),
            "made_at": _when(now, course["patient"].person.timezone),
        },
    )
    return HTML(string=html).write_pdf()  # type: ignore[no-any-return]
