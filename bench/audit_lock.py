"""Audited writes from two processes at once: does the audit log serialise them?

Each process is one person (a clinician) writing WRITES audited transactions; each transaction
records its audit row and then holds the transaction HOLD_MS longer, as the standing refresh
does after an audited write. With one clinic-wide chain lock the two processes take turns; with
a chain per actor they do not wait for each other. Bounded: a few seconds on a throwaway
PostgreSQL database (AUDIT_BENCH_DATABASE_URL, default kl_audit_bench on 127.0.0.1).

    python bench/audit_lock.py            # prints writes a second and the wall time
"""

import os
import subprocess
import sys
import tempfile
import time

WRITES = 150
HOLD_MS = int(os.environ.get("AUDIT_BENCH_HOLD_MS", "40"))
URL = os.environ.get(
    "AUDIT_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kl_audit_bench"
)


def setup_django() -> None:
    os.environ.setdefault("KRATOMLOG_CLINIC", "1")
    os.environ["DATABASE_URL"] = URL
    from kratomlog.storage import open_journal

    open_journal()


def writer(name: str, ready: str, go: str) -> None:
    """Set up, say so in `ready`, wait for `go` to exist, then write (timed from `go`)."""
    setup_django()
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from kratomlog.clinic import audit

    user, _ = get_user_model().objects.get_or_create(username=name)
    open(ready, "w").close()
    while not os.path.exists(go):
        time.sleep(0.01)
    for n in range(WRITES):
        with transaction.atomic():
            audit.record(action="write", actor=user, role="clinician", what=f"bench {n}")
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_sleep(%s)", [HOLD_MS / 1000])


def main() -> None:
    import psycopg

    admin, _, name = URL.rpartition("/")
    with psycopg.connect(f"{admin}/postgres", autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}"')
        db.execute(f'CREATE DATABASE "{name}"')
    home = tempfile.mkdtemp(prefix="kl-audit-bench-")
    env = {**os.environ, "KRATOMLOG_HOME": home, "KRATOMLOG_CLINIC": "1", "DATABASE_URL": URL}
    subprocess.run([sys.executable, __file__, "--migrate"], env=env, check=True)
    go = os.path.join(home, "go")
    writers, ready = [], []
    for who in ("lee@bench.test", "okafor@bench.test"):
        ready.append(os.path.join(home, f"ready-{who}"))
        command = [sys.executable, __file__, "--writer", who, ready[-1], go]
        writers.append(subprocess.Popen(command, env=env))
    while not all(os.path.exists(path) for path in ready):  # both set up: time the writes only
        time.sleep(0.01)
    started = time.perf_counter()
    open(go, "w").close()
    for process in writers:
        assert process.wait() == 0
    wall = time.perf_counter() - started
    total = WRITES * len(writers)
    print(
        f"{total} audited writes from 2 processes, each transaction held {HOLD_MS} ms: "
        f"{wall:.2f} s, {total / wall:.0f} writes/s "
        f"(serialised would be at least {total * HOLD_MS / 1000:.1f} s)"
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--writer"]:
        writer(*sys.argv[2:5])
    elif sys.argv[1:2] == ["--migrate"]:
        setup_django()
    else:
        main()
