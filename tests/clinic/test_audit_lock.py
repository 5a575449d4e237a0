"""Two writers on one chain at once (PostgreSQL): the second waits for the first's lock and reads
the head the first committed, so the chain has no fork and no gap."""

import threading

import pytest
from django.db import connection, connections, transaction

from kratomlog.clinic import audit
from kratomlog.clinic.models import AuditEntry

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_a_writer_waiting_for_the_chains_lock_reads_the_head_committed_meanwhile(cast):
    if connection.vendor != "postgresql":
        pytest.skip("the chain's advisory lock: PostgreSQL")
    lee = cast.clinician_a
    audit.record(action="read", actor=lee, role="clinician", what="before")
    first_holds_the_lock, second_done = threading.Event(), threading.Event()
    failed: list[BaseException] = []

    def second() -> None:
        try:
            first_holds_the_lock.wait(10)
            with transaction.atomic():  # blocks on the lock until the first commits
                audit.record(action="read", actor=lee, role="clinician", what="second")
        except BaseException as error:  # said below, in the test's thread
            failed.append(error)
        finally:
            connections.close_all()
            second_done.set()

    thread = threading.Thread(target=second)
    thread.start()
    with transaction.atomic():
        audit.record(action="read", actor=lee, role="clinician", what="first")
        first_holds_the_lock.set()
        # The second writer is now waiting on the lock: it must not have written yet.
        assert not second_done.wait(1.0)
    thread.join(20)
    assert not failed, failed
    rows = list(AuditEntry.objects.filter(actor=lee).order_by("seq"))
    assert [row.what for row in rows] == ["before", "first", "second"]
    assert [row.seq for row in rows] == [rows[0].seq, rows[0].seq + 1, rows[0].seq + 2]
    assert rows[2].previous_hash == rows[1].hash
    seen, broken = audit.verify()
    assert broken is None and seen.rows == AuditEntry.objects.count()
