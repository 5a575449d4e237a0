"""The `kratomlog` command: each command parses its arguments, calls one service, and prints."""

import os
import sys

import typer

# Only `serve` needs the web app's Django apps; other commands start faster without them.
# `clinic` commands run a clinic: accounts, consent, alerts and the audit log as well.
# Django itself is set up by the first command that opens the journal (cli.context), never
# on import: `kratomlog --help` reads no database.
os.environ["KRATOMLOG_WEB"] = "1" if sys.argv[1:2] == ["serve"] else "0"
if sys.argv[1:2] == ["clinic"]:
    os.environ["KRATOMLOG_CLINIC"] = "1"

# The module behind each command: a command imports only what it runs (`status` never loads
# the importers); `--help`, or a name that is no command, loads them all. `export` is
# transfer's, with the FHIR format added by fhir. tests/test_cli_startup.py keeps this true.
MODULES = (
    "journal", "plans", "standing", "transfer", "fhir", "checkins", "serve", "clinic",
    "sources", "sync", "schedule",
)  # fmt: skip
COMMANDS = {
    **dict.fromkeys(
        ("dose", "magnesium", "substance", "entries", "edit", "delete", "revisions", "undo",
         "product", "config"),
        ("journal",),
    ),
    "plan": ("plans",),
    "status": ("standing",),
    "history": ("standing",),
    "import": ("transfer",),
    "export": ("transfer", "fhir"),
    "demo": ("transfer",),
    **dict.fromkeys(
        ("checkin", "checkins", "help", "sleep", "activity", "due", "recovery"), ("checkins",)
    ),
    "serve": ("serve",),
    "clinic": ("clinic",),
    "sources": ("sources",),
    "schedule": ("schedule",),
    **dict.fromkeys(("link", "sync", "unlink"), ("sync",)),
}  # fmt: skip


def build(command: str | None = None) -> typer.Typer:
    """The command line, with the commands of `command`'s module (all of them for None)."""
    import importlib

    app = typer.Typer(
        name="kratomlog",
        help="A private journal for kratom use: record doses, keep to your limits, see where "
        "you stand. It records, checks and shows; it never recommends kratom or a dose.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
        rich_markup_mode=None,  # plain help: Rich's help panels cost 50 ms a command
    )
    # A callback keeps the commands a group even when one module brings a single command
    # (`kratomlog serve` must not become `kratomlog` itself).
    app.callback()(_commands)
    for module in COMMANDS.get(command or "", MODULES):
        importlib.import_module(f"kratomlog.cli.{module}").register(app)
    return app


def _commands() -> None:
    pass


def __getattr__(name: str) -> typer.Typer:
    """`kratomlog.cli.app`: every command (the tests and the docs check read it)."""
    if name == "app":
        return build()
    raise AttributeError(name)


def main() -> None:
    """The command line's one error boundary: bad input exits 2 with one line (in each
    command); anything unexpected exits 1 with one line and the report in the log file."""
    import gc

    from kratomlog.cli.output import UNEXPECTED, failed

    # Start-up (Django's modules and models) allocates a great deal and frees almost nothing:
    # the collector walking it again and again cost a fifth of a command's time. It resumes
    # once the journal is set up (storage.setup_django), with the start-up's objects frozen.
    gc.disable()
    try:
        build(sys.argv[1] if len(sys.argv) > 1 else None)()
    except Exception as error:
        failed(error)
        sys.exit(UNEXPECTED)
    finally:
        gc.enable()
