"""`kratomlog clinic worker`: background work (alerts, mail, not-heard-from checks)."""

import typer


def register(clinic_app: typer.Typer) -> None:
    return None
