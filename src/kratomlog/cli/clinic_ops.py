"""Operating a clinic: init, users, tokens, the server, the audit log, the demo.

Clinic modules are imported inside each command: the clinic's apps are loaded only when the
command line starts with `clinic` (see kratomlog.cli).
"""

import typer

from kratomlog.storage import open_journal


def register(clinic_app: typer.Typer) -> None:
    clinic_app.command("init")(init)
    audit_app = typer.Typer(help="The audit log.", no_args_is_help=True)
    audit_app.command("verify")(audit_verify)
    clinic_app.add_typer(audit_app, name="audit")


def init() -> None:
    """Create or migrate the clinic's database (safe to run again)."""
    open_journal()
    typer.echo("The clinic's database is ready.")


def audit_verify() -> None:
    """Check the audit log's hash chain; exit 1 naming the first broken row."""
    open_journal()
    from kratomlog.clinic import audit

    checked, broken = audit.verify()
    if broken is not None:
        typer.echo(f"audit log broken at row {broken.row_id}: {broken.reason}", err=True)
        raise typer.Exit(1)
    typer.echo(f"audit log intact: {checked} rows")
