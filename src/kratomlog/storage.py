"""Opening the journal: Django set up and the database migrated on first use, no extra step;
the data directory private to its owner; a writer that waits while another one writes."""

import gc
import os
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_migrated = False
LOCK_FILE = "first-use.lock"
LOG_FILE = "kratomlog.log"
# pg_advisory_lock's key for first use: any fixed number, the same in every process.
_FIRST_USE_KEY = 0x6B726174  # "krat"


def setup_django() -> None:
    """Configure Django (no database access yet); safe to call more than once."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kratomlog.settings")
    from django.apps import apps

    if apps.ready:
        return
    if os.environ.get("KRATOMLOG_WEB") == "1" or os.environ.get("KRATOMLOG_CLINIC") == "1":
        import django

        django.setup(set_prefix=False)
    else:
        _setup_for_a_command()
    # What is set up lives as long as the process: frozen, the collector never walks it again
    # (one full collection during `status` walked it for 40 ms; a server's forked workers share
    # it untouched). Collection goes on as usual from here, for servers and workers above all
    # (cli.main pauses it during start-up).
    gc.freeze()
    gc.enable()


def _setup_for_a_command() -> None:
    """A command that serves no page skips what django.setup() adds for a server: its URL
    prefix and its request loggers (whose mail handler imports the whole HTTP layer, about
    70 ms a command), and Django's forms and checks wait for a first use (kratomlog.deferred).
    The log file is configured when something is first logged to it."""
    from django.apps import apps
    from django.conf import settings

    from kratomlog.deferred import UNUSED_BY_COMMANDS, LogFileOnFirstUse, defer

    defer(*UNUSED_BY_COMMANDS)
    LogFileOnFirstUse.stand_in(settings.LOGGING)
    apps.populate(settings.INSTALLED_APPS)


def open_journal() -> None:
    """Ready to read and write: the database exists and its schema is current.

    Several processes may meet a new journal at once (six doses logged from a script): one of
    them migrates, under the first-use lock, and the others wait for it."""
    global _migrated
    setup_django()
    if _migrated:
        return
    if _migrations_pending():
        from django.core.management import call_command

        with first_use_lock():
            if _migrations_pending():
                call_command("migrate", verbosity=0, interactive=False)
    _migrated = True


def _migrations_pending() -> bool:
    """Is a migration on disk not yet applied? Answered from the recorded migrations and the
    files' names alone; the migration graph (modules imported, dependencies resolved) is loaded
    only when something is to be applied, not on every command."""
    from django.db import DatabaseError, connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT app, name FROM django_migrations")
            applied = set(cursor.fetchall())
    except DatabaseError:  # a new journal: not even the table of migrations yet
        return True
    return not migration_files() <= applied


def migration_files() -> set[tuple[str, str]]:
    """(app label, migration name) of every migration file of the installed apps."""
    from django.apps import apps

    found = set()
    for config in apps.get_app_configs():
        folder = Path(config.path) / "migrations"
        if folder.is_dir():
            found |= {
                (config.label, entry.name.removesuffix(".py"))
                for entry in folder.iterdir()
                if entry.name.endswith(".py") and entry.name[0].isdigit()
            }
    return found


@contextmanager
def first_use_lock() -> Iterator[None]:
    """One process at a time creates the journal's tables and its one person: on PostgreSQL an
    advisory lock, on SQLite a lock on a file beside the journal."""
    from django.conf import settings
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [_FIRST_USE_KEY])
            try:
                yield
            finally:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [_FIRST_USE_KEY])
        return
    import fcntl

    with open(Path(settings.DATA_DIR) / LOCK_FILE, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# What kratomlog keeps in its data directory. Only these are tightened: KRATOMLOG_HOME may name
# a directory that holds other things too, and those are not kratomlog's to change.
OWN_FILES = ("journal.sqlite3*", "test.sqlite3*", "secret_key", LOCK_FILE, f"{LOG_FILE}*",
             "uploads", "uploads/*")  # fmt: skip


def make_private(directory: Path) -> int:
    """The data directory and kratomlog's files in it readable by their owner alone: new files
    0600 (the process's umask) and, for a journal made before that, each looser one tightened.
    Returns how many were tightened."""
    os.umask(0o077)  # every file this process makes, exports included, is the owner's alone
    directory.mkdir(parents=True, exist_ok=True)
    found = [path for pattern in OWN_FILES for path in directory.glob(pattern)]
    shared = directory.stat().st_mode & stat.S_ISVTX  # /tmp and its like are everyone's
    tightened = 0
    for path in ([] if shared else [directory]) + found:
        try:
            mode = path.lstat().st_mode
            if stat.S_ISLNK(mode) or not mode & 0o077 or path.lstat().st_uid != os.getuid():
                continue
            path.chmod(0o700 if stat.S_ISDIR(mode) else 0o600)
            tightened += 1
        except OSError:  # gone meanwhile: leave it
            continue
    return tightened


def say_made_private(directory: Path, tightened: int) -> None:
    if tightened:
        sys.stderr.write(
            f"kratomlog: {directory} was open to other users of this computer; made it and "
            f"its files readable by you alone ({tightened} changed)\n"
        )


def write_private(path: Path, content: str | bytes, field: str) -> None:
    """Write a file only its owner can read (an export holds the whole journal); a place that
    cannot be written is bad input naming `field`, not a crash."""
    from kratomlog.core.errors import InputError

    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            os.fchmod(out.fileno(), 0o600)  # an existing file keeps its mode otherwise
            out.write(data)
    except IsADirectoryError:
        raise InputError(field, f"{path} is a directory; give a file name") from None
    except OSError as error:
        raise InputError(field, f"cannot write {path} ({error.strerror})") from None


def report_failure(error: BaseException, command: str) -> Path:
    """Append the full report of an unexpected failure to the log file in the data directory
    (or, if the settings themselves failed, the temporary directory); return where it went."""
    import tempfile
    import traceback
    from datetime import UTC, datetime

    try:
        from django.conf import settings

        path = Path(settings.DATA_DIR) / LOG_FILE
    except Exception:  # the settings could not be read: the report still goes somewhere
        path = Path(tempfile.gettempdir()) / f"kratomlog-{os.getuid()}.log"
    report = "".join(traceback.format_exception(error))
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(descriptor, "a", encoding="utf-8") as log:
            log.write(f"{stamp} ERROR kratomlog {command}: {type(error).__name__}\n{report}\n")
    except OSError:
        pass
    return path


_said_waiting = False


def waiting_for_writer() -> None:
    """Said once, when a write waits for another process's (a long import) to finish."""
    global _said_waiting
    if not _said_waiting:
        _said_waiting = True
        sys.stderr.write(
            "kratomlog: the journal is busy (another kratomlog is writing to it, an import "
            "perhaps); waiting for it to finish...\n"
        )
        sys.stderr.flush()
