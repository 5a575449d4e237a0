"""Plans: presets with their sources, plan files, tapers and their schedules."""

from typing import TYPE_CHECKING, Annotated

import typer

from kratomlog.cli import context
from kratomlog.cli.lazy import lazy
from kratomlog.cli.output import console, friendly, print_json, table
from kratomlog.core.plan import PRESETS, Plan
from kratomlog.core.rules import grams
from kratomlog.core.taper import schedule

if TYPE_CHECKING:
    from datetime import datetime

    from kratomlog.journal.models import Person
    from kratomlog.plans import review, services
else:
    review = lazy("kratomlog.plans.review")
    services = lazy("kratomlog.plans.services")

Start = Annotated[
    str | None,
    typer.Option("--start", help="First day it is in force, YYYY-MM-DD (default: today)."),
]


def register(app: typer.Typer) -> None:
    plan_app = typer.Typer(
        help="Your plan: the limits and targets the journal is judged by.", no_args_is_help=True
    )
    plan_app.command("set")(plan_set)
    plan_app.command("show")(plan_show)
    plan_app.command("presets")(plan_presets)
    plan_app.command("taper")(plan_taper)
    plan_app.command("review")(plan_review)
    app.add_typer(plan_app, name="plan")


def show_plan(plan: Plan) -> None:
    console.print(f"[bold]{plan.name}[/], in force from {plan.start}")
    if plan.source:
        console.print(f"  source: {plan.source}")
    if plan.evidence:
        console.print(f"  evidence: {plan.evidence}")
    for rule in plan.rules:
        console.print(f"  - {rule.id} ({rule.severity}): {rule.describe()}")
    if plan.taper:
        show_schedule(plan)


def show_schedule(plan: Plan) -> None:
    assert plan.taper is not None
    grid = table("Step", "From", "To", "Grams a day")
    for step in schedule(plan.taper, plan.start):
        grid.add_row(
            str(step.number),
            str(step.first_day),
            str(step.last_day or "on"),
            grams(step.grams_per_day),
        )
    console.print(grid)


@friendly
def plan_set(
    preset_or_file: Annotated[
        str,
        typer.Argument(
            metavar="PRESET|FILE", help=f"A preset ({', '.join(PRESETS)}) or a TOML plan file."
        ),
    ],
    start: Start = None,
) -> None:
    """Set the plan from a day on; earlier days keep the plan they had."""
    plan = services.set_plan(
        person=context.person(), preset_or_file=preset_or_file, start=start, now=context.now()
    )
    console.print("Plan set.")
    show_plan(plan)


@friendly
def plan_show(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """The plan in force today, and every earlier version."""
    from kratomlog.core.days import local_day, zone

    person, now = context.person(), context.now()
    history = services.plan_history(person)
    current = history.in_force(local_day(now, zone(person.timezone)))
    versions = services.plan_versions(person)
    if as_json:
        print_json(
            {
                "current": current.as_dict() if current else None,
                "versions": [
                    {
                        "name": v.name,
                        "start": v.start.isoformat(),
                        "set_at": v.set_at.isoformat(),
                        "withdrawn": v.withdrawn,
                        "rules": v.rules,
                    }
                    for v in versions
                ],
            }
        )
        return
    if current is None:
        upcoming = [
            plan for plan in history.plans if plan.start > local_day(now, zone(person.timezone))
        ]
        console.print(
            "No plan is in force today."
            + (f" One starts on {upcoming[0].start}." if upcoming else "")
        )
        console.print(
            "Choose one: kratomlog plan presets, kratomlog plan set PRESET|FILE, "
            "kratomlog plan taper"
        )
    else:
        show_plan(current)
    if len(versions) > 1:
        grid = table("From", "Plan", "Set on", "State")
        for version in versions:
            grid.add_row(
                str(version.start),
                version.name,
                version.set_at.date().isoformat(),
                "withdrawn (undo)" if version.withdrawn else "",
            )
        console.print("\nAll versions:")
        console.print(grid)


@friendly
def plan_presets() -> None:
    """The presets, each with its source and the strength of its evidence."""
    for preset in PRESETS.values():
        console.print(f"[bold]{preset.name}[/]: {preset.summary}")
        console.print(f"  source: {preset.source.citation}")
        console.print(f"  evidence: {preset.source.evidence}")


@friendly
def plan_taper(
    start_grams: Annotated[
        float | None, typer.Option("--from", help="Grams a day to start from.")
    ] = None,
    step: Annotated[
        str | None,
        typer.Option(
            help="Down by this each step: '10%' of the current allowance, or grams such as 0.5."
        ),
    ] = None,
    every: Annotated[int | None, typer.Option(help="Days per step.")] = None,
    floor: Annotated[
        float | None,
        typer.Option(help="Below this many grams the allowance becomes 0 (needed with a % step)."),
    ] = None,
    start: Start = None,
    hold: Annotated[
        int | None,
        typer.Option(
            "--hold",
            metavar="DAYS",
            help="Hold today's step this many more days; the later steps move by as many.",
        ),
    ] = None,
    step_back: Annotated[
        bool,
        typer.Option(
            "--step-back", help="Go back to the previous step's allowance from today, then on."
        ),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the schedule without setting the plan.")
    ] = False,
) -> None:
    """Build a taper, set it as the plan, and print its schedule; or change the taper in force:
    --hold DAYS or --step-back (see the change first with --dry-run)."""
    from kratomlog.core.errors import InputError

    person, now = context.person(), context.now()
    if hold is not None or step_back:
        if hold is not None and step_back:
            raise InputError("--hold", "choose one: --hold DAYS or --step-back")
        given = [name for name, value in (("--from", start_grams), ("--step", step),
                                          ("--every", every), ("--floor", floor),
                                          ("--start", start)) if value is not None]  # fmt: skip
        if given:
            raise InputError(given[0], "--hold and --step-back change the taper in force; "
                             "they take no new numbers")  # fmt: skip
        _change_taper(person, now, hold, dry_run)
        return
    for option, value in (("--from", start_grams), ("--step", step), ("--every", every)):
        if value is None:
            raise InputError(option, "missing; a taper takes --from, --step and --every")
    assert start_grams is not None and step is not None and every is not None
    plan = services.build_taper(
        person=person,
        start_grams=start_grams,
        step=step,
        every_days=every,
        floor_grams=floor,
        start=start,
        now=now,
        save=not dry_run,
    )
    console.print("Schedule only (not set):" if dry_run else "Taper set as your plan.")
    show_plan(plan)


def _change_taper(person: "Person", now: "datetime", hold: int | None, dry_run: bool) -> None:
    from kratomlog.core.sources import HOLD_OR_STEP_BACK
    from kratomlog.plans.preview import preview_plan

    plan = services.changed_taper(person, now, hold)
    effects = preview_plan(person, plan, now)
    replaced = services.version_in_force(person, plan.start)
    if not dry_run:
        services.save_plan(person, plan, now)
    console.print("The change only (not set):" if dry_run else "Taper changed from today.")
    show_plan(plan)
    for line in effects:
        console.print(f"  {line}")
    if replaced is not None and replaced.set_by:
        console.print(f"This replaces {replaced.set_by}'s plan; your care team will be told.")
    console.print(f"Holding a step or stepping back is {HOLD_OR_STEP_BACK.citation}.")


def _or_dash(value: object, unit: str = "") -> str:
    return (
        "-"
        if value is None
        else f"{value:g}{unit}"
        if isinstance(value, float)
        else f"{value}{unit}"
    )


@friendly
def plan_review(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """The taper step by step: each step's allowance, the days kept within it, grams and doses a
    day, withdrawal, craving, sleep and PHQ-9, and the notes written in it."""
    from kratomlog.core.sources import DOSE_ADJUSTMENT

    person, now = context.person(), context.now()
    plan, steps = review.taper_review(person, now)
    if as_json:
        print_json(review.review_document(plan, steps))
        return
    if plan is None:
        console.print("No taper to review: set one with `kratomlog plan taper`.")
        return
    began = steps[0].first_day if steps else plan.start  # before any hold or step back
    console.print(f"[bold]{plan.name}[/] from {began}, step by step.")
    grid = table(
        "Step", "Days", "Allowance", "Kept", "Grams a day (max)", "Doses a day (max)",
        "Withdrawal", "Craving", "Sleep (efficiency)", "PHQ-9",
    )  # fmt: skip
    for step in steps:
        name = f"{step.number}{' (now)' if step.current else ''}"
        span = f"{step.first_day} to {step.last_day or 'on'}"
        if step.state == "to come":
            grid.add_row(name, span, grams(step.allowance_grams), "to come", *[""] * 6)
            continue
        grid.add_row(
            name,
            span,
            grams(step.allowance_grams),
            f"{step.days_within} of {step.days}",
            f"{_or_dash(step.grams_per_day)} g ({_or_dash(step.grams_max)})",
            f"{_or_dash(step.doses_per_day)} ({_or_dash(step.doses_max)})",
            _or_dash(step.withdrawal_mean),
            _or_dash(step.craving_mean),
            "-"
            if step.sleep_tst_minutes is None
            else f"{step.sleep_tst_minutes / 60:.1f} h ({step.sleep_efficiency:g}%)",
            _or_dash(step.phq9_latest),
        )
    console.print(grid)
    for step in steps:
        if step.change:
            console.print(f"  step {step.number}: {step.change.words}")
        for note in step.notes:
            console.print(f"  step {step.number}: {note}")
    console.print(f"What is tracked follows {DOSE_ADJUSTMENT}.")
