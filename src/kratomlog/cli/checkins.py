"""Check-ins from the terminal: questionnaires, the sleep diary, activities, what is due, and
what the record shows."""

import sys
from datetime import date, timedelta
from typing import TYPE_CHECKING, Annotated

import typer

from kratomlog.cli import context
from kratomlog.cli.lazy import lazy
from kratomlog.cli.output import console, friendly, print_json, table
from kratomlog.core import bam
from kratomlog.core.days import local_day, zone
from kratomlog.core.errors import InputError
from kratomlog.core.instruments import ACTIVITIES, CRAVING, INSTRUMENTS, WITHDRAWAL, instrument
from kratomlog.core.sleep import QUALITY

if TYPE_CHECKING:
    from datetime import datetime

    from kratomlog.checkins import coping, outcomes, recovery, services
    from kratomlog.core import analysis, course
    from kratomlog.journal import queries
    from kratomlog.journal.models import Person
    from kratomlog.plans import services as plan_services
else:
    analysis = lazy("kratomlog.core.analysis", journal=False)
    course = lazy("kratomlog.core.course", journal=False)
    coping = lazy("kratomlog.checkins.coping")
    outcomes = lazy("kratomlog.checkins.outcomes")
    recovery = lazy("kratomlog.checkins.recovery")
    services = lazy("kratomlog.checkins.services")
    queries = lazy("kratomlog.journal.queries")
    plan_services = lazy("kratomlog.plans.services")

Json = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


def register(app: typer.Typer) -> None:
    app.command()(checkin)
    app.command()(sleep)
    app.command()(activity)
    app.command()(due)
    app.command("recovery")(recovery_report)
    app.command("checkins")(list_checkins)
    app.command("help")(help_now)


def show_crisis(resources: tuple) -> None:  # type: ignore[type-arg]
    from kratomlog.core.crisis import MESSAGE

    console.print(f"\n[bold red]{MESSAGE}[/]")
    for resource in resources:
        console.print(f"  [bold]{resource.name}[/]: {resource.contact}")
    console.print()


def _ask(key: str) -> str:
    chosen = instrument(key)
    console.print(
        f"[bold]{chosen.name}[/]" + ("" if chosen.validated else " (not a validated scale)")
    )
    console.print(chosen.question)
    choices = (
        "  ".join(f"{n} = {label}" for n, label in enumerate(chosen.choices))
        if len(chosen.choices) <= 5
        else "0 to 10"
    )
    answers = []
    for number, item in enumerate(chosen.items, start=1):
        while True:
            try:
                reply = typer.prompt(f"{number}. {item} [{choices}]").strip()
            except typer.Abort:
                if sys.stdin.isatty():  # Ctrl+C at the terminal: stop, as asked
                    raise
                raise InputError(  # answers piped in ended early
                    "--answers",
                    f"the answers ended before item {number}; give all {len(chosen.items)} "
                    f"with --answers, e.g. --answers {','.join(['0'] * len(chosen.items))}",
                ) from None
            if reply.isdigit() and 0 <= int(reply) <= chosen.highest:
                answers.append(reply)
                break
            console.print(f"  answer with a whole number from 0 to {chosen.highest}")
    return ",".join(answers)


def _ask_bam() -> str:
    """The BAM item by item: days items as a number of days, the others by their labels."""
    console.print(f"[bold]{bam.NAME}[/]")
    console.print(bam.INTRODUCTION)
    answers = []
    for item in bam.ITEMS:
        if item.number == bam.DRUGS_ITEM:
            console.print(f"{item.number}. {item.text}")
            for key, label in bam.DRUGS.items():
                console.print(f"   {key}: {label}")
            hint = "names joined by +, or none"
        elif item.days:
            hint = "number of days, 0-30"
        elif item.number == bam.INCOME_ITEM:
            hint = "yes or no"
        else:
            hint = "  ".join(f"{n} = {label}" for n, label in enumerate(item.choices))
        while True:
            prompt = (
                f"   [{hint}]"
                if item.number == bam.DRUGS_ITEM
                else f"{item.number}. {item.text} [{hint}]"
            )
            try:
                reply = (
                    typer.prompt(prompt, default="none" if item.number == bam.DRUGS_ITEM else None)
                    .strip()
                    .lower()
                )
            except typer.Abort:
                if sys.stdin.isatty():
                    raise
                raise InputError(
                    "--answers",
                    f"the answers ended before item {item.number}; give all 17 with --answers, "
                    "e.g. --answers 0,0,0,0,0,0,none,0,0,0,0,0,0,0,0,0,0",
                ) from None
            value = _bam_reply(item, reply)
            if value is not None:
                answers.append(value)
                break
            form = "a whole number of days from 0 to 30" if item.days else bam.accepted(item)
            console.print(f"  answer with {form}")
    return ",".join(answers)


def _bam_reply(item: "bam.Item", reply: str) -> str | None:
    """One typed reply as its --answers part, or None when it is not an answer to the item."""
    if item.number == bam.DRUGS_ITEM:
        names = [] if reply in ("", "none", "-") else [n.strip() for n in reply.split("+")]
        return ("+".join(names) or "none") if all(n in bam.DRUGS for n in names) else None
    if item.number == bam.INCOME_ITEM:
        return {"yes": "4", "y": "4", "4": "4", "no": "0", "n": "0", "0": "0"}.get(reply)
    if not (reply.isascii() and reply.isdigit() and len(reply) <= 2):
        return None
    if item.days:
        return str(bam.days_score(int(reply))) if int(reply) <= 30 else None
    return reply if int(reply) <= 4 else None


def _checkin_bam(answers: str | None, at: str | None, note: str, as_json: bool) -> None:
    person, now = context.person(), context.now()
    given = answers if answers is not None else _ask_bam()
    recorded = services.record_bam(person=person, now=now, answers=given, at=at, note=note)
    scored = recorded.score
    if as_json:
        print_json(
            {
                "id": recorded.checkin.id,
                "instrument": bam.KEY,
                "answers": scored.stored(),
                "subscales": scored.subscales,
                "flagged_items": list(scored.flags),
                "source": bam.SOURCE,
            }
        )
        return
    console.print(
        f"BAM: Use {scored.use} of 12, Risk {scored.risk} of 24, "
        f"Protective {scored.protective} of 24 (higher Protective is better; no total)."
    )
    if scored.drugs:
        console.print("Drugs used (item 7): " + ", ".join(scored.drugs) + ".")
    for number in scored.flags:
        item = bam.ITEMS[number - 1]
        console.print(
            f"[bold]Item {number} ({item.short}): {item.choices[scored.item(number)]}.[/]"
        )
    console.print(f"[dim]{bam.ADAPTATION}[/]")
    console.print(f"[dim]source: {bam.SOURCE}[/]")


@friendly
def checkin(
    kind: Annotated[
        str,
        typer.Argument(metavar="INSTRUMENT", help=f"One of: {', '.join(INSTRUMENTS)}, {bam.KEY}."),
    ],
    answers: Annotated[
        str | None,
        typer.Option(
            help="All answers at once, e.g. 1,0,2,... (otherwise you are asked); for the BAM "
            "17 item scores 0-4, item 7 the drugs used joined by + or none."
        ),
    ] = None,
    at: Annotated[str | None, typer.Option(help="When (default now).")] = None,
    note: Annotated[str, typer.Option()] = "",
    as_json: Json = False,
) -> None:
    """Fill in PHQ-9, GAD-7, the withdrawal check-in, craving or the Brief Addiction Monitor
    (bam); see the score at once."""
    person, now = context.person(), context.now()
    if kind == bam.KEY:
        _checkin_bam(answers, at, note, as_json)
        return
    chosen = instrument(kind)
    given = answers if answers is not None else _ask(chosen.key)
    recorded = services.record_checkin(
        person=person, key=chosen.key, now=now, answers=given, at=at, note=note
    )
    scored = recorded.score
    if as_json:
        print_json(
            {
                "id": recorded.checkin.id,
                "instrument": chosen.key,
                "answers": list(scored.answers),
                "total": scored.total,
                "band": scored.band,
                "self_harm": scored.self_harm,
                "validated": chosen.validated,
                "source": chosen.source,
                "crisis_resources": [vars(r) for r in recorded.crisis_resources],
            }
        )
    else:
        band = f" ({scored.band})" if scored.band else ""
        console.print(f"{chosen.name}: {scored.total} of {chosen.most}{band}.")
        if not chosen.validated:
            console.print(
                "[dim]Not a validated scale: a record for you to compare days, not a diagnosis.[/]"
            )
        console.print(f"[dim]source: {chosen.source}[/]")
    if recorded.crisis_resources:
        if as_json:  # the resources are in the JSON; say them to a person at the terminal too
            sys.stderr.write(
                "Crisis resources: "
                + "; ".join(f"{r.name}: {r.contact}" for r in recorded.crisis_resources)
                + "\n"
            )
        else:
            show_crisis(recorded.crisis_resources)


@friendly
def sleep(
    bed: Annotated[str, typer.Option(help="Into bed, HH:MM.")],
    tried: Annotated[str, typer.Option(help="Tried to sleep, HH:MM.")],
    sol: Annotated[int, typer.Option(help="Minutes to fall asleep.")],
    wakes: Annotated[int, typer.Option(help="Number of awakenings.")],
    waso: Annotated[int, typer.Option(help="Minutes awake after first falling asleep.")],
    final: Annotated[str, typer.Option(help="Final awakening, HH:MM.")],
    up: Annotated[str, typer.Option(help="Out of bed, HH:MM.")],
    quality: Annotated[int, typer.Option(help="1 very poor, 2 poor, 3 fair, 4 good, 5 very good.")],
    night: Annotated[
        str | None,
        typer.Option(help="The evening the night began, YYYY-MM-DD (default: last night)."),
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Record a night already recorded again.")
    ] = False,
    note: Annotated[str, typer.Option()] = "",
    as_json: Json = False,
) -> None:
    """Fill in the morning's sleep diary (Consensus Sleep Diary core items)."""
    diary, night_ = services.record_sleep(
        person=context.person(),
        now=context.now(),
        bed=bed,
        tried=tried,
        sol=sol,
        wakes=wakes,
        waso=waso,
        final=final,
        up=up,
        quality=quality,
        night=night,
        note=note,
        replace=replace,
    )
    metrics = night_.metrics()
    if as_json:
        print_json({"id": diary.id, "night": diary.night.isoformat(), **metrics})
        return
    console.print(
        f"Night of {diary.night}: in bed {metrics['time_in_bed_minutes'] / 60:.1f} h, asleep "
        f"{metrics['total_sleep_minutes'] / 60:.1f} h, "
        f"sleep efficiency {metrics['sleep_efficiency']:.0f}%, "
        f"quality {QUALITY[quality - 1]}."
    )


@friendly
def activity(
    kind: Annotated[str, typer.Argument(metavar="KIND", help=f"One of: {', '.join(ACTIVITIES)}.")],
    minutes: Annotated[int | None, typer.Option()] = None,
    at: Annotated[str | None, typer.Option()] = None,
    note: Annotated[str, typer.Option()] = "",
    as_json: Json = False,
) -> None:
    """Record a recovery activity: counselling, therapy, a support group meeting, exercise."""
    done = services.record_activity(
        person=context.person(), kind=kind, minutes=minutes, at=at, note=note, now=context.now()
    )
    if as_json:
        print_json(
            {
                "id": done.id,
                "kind": done.kind,
                "minutes": done.minutes,
                "at": done.taken_at.isoformat(),
            }
        )
    else:
        console.print(
            f"Recorded {done.kind}" + (f", {done.minutes} minutes." if done.minutes else ".")
        )


@friendly
def due(
    as_json: Json = False,
    ics: Annotated[
        str | None, typer.Option("--ics", help="Write the check-in schedule to this .ics file.")
    ] = None,
) -> None:
    """The check-ins that are due now: from your schedule when you set one (`kratomlog
    schedule`), with the last week's ledger; otherwise the suggested cadence."""
    person, now = context.person(), context.now()
    from kratomlog.checkins import schedules

    if schedules.current(person):
        if ics:
            _write_ics(person, now, ics)
        _show_ledger(person, now, as_json)
        return
    found = recovery.due_now(person, now, plan_services.plan_history(person))
    if ics:
        from pathlib import Path

        from kratomlog.checkins.schedule import schedule_ics
        from kratomlog.storage import write_private

        write_private(Path(ics), schedule_ics(person, now), "--ics")
    if as_json:
        print_json([{"checkin": d.checkin, "reason": d.reason} for d in found])
        return
    if not found:
        console.print("Nothing is due.")
    for item in found:
        command = "sleep" if item.checkin == "sleep" else f"checkin {item.checkin}"
        console.print(f"- {item.checkin}: {item.reason}  ([dim]kratomlog {command}[/])")


def _write_ics(person: "Person", now: "datetime", ics: str) -> None:
    from pathlib import Path

    from kratomlog.checkins.schedule import schedule_ics
    from kratomlog.storage import write_private

    write_private(Path(ics), schedule_ics(person, now), "--ics")


def _show_ledger(person: "Person", now: "datetime", as_json: bool) -> None:
    """The schedule's occurrences of the last 7 days and today: due, done, missed, upcoming."""
    from kratomlog.checkins import schedules

    entries = schedules.ledger_now(person, now)
    tz = zone(person.timezone)
    if as_json:
        print_json(
            [
                {
                    "checkin": entry.occurrence.instrument,
                    "due_at": entry.occurrence.due_at.isoformat(),
                    "window_end": entry.occurrence.window_end.isoformat(),
                    "state": entry.state,
                    "done_at": entry.done_at.isoformat() if entry.done_at else None,
                }
                for entry in entries
            ]
        )
        return
    due_now = [entry for entry in entries if entry.state == "due"]
    if not due_now:
        console.print("Nothing is due.")
    for entry in due_now:
        key = entry.occurrence.instrument
        command = {"sleep": "sleep", "doses": "dose"}.get(key, f"checkin {key}")
        closes = entry.occurrence.window_end.astimezone(tz)
        console.print(f"- {key}: due, open until {closes:%a %H:%M}  ([dim]kratomlog {command}[/])")
    grid = table("due", "check-in", "state")
    for entry in entries:
        grid.add_row(
            f"{entry.occurrence.due_at.astimezone(tz):%a %d %b %H:%M}",
            entry.occurrence.instrument,
            entry.state,
        )
    if entries:
        console.print("\nThe last 7 days on your schedule:")
        console.print(grid)
    version = schedules.newest(person)
    if version is not None and version.set_by:  # a clinic's, brought by a sync
        console.print(f"Your schedule was set by {version.set_by} at your clinic.")


def _stop_lines(stop: "course.Stop | None", today: date) -> None:
    if stop is None:
        console.print(
            "No stop in progress (48 hours without a dose after 5 or more use days in 14)."
        )
        return
    console.print(f"Day {stop.day_number(today)} since the last dose ({stop.last_dose.day}).")
    console.print(f"[dim]{course.COURSE_CLAIM}.[/]")


@friendly
def recovery_report(as_json: Json = False) -> None:
    """What the record shows: the day counter, withdrawal by day, craving by taper step, and dose
    against sleep (observational)."""
    person, now = context.person(), context.now()
    plans, journal = plan_services.plan_history(person), queries.use_index(person, now)
    shows = recovery.record_shows(person, journal, plans, now)
    today = local_day(now, zone(person.timezone))
    if as_json:
        print_json(shows.as_dict(today))
        return
    _stop_lines(shows.stop, today)
    if shows.withdrawal_by_day:
        grid = table("Day since last dose", "Day", f"Withdrawal total ({WITHDRAWAL.scale})")
        for number, day, total in shows.withdrawal_by_day:
            grid.add_row(str(number), str(day), str(total))
        console.print(grid)
    if shows.craving_by_step:
        grid = table("Taper step", "Allowance", "Check-ins", f"Mean craving ({CRAVING.scale})")
        for row in shows.craving_by_step:
            grid.add_row(
                str(row["step"]),
                f"{row['allowance_grams']:g} g",
                str(row["check_ins"]),
                f"{row['mean_craving']:g}",
            )
        console.print(grid)
    console.print(
        "\n[bold]Nights after an evening dose (after 17:00) against nights without[/]: "
        f"{analysis.OBSERVATIONAL}."
    )
    grid = table("Measure", "Nights with", "Nights without", "Difference", "95% interval")
    for difference in shows.sleep:
        if difference.shown:
            grid.add_row(
                difference.measure,
                str(difference.with_n),
                str(difference.without_n),
                f"{difference.difference:+.1f}",
                f"{difference.low:+.1f} to {difference.high:+.1f}",
            )
        else:
            grid.add_row(
                difference.measure,
                str(difference.with_n),
                str(difference.without_n),
                f"shown from {analysis.MIN_NIGHTS} nights on each side",
                "",
            )
    console.print(grid)


def read_resources_file(path: str, field: str = "VALUE") -> str:
    from pathlib import Path

    file = Path(path)
    accepted = "give a UTF-8 text file with one 'name | how to reach it' a line"
    try:
        if not file.is_file():
            raise InputError(field, f"{path!r} is not a file; {accepted}")
        return file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(field, f"cannot read {path!r} ({error}); {accepted}") from None


def set_crisis_resources(path: str) -> None:
    services.set_resources(context.person(), read_resources_file(path))


@friendly
def list_checkins(
    show_outcomes: Annotated[
        bool,
        typer.Option(
            "--outcomes",
            help="Change since the journal's start: the first score against the latest, and "
            "whether the change is reliable (PHQ-9, GAD-7).",
        ),
    ] = False,
    as_json: Json = False,
) -> None:
    """The check-ins of the last 30 days, or with --outcomes the change since the start."""
    person, now = context.person(), context.now()
    if show_outcomes:
        found = outcomes.outcomes(person, outcomes.journal_start(person), now)
        if as_json:
            print_json(outcomes.as_dict(found))
            return
        for key, outcome in found.items():
            name = outcomes.NAMES[key]
            if outcome is None:
                console.print(f"{name}: fewer than two scores since the journal's start.")
            else:
                console.print(f"Your {outcome.words()}.")
        return
    tz = zone(person.timezone)
    recent = (
        services.live_checkins(person, now)
        .filter(taken_at__gte=now - timedelta(days=30))
        .order_by("taken_at")
    )
    rows = [
        {
            "instrument": c.instrument,
            "taken_at": c.taken_at.isoformat(),
            "total": None if c.instrument == bam.KEY else c.total,
            "band": c.band or None,
            **({"subscales": services.bam_of(c).subscales} if c.instrument == bam.KEY else {}),
        }
        for c in recent
    ]
    if as_json:
        print_json(rows)
        return
    if not rows:
        console.print("No check-ins in the last 30 days.")
        return
    grid = table("When", "Check-in", "Total", "Band")
    for checkin in recent:
        if checkin.instrument == bam.KEY:
            scored = services.bam_of(checkin)
            grid.add_row(
                checkin.taken_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
                "BAM",
                f"Use {scored.use}, Risk {scored.risk}, Protective {scored.protective}",
                "",
            )
            continue
        chosen = instrument(checkin.instrument)
        grid.add_row(
            checkin.taken_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
            chosen.name,
            f"{checkin.total} of {chosen.most}",
            checkin.band,
        )
    console.print(grid)


@friendly
def help_now(
    edit: Annotated[
        bool, typer.Option("--edit", help="Write your plan for hard moments in your editor.")
    ] = False,
    from_file: Annotated[
        str | None,
        typer.Option("--set", metavar="FILE", help="Set your plan from a file in --edit's shape."),
    ] = None,
    as_json: Json = False,
) -> None:
    """Help now: the crisis resources, and your own plan for hard moments (your warning signs,
    what helps you, people to call, your reasons to keep going)."""
    from pathlib import Path

    from kratomlog.core.coping import HEADINGS, plan_from_text

    person = context.person()
    if edit or from_file:
        if from_file:
            try:
                text = Path(from_file).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as problem:
                raise InputError("--set", f"cannot read {from_file}: {problem}") from None
        else:
            text = typer.edit(coping.coping_plan(person).as_text(), extension=".txt") or ""
        plan = coping.set_coping_plan(person, plan_from_text(text))
        console.print("Your plan for hard moments is saved." if not plan.empty else
                      "Your plan for hard moments is empty.")  # fmt: skip
        return
    shown = coping.help_now(person)
    if as_json:
        print_json(shown.as_dict())
        return
    console.print("[bold]If you are in danger or thinking of hurting yourself, reach out now:[/]")
    for resource in shown.resources:
        console.print(f"  [bold]{resource.name}[/]: {resource.contact}")
    plan = shown.plan
    if plan.empty:
        console.print(
            "\nYou have no plan for hard moments yet: `kratomlog help --edit` writes one."
        )
        return
    for key, heading in HEADINGS.items():
        items = (
            [f"{p.name}: {p.phone}" for p in plan.people] if key == "people" else getattr(plan, key)
        )
        if items:
            console.print(f"\n[bold]{heading}[/]")
            for item in items:
                console.print(f"  - {item}")
