"""Check-ins: one short form each, the sleep diary, and what the record shows."""

from datetime import datetime, timedelta

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from kratomlog.checkins import outcomes, recovery, schedules, services
from kratomlog.checkins.schedule import schedule_ics
from kratomlog.core import analysis, bam, course, sources
from kratomlog.core.days import local_day, zone
from kratomlog.core.errors import InputError
from kratomlog.core.instruments import CRAVING, GAD7, INSTRUMENTS, PHQ9, WITHDRAWAL
from kratomlog.core.schedule import Item, next_occurrences
from kratomlog.core.sleep import QUALITY, last_night
from kratomlog.core.words import count
from kratomlog.journal import queries
from kratomlog.journal.models import Person
from kratomlog.plans.services import plan_history
from kratomlog.web import charts, step_down
from kratomlog.web.views.common import field, now, person_of, whole


def bam_form(request: HttpRequest) -> HttpResponse:
    """The Brief Addiction Monitor on one page: a row of answers an item, item 7 as boxes."""
    context: dict[str, object] = {
        "bam": bam,
        "items": [(item, list(zip(item.scores, item.choices, strict=True))) for item in bam.ITEMS],
        "drugs": list(bam.DRUGS.items()),
        "error": None,
        "recorded": None,
        "given": {},
    }
    if request.method == "POST":
        answers: list[object] = []
        given = {key: request.POST.get(key, "") for key in request.POST}
        context["given"] = given
        try:
            for item in bam.ITEMS:
                if item.number == bam.DRUGS_ITEM:
                    answers.append(request.POST.getlist("item-7"))
                    continue
                value = request.POST.get(f"item-{item.number}", "")
                if not (value.isascii() and value.isdigit()) or len(value) > 1:
                    raise InputError(f"item {item.number}", f"choose an answer for “{item.text}”")
                answers.append(int(value))
            recorded = services.record_bam(
                person=person_of(request), now=now(), answers=answers,
                note=field(request, "note") or "", field="answers",
            )  # fmt: skip
        except InputError as error:
            context["error"] = error
            return render(request, "web/bam_form.html", context, status=400)
        context["recorded"] = recorded
        context["flagged"] = [bam.ITEMS[n - 1] for n in recorded.score.flags]
    return render(request, "web/bam_form.html", context)


def checkin_form(request: HttpRequest, key: str) -> HttpResponse:
    if key == bam.KEY:
        return bam_form(request)
    chosen = INSTRUMENTS.get(key)
    if chosen is None:
        raise Http404("no such check-in")
    person = person_of(request)
    context = {
        "instrument": chosen,
        "items": list(enumerate(chosen.items)),
        "choices": list(enumerate(chosen.choices)),
        "error": None,
        "recorded": None,
    }
    if request.method == "POST":
        answers = []
        try:
            for index in range(len(chosen.items)):
                value = request.POST.get(f"item-{index}", "")
                if not (value.isascii() and value.isdigit()) or len(value) > 3:
                    raise InputError(
                        f"item {index + 1}", f"choose an answer for “{chosen.items[index]}”"
                    )
                answers.append(int(value))
            recorded = services.record_checkin(
                person=person,
                key=key,
                now=now(),
                answers=answers,
                note=field(request, "note") or "",
            )
        except InputError as error:
            context["error"] = error
            return render(request, "web/checkin_form.html", context, status=400)
        context["recorded"] = recorded
        context["max_total"] = chosen.most
    return render(request, "web/checkin_form.html", context)


def sleep_form(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    moment, tz = now(), zone(person.timezone)
    night_default = last_night(moment, tz)
    context: dict[str, object] = {
        "quality": list(enumerate(QUALITY, start=1)),
        "error": None,
        "night": None,
        "values": request.POST,
        "default_night": night_default.isoformat(),
        "default_night_words": f"{night_default:%A %-d %B}",
        "today": local_day(moment, tz).isoformat(),
    }
    if request.method == "POST":
        try:

            def number(name: str, label: str) -> int:
                return whole(request.POST.get(name, "").strip() or "0", label)

            diary, night = services.record_sleep(
                person=person,
                now=moment,
                bed=request.POST.get("bed", ""),
                tried=request.POST.get("tried", ""),
                sol=number("sol", "--sol"),
                wakes=number("wakes", "--wakes"),
                waso=number("waso", "--waso"),
                final=request.POST.get("final", ""),
                up=request.POST.get("up", ""),
                quality=number("quality", "--quality"),
                night=field(request, "night"),
                replace=bool(field(request, "replace")),
            )
        except InputError as error:
            context["error"] = error
            return render(request, "web/sleep_form.html", context, status=400)
        context["night"] = night
        context["metrics"] = night.metrics()
        context["diary"] = diary
    return render(request, "web/sleep_form.html", context)


@require_POST
def record_activity(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    minutes = field(request, "minutes")
    try:
        done = services.record_activity(
            person=person,
            kind=request.POST.get("kind", ""),
            minutes=whole(minutes, "minutes") if minutes else None,
            now=now(),
            at=field(request, "at"),
            note=field(request, "note") or "",
        )
    except InputError as error:
        return checkins_page(request, error=error, status=400)
    return checkins_page(request, message=f"Recorded {done.kind}.")


def checkins_page(
    request: HttpRequest,
    error: InputError | None = None,
    message: str | None = None,
    status: int = 200,
) -> HttpResponse:
    person, moment = person_of(request), now()
    plans, journal = plan_history(person), queries.use_index(person, moment)
    shows = recovery.record_shows(person, journal, plans, moment)
    today = local_day(moment, zone(person.timezone))
    recent = services.live_checkins(person, moment).order_by("-taken_at")[:20]
    changes = [
        found
        for found in outcomes.outcomes(person, outcomes.care_start(person), moment).values()
        if found is not None
    ]
    withdrawal_chart = charts.checkin_totals(
        WITHDRAWAL,
        [(f"day {n}", total) for n, _, total in shows.withdrawal_by_day],
        (
            f"{count(len(shows.withdrawal_by_day), 'withdrawal check-in')} since the last dose; "
            f"{course.COURSE_CLAIM}."
            if shows.withdrawal_by_day
            else "No withdrawal check-ins since a stop yet."
        ),
        title="Withdrawal by day since the last dose",
        header="Day since last dose",
    )
    nights = shows.nights[-60:]
    sleep_chart = charts.bars(
        "Sleep efficiency by night",
        (
            f"{count(len(nights), 'night')}; nights after an evening dose are drawn in the "
            "second colour."
            if nights
            else "No sleep diaries yet."
        ),
        [
            (
                str(n.night),
                round(n.sleep_efficiency, 1),
                f"{n.night}: {n.sleep_efficiency:.0f}%, asleep {n.total_sleep_minutes / 60:.1f} h",
            )
            for n in nights
        ],
        "%",
        top=100,
        headers=("Night", "Sleep efficiency (%)"),
        marked=[n.night in shows.evening_nights for n in nights],
        what="sleep efficiency of a night",
        marked_means="a night after an evening dose",
    )
    scores = {
        chosen: list(
            services.live_checkins(person, moment)
            .filter(instrument=chosen.key)
            .order_by("taken_at")
            .values_list("local_day", "total")
        )
        for chosen in (PHQ9, GAD7, CRAVING)
    }
    score_charts = [
        charts.checkin_totals(
            chosen, points[-30:], f"{count(len(points), 'check-in')}." if points else "None yet."
        )
        for chosen, points in scores.items()
    ]
    scheduled = schedules.current(person)
    return render(
        request,
        "web/checkins.html",
        {
            **_schedule_context(person, scheduled, moment),
            "craving_chart": _craving_chart(shows),
            "due": [] if scheduled else recovery.due_now(person, moment, plans),
            "instruments": INSTRUMENTS.values(),
            "bam_name": bam.NAME,
            "shows": shows,
            "day_number": shows.stop.day_number(today) if shows.stop else None,
            "course_claim": course.COURSE_CLAIM,
            "observational": analysis.OBSERVATIONAL,
            "min_nights": analysis.MIN_NIGHTS,
            "withdrawal_chart": withdrawal_chart,
            "sleep_chart": sleep_chart,
            "score_charts": score_charts,
            "recent": recent,
            "changes": changes,
            "reliable_change": sources.RELIABLE_CHANGE,
            "activities": person.activities.filter(deleted=False).order_by("-taken_at")[:10],
            "activity_kinds": services.ACTIVITIES,
            "phq9": PHQ9,
            "craving_scale": CRAVING.scale,
            "error": error,
            "message": message,
        },
        status=status,
    )


def _craving_chart(shows: recovery.RecordShows) -> charts.Chart:
    steps = shows.craving_by_step
    summary = (
        f"{count(len(steps), 'taper step')} with craving check-ins; the mean craving from "
        f"{steps[0]['mean_craving']:g} at step {steps[0]['step']} to "
        f"{steps[-1]['mean_craving']:g} at step {steps[-1]['step']}."
        if steps
        else "No craving check-ins during a taper yet."
    )
    items = [
        (
            f"step {row['step']}",
            row["mean_craving"],
            f"step {row['step']} ({row['allowance_grams']:g} g a day): mean craving "
            f"{row['mean_craving']:g} from {count(row['check_ins'], 'check-in')}",
        )
        for row in steps
    ]
    return charts.bars(
        "Mean craving at each taper step",
        summary,
        items,
        "",
        top=CRAVING.most,
        headers=("Taper step", f"Mean craving ({CRAVING.scale})"),
    )


def checkins(request: HttpRequest) -> HttpResponse:
    return checkins_page(request)


def _schedule_context(person: Person, items: list[Item], moment: datetime) -> dict[str, object]:
    """The schedule, what is due now on it, and each check-in's adherence over 4 weeks."""
    if not items:
        return {"schedule": [], **_schedule_form(person)}
    tz = zone(person.timezone)
    month = schedules.ledger(
        person, items, moment - timedelta(days=schedules.ADHERENCE_DAYS), moment
    )
    newest = schedules.newest(person)
    return {
        # Who set it when a clinic did (its clinician, or the team's default); none: the person.
        "schedule_set_by": newest.set_by if newest is not None else "",
        "schedule": [
            {
                "key": item.instrument,
                "words": item.describe(),
                "next": " ".join(
                    f"{o.due_at.astimezone(tz):%a %-d %b %H:%M}"
                    for o in next_occurrences(item, moment, tz, 1)
                ),
            }
            for item in items
        ],
        "scheduled_due": [
            {
                "key": e.occurrence.instrument,
                "until": f"{e.occurrence.window_end.astimezone(tz):%a %H:%M}",
            }
            for e in month
            if e.state == "due"
        ],
        "adherence": [
            {"key": key, "done": done, "of": of}
            for key, (done, of) in schedules.adherence_by_instrument(month).items()
        ],
        **_schedule_form(person),
    }


def _schedule_form(person: Person) -> dict[str, object]:
    from kratomlog.checkins.schedule import NAMES
    from kratomlog.core.instruments import INSTRUMENTS as KNOWN

    offered = [key for key in NAMES if key in KNOWN or key in ("sleep", "doses")]
    return {
        "can_set_schedule": own_schedule_allowed(person),
        "schedule_choices": [(key, NAMES[key]) for key in offered],
        "step_down": step_down.fields_of(None),
    }


def own_schedule_allowed(person: Person) -> bool:
    """Locally always; in a clinic only where it lets patients set their own (see
    clinic.schedules)."""
    from django.conf import settings

    if not settings.CLINIC:
        return True
    from kratomlog.clinic.schedules import patients_may_set_own

    return patients_may_set_own()


@require_POST
def set_schedule(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    if not own_schedule_allowed(person):
        return checkins_page(request, message="Your care team sets your schedule.")
    every = request.POST.get("every", "")
    raw: dict[str, object] = {
        "instrument": request.POST.get("instrument", ""),
        "every": int(every) if every.isdigit() else every,
        "at": request.POST.get("at", ""),
    }
    on = field(request, "on")
    if every == "week":
        raw["weekday"] = on
    elif every == "month":
        raw["day_of_month"] = int(on) if on and on.isdigit() else on
    if field(request, "start"):
        raw["start"] = field(request, "start")
    try:
        steps = step_down.read(request.POST)
        if steps:
            raw["step_down"] = steps
        item = schedules.set_item(person, raw, now())
    except InputError as error:
        return checkins_page(request, error=error, status=400)
    return checkins_page(request, message=f"On your schedule: {item.describe()}.")


@require_POST
def clear_schedule_item(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    if not own_schedule_allowed(person):
        return checkins_page(request, message="Your care team sets your schedule.")
    try:
        schedules.clear_item(person, request.POST.get("instrument", ""), now())
    except InputError as error:
        return checkins_page(request, error=error, status=400)
    return checkins_page(request, message="Taken off your schedule.")


def schedule(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        schedule_ics(person_of(request), now()), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="kratomlog-check-ins.ics"'
    return response
