"""A module imported on first use: each command pays only for what it runs.

`kratomlog --help` needs no database and `kratomlog status` no importer; a command module
names the services it calls through `lazy(...)`, and the import happens when one is called.
"""

import importlib
from types import ModuleType
from typing import Any


class LazyModule:
    def __init__(self, name: str, journal: bool) -> None:
        self._name, self._journal = name, journal

    def _module(self) -> ModuleType:
        if self._journal:  # Django set up and the schema current before a model is imported
            from kratomlog.cli.context import ready

            ready()
        return importlib.import_module(self._name)

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self._module(), attribute)


def lazy(name: str, journal: bool = True) -> Any:
    """`journal=False` for the pure core, which needs no database."""
    return LazyModule(name, journal)
