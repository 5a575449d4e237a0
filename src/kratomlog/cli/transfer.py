"""Import and export."""

import json
from pathlib import Path
from typing import Annotated

import typer

from kratomlog.cli import context
from kratomlog.cli.output import console, errors, friendly
from kratomlog.core.errors import InputError
from kratomlog.storage import write_private

PROGRESS_FROM_ROWS = 5000


def register(app: typer.Typer) -> None:
    app.command("import")(import_)
    app.command("export")(export)
    app.command("demo")(demo)


@friendly
def import_(
    kind: Annotated[
        str,
        typer.Argument(metavar="FORMAT", help="csv, pwjournal, kratomtracker, teataper or json"),
    ],
    file: Annotated[Path, typer.Argument(metavar="FILE")],
    grams_per_ml: Annotated[
        float | None,
        typer.Option(
            "--grams-per-ml",
            help="teataper: how many grams of kratom a millilitre of your tea holds; remembered "
            "for later imports.",
        ),
    ] = None,
) -> None:
    """Import a file, all or nothing; rows already imported are not added again."""
    from kratomlog.journal import transfer  # with the csv module: only imports and exports need it

    if kind not in transfer.FORMATS:
        raise InputError("FORMAT", f"{kind!r}; use one of {', '.join(transfer.FORMATS)}")
    from rich.progress import Progress  # only imports need it; keep it off every start-up

    person, now = context.person(), context.now()
    # The bar starts only on a long import: started at once, it would put a blank line before
    # an error on a bad file.
    bar = Progress(console=errors.real(), transient=True)
    task = None

    def advance(done: int, total: int) -> None:
        nonlocal task
        if total < PROGRESS_FROM_ROWS:
            return
        if task is None:
            bar.start()
            task = bar.add_task("importing", total=total)
        bar.update(task, completed=done)

    try:
        result = transfer.import_file(
            person=person,
            kind=kind,
            path=file,
            now=now,
            progress=advance,
            grams_per_ml=grams_per_ml,
        )
    finally:
        if task is not None:
            bar.stop()
    for line in result.summary(file.name):
        console.print(line, highlight=False, markup=False, soft_wrap=True)
    if result.added or result.updated:
        console.print("[dim]Undo with: kratomlog undo[/]")


@friendly
def export(
    kind: Annotated[
        str, typer.Argument(metavar="FORMAT", help="json (complete and lossless) or csv")
    ],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file instead of standard output."),
    ] = None,
) -> None:
    """Export the whole journal."""
    from kratomlog.checkins.transfer import export_checkins_csv
    from kratomlog.journal import transfer

    person, now = context.person(), context.now()
    if kind == "json":
        text = json.dumps(transfer.export_json(person, now), indent=2, ensure_ascii=False) + "\n"
    elif kind == "csv":
        text = transfer.export_csv(person)
    else:
        raise InputError("FORMAT", f"{kind!r}; use json or csv")
    if output is None:
        typer.echo(text, nl=False)
        return
    write_private(output, text, "--output")  # the whole journal: readable by its owner alone
    errors.print(f"Wrote {output}", soft_wrap=True)  # a path is never split across lines
    if kind == "csv":  # check-ins go beside it, one long-format file a kind
        for name, content in export_checkins_csv(person).items():
            beside = output.with_name(f"{output.stem}-{name}{output.suffix or '.csv'}")
            write_private(beside, content, "--output")
            errors.print(f"Wrote {beside}", soft_wrap=True)


@friendly
def demo(days: Annotated[int, typer.Option(help="Days of journal to make.")] = 90) -> None:
    """Fill an empty journal with a realistic demo: a taper with breaches, and magnesium."""
    from kratomlog.journal import demo as demo_journal

    made = demo_journal.load_demo(person=context.person(), now=context.now(), days=days)
    console.print(f"Demo journal made: {made} entries over {days} days. Try: kratomlog status")
