"""The schedule section of a clinician's patient page: the versions kept, adherence over the
last 4 weeks per instrument, and a form with one row per check-in to set the whole schedule."""

from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kratomlog.checkins import schedules as journal_schedules
from kratomlog.checkins.schedule import NAMES
from kratomlog.clinic import audit, occurrences, schedules
from kratomlog.clinic.models import Patient
from kratomlog.clinic.policy import patient_for_clinician
from kratomlog.core import schedule
from kratomlog.core.errors import InputError
from kratomlog.core.instruments import INSTRUMENTS
from kratomlog.web import step_down

VERSIONS_SHOWN = 10
EVERY_CHOICES = (("", "not scheduled"), ("day", "every day"), ("week", "every week"),
                 ("14", "every 14 days"), ("month", "every month"))  # fmt: skip


def offered() -> list[str]:
    """The check-ins a schedule can hold here (the weekly check-in once it exists)."""
    return [key for key in schedule.INSTRUMENTS if key in INSTRUMENTS or key in ("sleep", "doses")]


def _row(key: str, item: schedule.Item | None) -> dict[str, Any]:
    then = step_down.fields_of(item)
    if item is None:
        return {"key": key, "name": NAMES.get(key, key), "every": "", "on": "", "at": "09:00",
                "then": then}  # fmt: skip
    first = item.first
    on = (
        schedule.WEEKDAYS[first.weekday]
        if first.weekday is not None
        else str(first.day_of_month or "")
    )
    return {"key": key, "name": NAMES.get(key, key), "every": str(first.every), "on": on,
            "at": f"{item.at:%H:%M}", "words": item.describe(), "then": then}  # fmt: skip


def rows(current: dict[str, schedule.Item]) -> list[dict[str, Any]]:
    """One row a check-in, as the schedule form shows it (the patient's and the team's)."""
    return [_row(key, current.get(key)) for key in offered()]


def _shown(row: dict[str, Any]) -> tuple[Any, ...]:
    then = tuple((t["after"], t["every"]) for t in row["then"] if t["every"])
    return row["every"], row["on"], row["at"], then


def raw_items_from_form(form: Any, current: dict[str, schedule.Item]) -> list[dict[str, Any]]:
    """The items the form asks for, in their dict form; a row left as it was keeps its item
    whole (its start, and a step-down longer than the form shows)."""
    raw_items: list[dict[str, Any]] = []
    for key in offered():
        every = form.get(f"{key}-every", "").strip()
        if not every:
            continue
        at, on = form.get(f"{key}-at", "").strip(), form.get(f"{key}-on", "").strip()
        kept = current.get(key)
        try:
            steps = step_down.read(form, f"{key}-", kept)
        except InputError as problem:
            raise InputError(NAMES.get(key, key), problem.problem) from None
        shown_steps = steps[: step_down.STAGES_SHOWN]
        then = [{"after": str(s["after"]), "every": _step_value(s)} for s in shown_steps]
        asked = {"every": every, "on": on, "at": at, "then": then}
        if kept is not None and _shown(_row(key, kept)) == _shown(asked):
            raw_items.append(kept.as_dict())  # unchanged: its start and step-down stay
            continue
        raw: dict[str, Any] = {"instrument": key, "every": int(every) if every.isdigit() else every,
                               "at": at}  # fmt: skip
        if every == "week":
            raw["weekday"] = on
        elif every == "month":
            raw["day_of_month"] = int(on) if on.isdigit() else on
        if steps:
            raw["step_down"] = steps
        raw_items.append(raw)
    return raw_items


def _step_value(step: dict[str, Any]) -> str:
    if "weekday" in step:
        return f"week:{step['weekday']}"
    if "day_of_month" in step:
        return f"month:{step['day_of_month']}"
    return str(step["every"])


def read_form(form: Any, current: dict[str, schedule.Item], read: Any) -> list[schedule.Item]:
    """The form's items read by `read` (raw items -> Items); an error names the check-in."""
    raw_items = raw_items_from_form(form, current)
    try:
        return read(raw_items)  # type: ignore[no-any-return]
    except InputError as problem:
        index = problem.field.split("]")[0].removeprefix("items[")
        where = raw_items[int(index)]["instrument"] if index.isdigit() else ""
        raise InputError(f"{NAMES.get(where, where)}", problem.problem.split(": ", 1)[-1]) from None


def section(patient: Patient, now: Any) -> dict[str, Any]:
    versions = list(patient.person.schedule_versions.order_by("-set_at", "-id")[:VERSIONS_SHOWN])
    current = (
        {item.instrument: item for item in journal_schedules.items_of(versions[0])}
        if versions
        else {}
    )
    return {
        "schedule_rows": rows(current),
        "schedule_versions": [
            {
                "version": v,
                "items": ", ".join(item["instrument"] for item in v.items) or "none",
                "author": v.set_by or "the patient",
            }
            for v in versions
        ],
        "schedule_adherence": [
            {"name": NAMES.get(key, key), "done": done, "of": of}
            for key, (done, of) in occurrences.adherence(patient, now).items()
        ],
        "every_choices": EVERY_CHOICES,
        "schedule_errors": {},
    }


def _items_from_form(patient: Patient, form: Any, now: Any) -> list[schedule.Item]:
    current = {item.instrument: item for item in journal_schedules.current(patient.person)}
    return read_form(
        form, current, lambda raw: journal_schedules.read_items(patient.person, raw, now)
    )


@require_POST
def set_schedule(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    from kratomlog.clinic.staff.patient import patient_page

    patient = patient_for_clinician(request.user, patient_id)
    now = timezone.now()
    try:
        items = _items_from_form(patient, request.POST, now)
    except InputError as problem:
        return patient_page(
            request, patient_id, status=400,
            schedule_errors={"schedule": f"{problem.field}: {problem.problem}"},
        )  # fmt: skip
    schedules.set_for_patient(request.user, patient, items, now, audit.client_address(request))
    return HttpResponseRedirect(reverse("clinic-patient", args=[patient_id]) + "#schedule")
