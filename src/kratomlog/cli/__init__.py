"""The `kratomlog` command: each command parses its arguments, calls one service, and prints."""

import os
import sys

import typer

from kratomlog.storage import setup_django

# Only `serve` needs the web app's Django apps; other commands start faster without them.
# `clinic` commands run a clinic: accounts, consent, alerts and the audit log as well.
os.environ["KRATOMLOG_WEB"] = "1" if sys.argv[1:2] == ["serve"] else "0"
if sys.argv[1:2] == ["clinic"]:
    os.environ["KRATOMLOG_CLINIC"] = "1"
try:
    setup_django()  # the command modules import models
except Exception as error:  # the settings cannot be read: still no traceback on screen
    from kratomlog.cli.output import UNEXPECTED, failed

    failed(error)
    sys.exit(UNEXPECTED)

from kratomlog.cli import (
    checkins,
    clinic,
    fhir,
    journal,
    plans,
    serve,
    sources,
    standing,
    sync,
    transfer,
)

app = typer.Typer(
    name="kratomlog",
    help="A private journal for kratom use: record doses, keep to your limits, see where you "
    "stand. It records, checks and shows; it never recommends kratom or a dose.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
journal.register(app)
plans.register(app)
standing.register(app)
transfer.register(app)
fhir.register(app)
checkins.register(app)
serve.register(app)
clinic.register(app)
sources.register(app)
sync.register(app)  # link, sync, unlink


def main() -> None:
    """The command line's one error boundary: bad input exits 2 with one line (in each
    command); anything unexpected exits 1 with one line and the report in the log file."""
    from kratomlog.cli.output import UNEXPECTED, failed

    try:
        app()
    except Exception as error:
        failed(error)
        sys.exit(UNEXPECTED)
