"""`kratomlog clinic worker`: background work (alert mail, not-heard-from checks, escalations).

The queue is django-tasks-db's table: each worker takes the next task with SELECT ... FOR UPDATE
SKIP LOCKED, so several workers share it and no task runs twice. The periodic checks run once a
minute in whichever worker holds a PostgreSQL advisory lock at that moment.
"""

import signal
import time
from types import FrameType

import typer

from kratomlog.storage import open_journal

PERIOD_SECONDS = 60
_PERIODIC_LOCK = 7_302_027


def register(clinic_app: typer.Typer) -> None:
    clinic_app.command("worker")(worker)


def _run_queue() -> None:
    from django.core.management import call_command

    call_command("db_worker", batch=True, verbosity=0, reload=False)


def _run_periodic() -> None:
    from django.db import connection

    from kratomlog.clinic import tasks
    from kratomlog.research.tasks import expire_archives

    if connection.vendor != "postgresql":
        tasks.check_not_heard_from()
        tasks.escalate_urgent()
        expire_archives()
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [_PERIODIC_LOCK])
        if not cursor.fetchone()[0]:
            return  # another worker is running them
        try:
            tasks.check_not_heard_from()
            tasks.escalate_urgent()
            expire_archives()
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_PERIODIC_LOCK])


def worker(
    once: bool = typer.Option(
        False, "--once", help="Run what is queued and the periodic checks once, then exit."
    ),
) -> None:
    """Run background work: mail for alerts, not-heard-from checks, urgent escalations."""
    open_journal()
    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True  # finish the work in hand, then leave

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    last_periodic = 0.0
    while True:
        _run_queue()
        if time.monotonic() - last_periodic >= PERIOD_SECONDS or once:
            _run_periodic()
            last_periodic = time.monotonic()
        if once or stopping:
            break
        time.sleep(1)
    typer.echo("worker stopped")
