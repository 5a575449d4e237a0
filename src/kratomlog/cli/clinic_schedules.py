"""`kratomlog clinic team-schedule`: the check-in schedule a team's new patients start with."""

from pathlib import Path
from typing import Annotated

import typer

from kratomlog.cli.output import console, friendly


def register(clinic_app: typer.Typer) -> None:
    clinic_app.command("team-schedule")(team_schedule)


@friendly
def team_schedule(
    team: Annotated[str, typer.Argument(help="The team's name.")],
    file: Annotated[
        Path | None,
        typer.Option(
            "--file", help='A JSON file {"items": [...]}, as PUT /api/v1/patients/{id}/schedule.'
        ),
    ] = None,
    clear: Annotated[bool, typer.Option("--clear", help="New patients start with none.")] = False,
) -> None:
    """Show or set the schedule a team's new patients start with (each from their first day)."""
    import json

    from kratomlog.cli import context
    from kratomlog.clinic import schedules
    from kratomlog.clinic.models import Team
    from kratomlog.core.days import local_day, zone
    from kratomlog.core.errors import InputError
    from kratomlog.core.schedule import items_from_list

    context.ready()
    chosen = Team.objects.filter(name=team).first()
    if chosen is None:
        raise InputError("TEAM", f"{team!r} is no team of this clinic")
    if clear:
        schedules.set_team_default(chosen, [], context.now())
    elif file is not None:
        try:
            raw = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as problem:
            raise InputError("--file", f"not a JSON file: {problem}") from None
        today = local_day(context.now(), zone("UTC"))
        items = items_from_list(raw.get("items") if isinstance(raw, dict) else raw, today)
        schedules.set_team_default(chosen, items, context.now())
    shown = chosen.default_schedule
    if not shown:
        console.print(f"{team}: new patients start with no schedule (the suggested cadence).")
    for item in shown:
        console.print(f"{team}: {json.dumps(item)}")
