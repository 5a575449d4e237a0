"""Leases of running workers, so that a task whose worker died is taken again by a live one.

django-tasks-db marks a task RUNNING with the claiming worker's id and never looks at it again
(its issue #5), so a worker killed mid-task leaves the task running for ever. Each
`kratomlog clinic worker` therefore holds a lease (a `WorkerLease` row) that a thread renews
four times per lease period while the process lives. Any live worker, between tasks, queues
again each RUNNING task whose worker holds no live lease; the alert mail's delivery key keeps a
mail from going twice when the task runs again.
"""

import logging
import os
import secrets
import socket
import threading
from datetime import datetime, timedelta

from django.conf import settings
from django.db import Error, connections
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from kratomlog.clinic.models import WorkerLease

logger = logging.getLogger("kratomlog.worker")

_current: "Lease | None" = None


class WorkerLost(Exception):
    """The failure recorded for a task whose workers kept dying while they ran it."""


def lease_period() -> timedelta:
    return timedelta(seconds=settings.WORKER_LEASE_SECONDS)


def current_worker_id() -> str:
    """This process's worker id, or "" outside a worker (a task run in a test or a shell)."""
    return _current.worker_id if _current else ""


def live_worker_ids(now: datetime) -> set[str]:
    return set(
        WorkerLease.objects.filter(beat_at__gte=now - lease_period()).values_list(
            "worker_id", flat=True
        )
    )


class Lease:
    """This worker's lease: taken on `start`, renewed by a thread, given up on `stop`."""

    def __init__(self) -> None:
        # django-tasks-db keeps worker ids of at most 64 characters.
        self.worker_id = f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._renew, name="worker-lease", daemon=True)

    def start(self) -> "Lease":
        global _current
        now = timezone.now()
        WorkerLease.objects.create(worker_id=self.worker_id, started_at=now, beat_at=now)
        _current = self
        self._thread.start()
        return self

    def beat(self) -> None:
        now = timezone.now()
        renewed = WorkerLease.objects.filter(worker_id=self.worker_id).update(beat_at=now)
        if not renewed:  # pruned while this process was too slow to renew it: take it again
            WorkerLease.objects.create(worker_id=self.worker_id, started_at=now, beat_at=now)

    def _renew(self) -> None:
        interval = settings.WORKER_LEASE_SECONDS / 4
        try:
            while not self._stopping.wait(interval):
                try:
                    self.beat()
                except Error:
                    # The database is away: the lease may lapse and the task run again
                    # elsewhere, which the delivery keys make harmless. Try again next time.
                    logger.warning("worker %s could not renew its lease", self.worker_id)
                    connections.close_all()
        finally:
            connections.close_all()  # this thread's own connection

    def stop(self) -> None:
        global _current
        self._stopping.set()
        self._thread.join()
        WorkerLease.objects.filter(worker_id=self.worker_id).delete()
        _current = None


MOST_CLAIMS = 3  # a task whose workers died this many times running it is failed, not retried


def requeue_abandoned(now: datetime | None = None) -> int:
    """Queue again each task still RUNNING under a worker with no live lease; how many.

    A task claimed less than one lease period ago is left alone whatever its worker, so that a
    worker without a lease (django-tasks-db's own `db_worker`) is not robbed of fresh work. A
    task that took MOST_CLAIMS workers down with it is marked failed instead, so that one task
    that kills its worker (out of memory, say) does not take every worker down in turn.
    """
    now = now or timezone.now()
    live = live_worker_ids(now)
    WorkerLease.objects.filter(beat_at__lt=now - lease_period()).delete()
    running = DBTaskResult.objects.running().filter(started_at__lt=now - lease_period())
    requeued = 0
    for task in running.only("id", "worker_ids", "started_at"):
        if task.worker_ids and task.worker_ids[-1] in live:
            continue
        # Conditional on the claim seen: of several workers doing this at once, one wins.
        claim = DBTaskResult.objects.filter(
            id=task.id, status=TaskResultStatus.RUNNING, started_at=task.started_at
        )
        if len(task.worker_ids) >= MOST_CLAIMS:
            if claim.update(
                status=TaskResultStatus.FAILED, finished_at=now, return_value=None,
                exception_class_path=f"{__name__}.WorkerLost",
                traceback=f"the {len(task.worker_ids)} workers that ran this task died running it",
            ):  # fmt: skip
                logger.error("task %s failed: its workers died running it", task.id)
            continue
        if claim.update(status=TaskResultStatus.READY, started_at=None):
            requeued += 1
            logger.warning(
                "task %s was abandoned by worker %s; queued again",
                task.id,
                task.worker_ids[-1] if task.worker_ids else "?",
            )
    return requeued
