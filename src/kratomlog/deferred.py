"""Parts of Django that a command run from a terminal never uses, loaded only if something
does use them.

Importing Django's ORM imports its forms (and with them the template engine) and its system
checks (and with them the mail and security machinery): about a fifth of a command's start-up,
for code that only a web page or `migrate` runs. Each is put in place as a module whose body
runs on first use (the standard library's LazyLoader), so nothing changes for the code that
does use it: `migrate` on first use still runs its checks.

The log file is the same: its handler is configured when something is first logged to it.

Only the command line does this (storage._setup_for_a_command); the web app and the clinic
load Django whole, as usual.
"""

import importlib.util
import logging
import sys
from typing import Any

# django.db.models imports both at the top of its modules and uses them only in methods
# (a model field's form field, a model's checks).
UNUSED_BY_COMMANDS = ("django.forms", "django.core.checks")


def defer(*names: str) -> None:
    """Each named module, not yet imported, becomes one that runs when first used."""
    for name in names:
        if name in sys.modules:
            continue
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            continue
        spec.loader = importlib.util.LazyLoader(spec.loader)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        parent, _, child = name.rpartition(".")
        setattr(sys.modules[parent], child, module)


def deferred(name: str) -> bool:
    """Is `name` still waiting for its first use (for the test that keeps it so)?"""
    module = sys.modules.get(name)
    return module is not None and type(module).__name__ == "_LazyModule"


class LogFileOnFirstUse(logging.Handler):
    """Stands in for the log file's handler until a record reaches it: then the logging
    settings (settings.LOGGING, the one description of the log) are applied, which replaces this
    stand-in, and the record goes to the real file. A command that logs nothing never imports
    logging.config (15 ms)."""

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        self._config = config

    @classmethod
    def stand_in(cls, config: dict[str, Any]) -> None:
        """In place for kratomlog's loggers, until one of them logs."""
        logging.getLogger("kratomlog").addHandler(cls(config))

    def handle(self, record: logging.LogRecord) -> bool:
        import logging.config

        logging.config.dictConfig(self._config)
        logging.getLogger(record.name).handle(record)
        return True
