"""Studies and their de-identified exports: `kratomlog clinic study ...`, `clinic export-research`.

Clinic modules are imported inside each command: the clinic's apps load only under `clinic`.
"""

from pathlib import Path
from typing import Annotated

import typer

from kratomlog.cli import context
from kratomlog.cli.output import console, errors, friendly
from kratomlog.core.days import parse_day
from kratomlog.core.errors import InputError
from kratomlog.storage import open_journal


def register(clinic_app: typer.Typer) -> None:
    study_app = typer.Typer(help="Research studies patients may join.", no_args_is_help=True)
    study_app.command("create")(create)
    study_app.command("add-researcher")(add_researcher)
    clinic_app.add_typer(study_app, name="study")
    clinic_app.command("export-research")(export_research)


@friendly
def create(
    name: Annotated[str, typer.Argument(metavar="NAME", help="lower-case, digits, dashes")],
    protocol: Annotated[str, typer.Option("--protocol", metavar="ID")] = "",
    consent_file: Annotated[
        Path | None,
        typer.Option(
            "--consent-file",
            metavar="FILE",
            help="The research consent text (default: kratomlog's own).",
        ),
    ] = None,
    start: Annotated[str | None, typer.Option("--start", metavar="DAY")] = None,
    end: Annotated[str | None, typer.Option("--end", metavar="DAY")] = None,
    time_of_day: Annotated[
        str,
        typer.Option(
            "--time-of-day",
            help="How exact exported local times of day are: quarter-hour (default), minute "
            "or second, as the protocol needs.",
        ),
    ] = "quarter-hour",
    baseline_days: Annotated[
        str,
        typer.Option(
            "--baseline-days",
            metavar="N",
            help="Also export each participant's records from the N days before they joined "
            "(day -N to -1), 0 to 90; stated in the research consent text. Default 0: none.",
        ),
    ] = "0",
) -> None:
    """An admin's command: create a study that the clinic's patients may join."""
    open_journal()
    from kratomlog.research import services

    text = None
    if consent_file is not None:
        if not consent_file.is_file():
            raise InputError("--consent-file", f"{consent_file} is not a file")
        text = consent_file.read_text(encoding="utf-8")
    study = services.create_study(
        name=name,
        now=context.now(),
        protocol_id=protocol,
        consent_text=text,
        start=parse_day(start, "--start") if start else None,
        end=parse_day(end, "--end") if end else None,
        time_of_day=time_of_day,
        baseline_days=_days(baseline_days),
    )
    window = (
        f" Its export starts {study.baseline_days} days before each participant joined."
        if study.baseline_days
        else ""
    )
    console.print(
        f"Study {study.name} created; research consent version {study.consent_version}.{window} "
        f"Add its researchers with: kratomlog clinic study add-researcher {study.name} EMAIL"
    )


def _days(text: str) -> int:
    """A whole number of days, or the field's error in words (the range is the service's)."""
    from kratomlog.research.models import BASELINE_MOST

    try:
        return int(text.strip())
    except ValueError:
        raise InputError(
            "--baseline-days", f"{text!r}; a whole number of days from 0 (none) to {BASELINE_MOST}"
        ) from None


@friendly
def add_researcher(
    name: Annotated[str, typer.Argument(metavar="NAME")],
    email: Annotated[str, typer.Argument(metavar="EMAIL")],
) -> None:
    """Let a researcher see a study's page and exports."""
    open_journal()
    from django.contrib.auth import get_user_model

    from kratomlog.research import services

    study = services.study_named(name)
    user = get_user_model().objects.filter(username=email.strip().lower()).first()
    if user is None:
        raise InputError("EMAIL", f"no account for {email}")
    services.add_researcher(study, user, context.now())
    console.print(f"{user.get_username()} is a researcher of {study.name}.")


@friendly
def export_research(
    name: Annotated[str, typer.Argument(metavar="NAME")],
    fmt: Annotated[str, typer.Option("--format", metavar="parquet|csv")] = "parquet",
    output: Annotated[Path | None, typer.Option("--output", metavar="DIR")] = None,
) -> None:
    """Write a study's de-identified export, one table a file, with its codebook."""
    if output is None:
        raise InputError("--output", "name a new directory for the export")
    open_journal()
    from rich.progress import Progress

    from kratomlog.research import export, services

    study = services.study_named(name)
    with Progress(console=errors.real(), transient=True) as bar:
        task = bar.add_task("exporting", total=None)
        written = export.write_export(
            study,
            output,
            fmt,
            context.now(),
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    rows = ", ".join(f"{count} {table}" for table, count in written.rows.items())
    console.print(f"Wrote {written.participants} participants to {output}: {rows}.", soft_wrap=True)
    console.print("The codebook: datapackage.json and redcap_dictionary.csv.")
