"""`kratomlog sources`: every source behind a number or a recommendation, in plain words."""

from typing import Annotated

import typer

from kratomlog.cli.output import console, friendly, print_json, without_django


def register(app: typer.Typer) -> None:
    app.command()(sources)


@friendly
@without_django
def sources(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Every source behind a number or a recommendation: what it is, its use, how strong."""
    from kratomlog.core.sources import ALL

    if as_json:
        print_json([vars(source) for source in ALL])
        return
    for source in ALL:
        console.print(f"[bold]{source.citation}[/]", highlight=False)
        console.print(f"  What it is: {source.what}", highlight=False)
        console.print(f"  Used for: {source.supports}", highlight=False)
        console.print(f"  How strong: {source.evidence}\n", highlight=False)
