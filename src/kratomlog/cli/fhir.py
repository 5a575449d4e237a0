"""`kratomlog export fhir`: the journal as a FHIR R4 Bundle, beside `export json|csv`.

`export` is one command taking a FORMAT; this module takes it over and hands every format but
`fhir` back to the journal's own export, so each format lives with its kind of work.
"""

import json
from pathlib import Path
from typing import Annotated

import typer

from kratomlog.cli import context, transfer
from kratomlog.cli.output import errors, friendly
from kratomlog.core.errors import InputError
from kratomlog.storage import write_private


def register(app: typer.Typer) -> None:
    command = next(info for info in app.registered_commands if info.name == "export")
    command.callback = export


@friendly
def export(
    kind: Annotated[
        str,
        typer.Argument(
            metavar="FORMAT", help="json (complete and lossless), csv, or fhir (a FHIR R4 Bundle)"
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file instead of standard output."),
    ] = None,
) -> None:
    """Export the whole journal."""
    if kind not in ("json", "csv", "fhir"):
        raise InputError("FORMAT", f"{kind!r}; use json, csv or fhir")
    if kind != "fhir":
        return transfer.export(kind, output)
    from kratomlog.interop.fhir import bundle

    text = json.dumps(bundle(context.person(), context.now()), indent=2, ensure_ascii=False)
    if output is None:
        typer.echo(text)
        return None
    write_private(output, text + "\n", "--output")  # health data: readable by its owner alone
    errors.print(f"Wrote {output}", soft_wrap=True)  # a path is never split across lines
    return None
