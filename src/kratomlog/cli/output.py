"""How the CLI speaks: Rich with colour on a terminal, plain text when piped, one-line errors."""

import functools
import json
import sys
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

import typer
from typer.exceptions import TyperException

from kratomlog.core.errors import BadInput

if TYPE_CHECKING:
    from rich.table import Table

    from kratomlog.core.breaches import Breach
    from kratomlog.core.interactions import Notice


class _Screen:
    """A Rich console made on first use: `--json` and the quiet commands never import Rich."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._console: Any = None

    def real(self) -> Any:
        """The Rich console itself, for Rich's own objects (a progress bar)."""
        self.__getattr__("print")
        return self._console

    def __getattr__(self, name: str) -> Any:
        if self._console is None:
            from rich.console import Console

            options = dict(self._options)
            if options.pop("fit_pipe", False):
                # In a pipe there is no screen to fit: wide, so a table row stays on one line.
                options["width"] = None if sys.stdout.isatty() else 200
            self._console = Console(**options)
        return getattr(self._console, name)


console: Any = _Screen(highlight=False, fit_pipe=True)
errors: Any = _Screen(stderr=True, highlight=False)

USAGE_ERROR = 2
UNEXPECTED = 1


def friendly[**P, R](command: Callable[P, R]) -> Callable[P, R]:
    """Bad input ends the command with one line naming the field; exit status 2. Anything else
    that goes wrong is a fault of kratomlog's: a short line on screen, the full report in the
    log file (see failed)."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            _refuse_nul(command, kwargs)
            if getattr(command, "needs_django", True):
                # Django is set up when a command runs, not when the CLI is imported: `--help`
                # and `sources` never pay for it.
                from kratomlog.storage import setup_django

                setup_django()
            return command(*args, **kwargs)
        except BadInput as error:  # a value, or a whole import file (ImportRejected)
            sys.stderr.write(f"error: {_one_line(str(error))}\n")  # one line, never wrapped
            raise typer.Exit(USAGE_ERROR) from None
        except (typer.Exit, typer.Abort, TyperException):  # typer's own way to end a command
            raise
        except Exception as error:
            failed(error)
            raise typer.Exit(UNEXPECTED) from None

    return wrapper


def _refuse_nul(command: Callable[..., Any], values: dict[str, Any]) -> None:
    """No text can hold a NUL character (PostgreSQL refuses one in any text column): refused
    before the command runs, naming its option, for every command at once."""
    from kratomlog.core.errors import InputError
    from kratomlog.core.text import NUL_PROBLEM

    for name, value in values.items():
        texts = value if isinstance(value, list | tuple) else [value]
        if any(isinstance(text, str) and "\x00" in text for text in texts):
            raise InputError(_said_as(command, name), NUL_PROBLEM)


def _said_as(command: Callable[..., Any], name: str) -> str:
    """How the command line names `command`'s parameter `name`: its option (--note) or its
    argument (NAME), read from the declaration typer reads."""
    import inspect
    import typing

    from typer.models import ArgumentInfo, OptionInfo

    parameter = inspect.signature(command).parameters.get(name)
    try:
        hints = typing.get_type_hints(command, include_extras=True)
    except (NameError, TypeError):  # an annotation that cannot be resolved: name it plainly
        hints = {}
    declared = [*getattr(hints.get(name), "__metadata__", ()), getattr(parameter, "default", None)]
    option = next((info for info in declared if isinstance(info, OptionInfo)), None)
    if option is not None:
        long = [decl for decl in option.param_decls or () if decl.startswith("--")]
        return long[0] if long else f"--{name.replace('_', '-')}"
    argument = next((info for info in declared if isinstance(info, ArgumentInfo)), None)
    if argument is None and parameter is not None and parameter.default is not parameter.empty:
        return f"--{name.replace('_', '-')}"  # typer: a plain default makes an option
    return (argument.metavar if argument is not None and argument.metavar else None) or name.upper()


def without_django[**P, R](command: Callable[P, R]) -> Callable[P, R]:
    """A command that reads no journal (under @friendly): Django is never set up for it."""
    command.needs_django = False  # type: ignore[attr-defined]
    return command


def _one_line(text: str) -> str:
    return " ".join(text.split("\n"))


def failed(error: BaseException) -> None:
    """Report an unexpected failure: the traceback to the log file, one line to the screen."""
    from kratomlog.storage import report_failure

    where = report_failure(error, " ".join(sys.argv[1:3]))
    summary = _one_line(f"{type(error).__name__}: {error}")[:200]
    sys.stderr.write(
        f"error: kratomlog failed unexpectedly ({summary}); "
        f"the full report is in {where}\n"
    )


def table(*columns: str) -> "Table":
    """A table that draws lines on a terminal and is plain, aligned text in a pipe."""
    from rich import box
    from rich.table import Table

    shape = box.SIMPLE_HEAD if console.is_terminal else None
    grid = Table(box=shape, show_edge=False, pad_edge=False, header_style="bold")
    for column in columns:
        grid.add_column(column, overflow="fold")
    return grid


def print_json(data: Any) -> None:
    """Indented for a person at a terminal; compact in a pipe, where the C encoder is 8x faster."""
    indent = 2 if sys.stdout.isatty() else None
    sys.stdout.write(json.dumps(data, indent=indent, ensure_ascii=False, default=str) + "\n")


def when(moment: datetime, tz_name: str) -> str:
    from kratomlog.core.days import stored_local

    return stored_local(moment, tz_name).strftime("%a %d %b %Y %H:%M")


def say_breaches(breaches: list["Breach"]) -> None:
    for breach in breaches:
        style = "red" if breach.severity == "limit" else "yellow"
        console.print(
            f"[{style}]! breaks {breach.severity} {breach.rule} of plan "
            f"{breach.plan!r} on {breach.day}:[/] {breach.detail}"
        )


def say_notices(notices: list["Notice"]) -> None:
    for notice in notices:
        console.print(f"[yellow]! {notice.message}[/]")
        console.print(f"  [dim]source: {notice.source}[/]")
