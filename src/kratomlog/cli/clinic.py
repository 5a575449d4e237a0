"""`kratomlog clinic ...`: run a clinic. Each command lives with its kind of work."""

import typer

from kratomlog.cli import (
    clinic_ops,
    clinic_research,
    clinic_schedules,
    clinic_settings,
    clinic_worker,
)

clinic_app = typer.Typer(
    help="Run a clinic: a server on PostgreSQL (DATABASE_URL) where clinicians supervise the "
    "patients who consented.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    clinic_ops.register(clinic_app)
    clinic_worker.register(clinic_app)
    clinic_research.register(clinic_app)
    clinic_settings.register(clinic_app)
    clinic_schedules.register(clinic_app)
    app.add_typer(clinic_app, name="clinic")
