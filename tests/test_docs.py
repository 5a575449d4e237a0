"""The README documents every command and option the CLI has (a test fails when one is not)."""

import re
from pathlib import Path

import pytest
import typer.main

from kratomlog.cli import app

README = (Path(__file__).parent.parent / "README.md").read_text()


def commands(group, prefix: str = "kratomlog"):
    for name, command in group.commands.items():
        path = f"{prefix} {name}"
        if hasattr(command, "commands"):  # a group of subcommands
            yield from commands(command, path)
        else:
            yield path, command


ALL = list(commands(typer.main.get_command(app)))


@pytest.mark.parametrize(("path", "command"), ALL, ids=[path for path, _ in ALL])
def test_every_command_and_option_is_in_the_readme(path, command):
    rows = [line for line in README.splitlines() if f"`{path}" in line]
    assert rows, f"{path} is not in the README's CLI reference"
    documented = " ".join(rows)
    for param in command.params:
        for option in param.opts:
            if option.startswith("--") and option != "--help":
                assert option in documented, f"{path} {option} is not documented"


def test_the_quick_start_has_exactly_two_commands():
    quick_start = README.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    assert re.findall(r"^make \w+", quick_start, re.M) == ["make run", "make test"]
