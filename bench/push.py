"""Reminders by Web Push at clinic scale, on PostgreSQL (`make bench`); figures go in the README.

PUSHES patients (10,000) each have a daily check-in due a few minutes ago and one push
subscription at a push service played on loopback (tests/clinic/push_receiver.py, named in
KRATOMLOG_PUSH_EXTRA_ORIGINS). Two real `kratomlog clinic worker` processes are started; what
is timed is from their start until every push has arrived: the workers make the day's
occurrences, open them and send one reminder each, encrypted (aes128gcm) and signed (VAPID).
Then: each push arrived exactly once, pushes a second, and each worker's peak memory (VmHWM)
early in the run and at its end (flat: nothing is kept per patient or per push).

Set-up is made straight in the database, in bulk (users, accounts, people, patients, schedule
versions, reminder settings, subscriptions: one bulk_create each), with one MD5 password hash
shared by every patient; nothing of it is timed. Gives up after GIVE_UP_SECONDS with a clear
message. BENCH_DATABASE_URL names the server (default postgres://postgres@127.0.0.1:5432); the
database kratomlog_bench_push is made anew.

    python bench/push.py                  # 10,000 patients
    PUSH_BENCH_COUNT=1000 python bench/push.py
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))  # tests.clinic.push_receiver

SERVER = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
DATABASE = "kratomlog_bench_push"
PUSHES = int(os.environ.get("PUSH_BENCH_COUNT", "10000"))
WORKERS = 2
GIVE_UP_SECONDS = 360
HOME = Path(tempfile.mkdtemp(prefix="kratomlog-push-bench-"))
KRATOMLOG = str(Path(sys.executable).parent / "kratomlog")
ZONE = "Europe/Berlin"


def fresh_database(name: str) -> str:
    # As bench/clinic.py's; that module makes its own databases when imported, so not imported.
    subprocess.run(["psql", f"{SERVER}/postgres", "-qc", f"DROP DATABASE IF EXISTS {name}"],
                   check=True, capture_output=True)  # fmt: skip
    subprocess.run(["psql", f"{SERVER}/postgres", "-qc", f"CREATE DATABASE {name}"], check=True)
    return f"{SERVER}/{name}"


def peak_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM), in MB; 0 once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def make_patients(count: int, origin: str, keys: dict[str, str], now: datetime) -> None:
    """`count` patients, each with a daily PHQ-9 due ten minutes ago (their local time) in a
    schedule set five minutes ago (so today's is the first, none missed), push as their
    channel with quiet hours far from now, and one subscription at `origin`."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from kratomlog.checkins.models import ScheduleVersion
    from kratomlog.clinic import people
    from kratomlog.clinic.models import (
        PATIENT,
        Account,
        Patient,
        PushSubscription,
        ReminderSettings,
    )  # fmt: skip
    from kratomlog.core.days import zone
    from kratomlog.journal.models import Person

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # set-up only
    password = make_password("a long bench password")  # one hash for all: set-up, not timed
    team = people.team_named("North")
    local = now.astimezone(zone(ZONE))
    item = {"instrument": "phq9", "every": "day", "at": f"{local - timedelta(minutes=10):%H:%M}",
            "start": (local.date() - timedelta(days=1)).isoformat()}  # fmt: skip
    quiet_from, quiet_to = (local + timedelta(hours=6)).time(), (local + timedelta(hours=7)).time()
    users = get_user_model().objects.bulk_create(
        (get_user_model()(username=f"p{n}@bench.test", email=f"p{n}@bench.test",
                          password=password) for n in range(count)),
        batch_size=2000,
    )  # fmt: skip
    Account.objects.bulk_create((Account(user=u, role=PATIENT) for u in users), batch_size=2000)
    persons = Person.objects.bulk_create(
        (Person(name=u.email, timezone=ZONE) for u in users), batch_size=2000
    )
    patients = Patient.objects.bulk_create(
        (Patient(person=p, user=u, team=team, sharing=True, joined_at=now)
         for p, u in zip(persons, users, strict=True)),
        batch_size=2000,
    )  # fmt: skip
    ScheduleVersion.objects.bulk_create(
        (ScheduleVersion(person=p, items=[item], set_at=now - timedelta(minutes=5), set_by="bench")
         for p in persons),
        batch_size=2000,
    )  # fmt: skip
    ReminderSettings.objects.bulk_create(
        (ReminderSettings(patient=p, channels=["push"], quiet_from=quiet_from,
                          quiet_to=quiet_to, updated_at=now) for p in patients),
        batch_size=2000,
    )  # fmt: skip
    PushSubscription.objects.bulk_create(
        (PushSubscription(user=u, endpoint=f"{origin}/push/{n}", created_at=now, **keys)
         for n, u in enumerate(users)),
        batch_size=2000,
    )  # fmt: skip


def main() -> None:
    from tests.clinic.push_receiver import Browser, Receiver

    receiver = Receiver().start()
    env = {**os.environ, "KRATOMLOG_CLINIC": "1", "DATABASE_URL": fresh_database(DATABASE),
           "KRATOMLOG_HOME": str(HOME), "KRATOMLOG_EMAIL": f"file://{HOME / 'mail'}",
           "KRATOMLOG_VAPID_SUBJECT": "mailto:care-team@northside-care.org",
           "KRATOMLOG_PUSH_EXTRA_ORIGINS": receiver.origin}  # fmt: skip
    (HOME / "mail").mkdir()
    os.environ.update(env)
    subprocess.run([KRATOMLOG, "clinic", "init"], env=env, check=True, capture_output=True)
    from kratomlog.storage import open_journal

    open_journal()
    from django.db import connections

    from kratomlog.clinic.models import Reminder

    browser = Browser()
    started = time.perf_counter()
    make_patients(PUSHES, receiver.origin, browser.keys(), datetime.now(UTC))
    print(f"set-up: {PUSHES:,} patients in {time.perf_counter() - started:.1f} s (bulk)",
          flush=True)  # fmt: skip
    connections.close_all()

    logs = [(HOME / f"worker{n}.log").open("w") for n in range(WORKERS)]
    load_before = os.getloadavg()
    started = time.perf_counter()
    workers = [
        subprocess.Popen([KRATOMLOG, "clinic", "worker"], env=env, stdout=log, stderr=log)
        for log in logs
    ]
    early: list[float] | None = None
    first_at = None
    try:
        while len(receiver.arrivals) < PUSHES:
            elapsed = time.perf_counter() - started
            if elapsed > GIVE_UP_SECONDS:
                sys.exit(f"gave up after {GIVE_UP_SECONDS} s: {len(receiver.arrivals):,} of "
                         f"{PUSHES:,} pushes arrived; worker logs in {HOME}")  # fmt: skip
            if any(w.poll() is not None for w in workers):
                sys.exit(f"a worker stopped early; its log is in {HOME}")
            if first_at is None and receiver.arrivals:
                first_at = elapsed
            if early is None and len(receiver.arrivals) >= PUSHES // 10:
                early = [peak_mb(w.pid) for w in workers]
            time.sleep(0.2)
        seconds = time.perf_counter() - started
        late = [peak_mb(w.pid) for w in workers]
        time.sleep(3)  # time for a push sent twice to arrive
    finally:
        for w in workers:
            w.terminate()
        for w in workers:
            w.wait(timeout=60)
        receiver.stop()
    load_after = os.getloadavg()
    paths = Counter(a.path for a in receiver.arrivals)
    twice = sum(n - 1 for n in paths.values())
    sample = browser.decrypt(receiver.arrivals[0].body)
    recorded = Reminder.objects.filter(channel="push", sent_at__isnull=False).count()
    by_worker = Counter(Reminder.objects.values_list("claimed_by", flat=True))
    print("push:", json.dumps({
        "patients": PUSHES, "workers": WORKERS,
        "all_arrived_s": round(seconds, 1), "first_arrived_s": round(first_at or 0, 1),
        "pushes_per_s": round(PUSHES / seconds, 1),
        "pushes_per_s_after_first": round(PUSHES / (seconds - (first_at or 0)), 1),
        "arrived": len(receiver.arrivals), "distinct": len(paths), "sent_twice": twice,
        "reminders_recorded": recorded, "sent_by_worker": sorted(by_worker.values()),
        "peak_rss_mb_early": [round(m) for m in early or []],
        "peak_rss_mb_end": [round(m) for m in late],
        "load_average_1min": [round(load_before[0], 1), round(load_after[0], 1)],
        "payload": sample,
    }), flush=True)  # fmt: skip
    if twice or len(paths) != PUSHES or recorded != PUSHES:
        sys.exit("not each push exactly once")


if __name__ == "__main__":
    main()
