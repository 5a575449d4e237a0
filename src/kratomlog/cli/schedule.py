"""`kratomlog schedule`: the person's own check-in schedule (without one, `due` suggests)."""

from typing import TYPE_CHECKING, Annotated, Any

import typer

from kratomlog.cli import context
from kratomlog.cli.lazy import lazy
from kratomlog.cli.output import console, friendly, print_json
from kratomlog.core import schedule
from kratomlog.core.errors import InputError

if TYPE_CHECKING:
    from kratomlog.checkins import schedules
else:
    schedules = lazy("kratomlog.checkins.schedules")

FLAGS = {
    "instrument": "ITEM", "every": "--every", "weekday": "--on", "day_of_month": "--on",
    "at": "--at", "start": "--start", "end": "--end", "step_down": "--then",
}  # fmt: skip
Json = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


def register(app: typer.Typer) -> None:
    schedule_app = typer.Typer(
        help="Your check-in schedule: what to fill in when (without one, `due` suggests).",
        no_args_is_help=True,
    )
    schedule_app.command("set")(schedule_set)
    schedule_app.command("show")(schedule_show)
    schedule_app.command("clear")(schedule_clear)
    app.add_typer(schedule_app, name="schedule")


def _stage(text: str) -> dict[str, Any]:
    """--then AFTER:EVERY[:ON], e.g. 4:14 or 2:month:1 or 3:week:fri."""
    parts = text.split(":")
    if len(parts) not in (2, 3) or not parts[0].isdigit():
        raise InputError("--then", f"{text!r}: use AFTER:EVERY[:ON], such as 4:14 or 2:month:1")
    stage: dict[str, Any] = {"after": int(parts[0]), "every": parts[1]}
    if len(parts) == 3:
        stage["weekday" if parts[1] == "week" else "day_of_month"] = (
            parts[2] if parts[1] == "week" else int(parts[2]) if parts[2].isdigit() else parts[2]
        )
    return stage


@friendly
def schedule_set(
    item: Annotated[str, typer.Argument(help=f"One of {', '.join(schedule.INSTRUMENTS)}.")],
    every: Annotated[
        str, typer.Option("--every", help="day, week, month, or a number of days.")
    ] = "day",
    on: Annotated[
        str | None,
        typer.Option(
            "--on", help="Every week: the weekday (mon..sun); every month: the day, 1-28."
        ),
    ] = None,
    at: Annotated[str, typer.Option("--at", help="Local time, HH:MM.")] = "09:00",
    start: Annotated[
        str | None, typer.Option("--start", help="First day, YYYY-MM-DD (default: today).")
    ] = None,
    end: Annotated[str | None, typer.Option("--end", help="Last day, YYYY-MM-DD.")] = None,
    then: Annotated[
        list[str] | None,
        typer.Option(
            "--then", help="A step-down stage after so many: AFTER:EVERY[:ON], e.g. 4:14."
        ),
    ] = None,
) -> None:
    """Put one check-in on the schedule (replacing that check-in's earlier cadence)."""
    raw: dict[str, Any] = {"instrument": item, "every": every, "at": at}
    if on is not None:
        raw["weekday" if every == "week" else "day_of_month"] = int(on) if on.isdigit() else on
    if start:
        raw["start"] = start
    if end:
        raw["end"] = end
    if then:
        raw["step_down"] = [_stage(text) for text in then]
    try:
        chosen = schedules.set_item(context.person(), raw, context.now())
    except InputError as problem:
        flag = FLAGS.get(problem.field.split("[")[0], problem.field)
        raise InputError(flag, problem.problem) from None
    console.print(f"{chosen.instrument}: {chosen.describe()}")


@friendly
def schedule_show(as_json: Json = False) -> None:
    """The schedule and the next time each check-in is due."""
    person, now = context.person(), context.now()
    from kratomlog.core.days import zone

    version = schedules.newest(person)
    items = schedules.items_of(version)
    tz = zone(person.timezone)
    by = _set_by(version)
    if as_json:
        print_json(
            {
                "items": [item.as_dict() for item in items],
                "set_by": by,  # who at the clinic set it; null: you did
                "set_at": version.set_at.isoformat() if version else None,
                "next": {
                    item.instrument: [
                        o.due_at.isoformat() for o in schedule.next_occurrences(item, now, tz, 3)
                    ]
                    for item in items
                },
            }
        )
        return
    if by and version:
        console.print(f"Set by {by} at your clinic on {version.set_at.astimezone(tz):%d %b %Y}.")
    if not items:
        console.print("No schedule: `kratomlog due` suggests what to fill in.")
        return
    for item in items:
        coming = schedule.next_occurrences(item, now, tz, 1)
        upcoming = (
            f" (next {coming[0].due_at.astimezone(tz):%a %d %b %H:%M})" if coming else " (ended)"
        )
        console.print(f"- {item.instrument}: {item.describe()}{upcoming}")


def _set_by(version: Any) -> str | None:
    """Who set the schedule in force, when a clinic did (a sync brought it with its author); a
    version the person set here has none."""
    return (version.set_by or None) if version is not None else None


@friendly
def schedule_clear(
    item: Annotated[str, typer.Argument(help="The check-in to take off the schedule.")],
) -> None:
    """Take one check-in off the schedule."""
    schedules.clear_item(context.person(), item, context.now())
    console.print(f"{item} is off the schedule.")
