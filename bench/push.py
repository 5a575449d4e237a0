"""Sending Web Push: PUSHES notifications, each encrypted for its own subscription (aes128gcm)
and signed (VAPID), to a push service played on loopback; wall time, pushes a second, and the
process's peak memory before and after (a flat figure: nothing is kept per push).

A throwaway SQLite clinic in a temporary directory holds one patient with PUSHES subscriptions,
so what is timed is push.send itself: the encryption, the signature, the request and the
subscription's last answer written back. Not part of the suite.

    python bench/push.py            # 10,000 pushes
    PUSH_BENCH_COUNT=1000 python bench/push.py
"""

import os
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))  # tests.clinic.push_receiver

PUSHES = int(os.environ.get("PUSH_BENCH_COUNT", "10000"))
HOME = tempfile.mkdtemp(prefix="kratomlog-push-bench-")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    from tests.clinic.push_receiver import Browser, Receiver

    receiver = Receiver().start()
    os.environ.update({
        "KRATOMLOG_HOME": HOME, "KRATOMLOG_CLINIC": "1",
        "KRATOMLOG_VAPID_SUBJECT": "mailto:care-team@northside-care.org",
        "KRATOMLOG_PUSH_EXTRA_ORIGINS": receiver.origin,
    })  # fmt: skip
    os.environ.pop("DATABASE_URL", None)
    from kratomlog.storage import open_journal

    open_journal()
    from django.contrib.auth import get_user_model

    from kratomlog.clinic import push
    from kratomlog.clinic.models import PushSubscription

    user = get_user_model().objects.create(username="ana@example.org")
    keys = Browser().keys()
    now = datetime.now(UTC)
    PushSubscription.objects.bulk_create(
        PushSubscription(user=user, endpoint=f"{receiver.origin}/push/{n}", created_at=now, **keys)
        for n in range(PUSHES)
    )
    push.send(user, title="Reminder", body="warm-up", url="/")  # the key, imports, connections
    receiver.arrivals.clear()
    before = peak_mb()
    started = time.perf_counter()
    deliveries = push.send(user, title="Reminder", body="A check-in is due", url="/checkins")
    seconds = time.perf_counter() - started
    receiver.stop()
    accepted = sum(1 for d in deliveries if d.status == 201)
    print(f"{accepted:,} of {PUSHES:,} pushes accepted ({len(receiver.arrivals):,} arrived) in "
          f"{seconds:.1f} s: {PUSHES / seconds:,.0f} a second, one process")  # fmt: skip
    print(f"peak memory {before:.0f} MB before the sends, {peak_mb():.0f} MB after")


if __name__ == "__main__":
    main()
