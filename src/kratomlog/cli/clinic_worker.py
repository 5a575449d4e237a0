"""`kratomlog clinic worker`: background work (the standings writes marked stale, alert mail,
not-heard-from checks, escalations, the check-in schedules' ledger and their reminders).

The queue is django-tasks-db's table: each worker takes the next task with SELECT ... FOR UPDATE
SKIP LOCKED, so several workers share it and no task runs twice. Each worker holds a lease
that it renews while it lives (kratomlog.clinic.worker_lease); between tasks a worker queues
again the tasks of workers whose lease expired, so a worker killed mid-task loses nothing. The
periodic checks run once a minute in whichever worker holds a PostgreSQL advisory lock then.
"""

import os
import signal
import time
from types import FrameType

import typer

from kratomlog.storage import open_journal

PERIOD_SECONDS = 60
CHECKPOINT_SECONDS = 300  # how often the audit log's checkpoint is written
_PERIODIC_LOCK = 7_302_027


def register(clinic_app: typer.Typer) -> None:
    clinic_app.command("worker")(worker)


def _run_queue(worker_id: str) -> None:
    from django.core.management import call_command

    from kratomlog.clinic import worker_lease

    worker_lease.requeue_abandoned()
    call_command(
        "db_worker", batch=True, verbosity=0, reload=False, worker_id=worker_id,
        startup_delay=False,
    )  # fmt: skip


def _refresh_stale() -> None:
    """The standings that writes marked stale a few seconds ago or more (before the queue: the
    alerts they raise queue their mail, sent in the same turn)."""
    from django.utils import timezone

    from kratomlog.clinic import stale

    stale.bring_up_to_date(timezone.now(), wait=False, settled=stale.SETTLE)


def _run_periodic() -> None:
    from django.db import connection

    from kratomlog.clinic import tasks
    from kratomlog.research.tasks import expire_archives

    if connection.vendor != "postgresql":
        tasks.check_not_heard_from()
        tasks.escalate_urgent()
        tasks.check_schedules()
        expire_archives()
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [_PERIODIC_LOCK])
        if not cursor.fetchone()[0]:
            _help_send(cursor)  # another worker is running them: share their reminders
            return
        try:
            tasks.check_not_heard_from()
            tasks.escalate_urgent()
            tasks.check_schedules()
            expire_archives()
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_PERIODIC_LOCK])


HELP_SECONDS = 120  # at most this long helping another worker's checks, then the queue again


def _help_send(cursor) -> None:  # type: ignore[no-untyped-def]
    """While another worker holds the periodic checks, send the reminders their ledger has made
    due so far (the claims keep each to one worker), a second apart when none is left, until
    that worker is done: two workers send a clinic's morning reminders in half the time. At
    most HELP_SECONDS, and never while a task waits in the queue: an urgent alert's mail goes
    before reminders, within one batch of them."""
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from kratomlog.clinic.reminders import sending

    until = time.monotonic() + HELP_SECONDS
    while time.monotonic() < until:
        if DBTaskResult.objects.ready().exists():
            return
        if sending.send_due(timezone.now()):
            continue
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [_PERIODIC_LOCK])
        if cursor.fetchone()[0]:  # the other worker is done (it sends what is left itself)
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_PERIODIC_LOCK])
            return
        time.sleep(2)


def write_audit_checkpoint() -> None:
    """A checkpoint of the audit log in KRATOMLOG_AUDIT_CHECKPOINTS, when that is set; one that
    cannot be written is said on stderr and tried again next time (the mail must go on)."""
    from kratomlog.cli import context
    from kratomlog.clinic import audit_checkpoint
    from kratomlog.core.errors import InputError

    if audit_checkpoint.directory() is None:
        return
    try:
        audit_checkpoint.write(context.now())
    except (OSError, InputError) as problem:
        typer.echo(f"audit checkpoint not written: {problem}", err=True)


def worker(
    once: bool = typer.Option(
        False, "--once", help="Run what is queued and the periodic checks once, then exit."
    ),
) -> None:
    """Run background work: mail for alerts, not-heard-from checks, urgent escalations."""
    from kratomlog.clinic import server
    from kratomlog.core.errors import InputError

    # The worker is what sends the pushes: the same check as `clinic serve`, before anything
    # runs, so a placeholder subject never reaches a push service (Apple's refuses it).
    try:
        typer.echo(server.check_push(os.environ), err=True)
    except InputError as problem:
        typer.echo(f"error: {problem}", err=True)
        raise typer.Exit(2) from None
    open_journal()
    from kratomlog.clinic.worker_lease import Lease

    lease = Lease().start()
    try:
        _work(lease.worker_id, once)
    finally:
        lease.stop()
    typer.echo("worker stopped")


def _work(worker_id: str, once: bool) -> None:
    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True  # finish the work in hand, then leave

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    last_periodic = last_checkpoint = 0.0
    while True:
        _refresh_stale()
        _run_queue(worker_id)
        if time.monotonic() - last_periodic >= PERIOD_SECONDS or once:
            _run_periodic()
            last_periodic = time.monotonic()
        if time.monotonic() - last_checkpoint >= CHECKPOINT_SECONDS or once:
            write_audit_checkpoint()
            last_checkpoint = time.monotonic()
        if once or stopping:
            break
        time.sleep(1)
