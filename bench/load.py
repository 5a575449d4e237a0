"""The clinic under load on PostgreSQL (`make bench`); figures go in the README.

`clinic serve --workers 4` and two `clinic worker` processes, as a clinic runs them:

1. 50 patients log doses and check-ins through the API for 60 s, each pausing 50-300 ms
   between requests (target: p95 under 300 ms, no error).
2. A ramp: more patients writing without pause, 15 s a step, until p95 passes 500 ms (at most
   6 steps): writes a second at each step, with what one write costs (the app's CPU and the
   database's, read from /proc of gunicorn's processes and of the PostgreSQL backends serving
   this database; target: at least 100 writes a second).
   The workers' CPU is given too: they refresh the standings the writes marked stale; with it,
   how far behind the record the oldest stale standing was (sampled each second) and how long
   the workers took to catch up once the writes stopped.
3. Where a write's time goes (in-process, counted: its queries and their time by table).
4. A patient with five years of history beside one with a month: the cost of one write each.

Plain Python threads and urllib (as bench/clinic.py), bounded in count and time (about 4
minutes). BENCH_DATABASE_URL names the server (default postgres://postgres@127.0.0.1:5432);
the database kratomlog_bench_ramp is made anew.
"""

import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

SERVER = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
DATABASE = "kratomlog_bench_ramp"
STEADY_PATIENTS, STEADY_SECONDS = 50, 60
RAMP = (8, 16, 32, 64, 128, 200)  # patients writing without pause, one step each
RAMP_SECONDS, RAMP_P95_MS = 15, 500
HISTORY_WRITES = 20
HOME = Path(tempfile.mkdtemp(prefix="kratomlog-load-bench-"))
KRATOMLOG = str(Path(sys.executable).parent / "kratomlog")
TICK = os.sysconf("SC_CLK_TCK")

subprocess.run(["psql", f"{SERVER}/postgres", "-qc", f"DROP DATABASE IF EXISTS {DATABASE}"],
               check=True, capture_output=True)  # fmt: skip
subprocess.run(["psql", f"{SERVER}/postgres", "-qc", f"CREATE DATABASE {DATABASE}"], check=True)
ENV = {**os.environ, "KRATOMLOG_CLINIC": "1", "DATABASE_URL": f"{SERVER}/{DATABASE}",
       "KRATOMLOG_HOME": str(HOME), "KRATOMLOG_EMAIL": f"file://{HOME / 'mail'}"}  # fmt: skip
(HOME / "mail").mkdir()
os.environ.update(ENV)
subprocess.run([KRATOMLOG, "clinic", "init"], env=ENV, check=True, capture_output=True)

from kratomlog.storage import open_journal  # noqa: E402

open_journal()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from kratomlog.clinic import people, tokens  # noqa: E402
from kratomlog.clinic.consent import CARE_CONSENT  # noqa: E402
from kratomlog.core.days import local_day, zone  # noqa: E402
from kratomlog.journal.models import Entry  # noqa: E402
from kratomlog.plans.services import set_plan  # noqa: E402

NOW = datetime.now(UTC)
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # set-up only


def add_patients(count: int, prefix: str) -> list[tuple[object, str]]:
    team = people.team_named("North")
    made = []
    for n in range(count):
        patient = people.add_patient(
            email=f"{prefix}{n}@bench.test", password="a long bench password",
            timezone="Europe/Berlin", team=team, consent_version=CARE_CONSENT.version,
            share_with_care_team=True, now=NOW,
        )  # fmt: skip
        made.append((patient, tokens.issue(patient.user, NOW)))
    return made


def add_history(patient, days: int) -> None:  # type: ignore[no-untyped-def]
    """One or two doses a day on 7 days in 10, for `days` days, under the 'occasional' plan."""
    tz, rng, batch = zone("Europe/Berlin"), random.Random(days), []
    for day in range(1, days + 1):
        if rng.random() < 0.3:
            continue
        for _ in range(rng.choice((1, 1, 2))):
            moment = NOW - timedelta(days=day, hours=rng.randint(1, 12))
            batch.append(Entry(person=patient.person, substance="kratom", name="kratom",
                               amount=2.0, unit="g", grams=2.0, taken_at=moment,
                               timezone="Europe/Berlin", local_day=local_day(moment, tz),
                               form="powder"))  # fmt: skip
    Entry.objects.bulk_create(batch, batch_size=5000)
    start = (NOW - timedelta(days=days)).date().isoformat()
    set_plan(person=patient.person, preset_or_file="occasional", now=NOW, start=start)


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICK


def server_pids(root: int) -> list[int]:
    """gunicorn's master and its workers."""
    found = [root]
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == root:
                found.append(int(stat.parent.name))
        except (OSError, ValueError):
            continue
    return found


def database_pids() -> list[int]:
    """The PostgreSQL backends connected to this database (their command line names it)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes().decode(errors="replace")
        except OSError:
            continue
        if text.startswith("postgres:") and f" {DATABASE} " in text:
            found.append(int(cmdline.parent.name))
    return found


WORKERS: list[int] = []  # the `clinic worker` processes' pids, once started


class Meter:
    """CPU of the app, of the database and of the workers (which refresh the standings the
    writes marked stale, and send the alerts' mail) over a stretch of the run."""

    def __init__(self, server: int) -> None:
        self.server = server
        self.start = self._now()

    def _now(self) -> tuple[float, float, float, float]:
        return (cpu_seconds(server_pids(self.server)), cpu_seconds(database_pids()),
                cpu_seconds(WORKERS), cpu_seconds([os.getpid()]))  # fmt: skip

    def spent(self) -> tuple[float, float, float, float]:
        """The app's, the database's, the workers' and this bench's own (its client threads
        share the two cores with the server)."""
        return tuple(now - then for now, then in zip(self._now(), self.start, strict=True))  # type: ignore[return-value]


def stale_now() -> tuple[int, float]:
    """How many standings wait for a refresh, and how long the oldest has waited (s)."""
    from django.db.models import Count, Min

    from kratomlog.clinic.models import Standing

    stale = Standing.objects.filter(stale_since__isnull=False)
    found = stale.aggregate(n=Count("id"), oldest=Min("stale_since"))
    oldest = found["oldest"]
    return found["n"], (datetime.now(UTC) - oldest).total_seconds() if oldest else 0.0


def caught_up() -> float:
    """Seconds until the workers have refreshed every standing marked stale (at most 60)."""
    started = time.monotonic()
    while stale_now()[0] and time.monotonic() - started < 60:
        time.sleep(0.1)
    return time.monotonic() - started


def post(base: str, key: str, rng: random.Random) -> tuple[int, float]:
    if rng.random() < 0.8:
        path, body = "/me/entries", {"substance": "kratom", "amount": 2.0}
    else:
        ninth = 1 if rng.random() < 0.2 else 0
        path, body = "/me/checkins", {"kind": "phq9", "answers": [1, 1, 0, 0, 1, 0, 0, 0, ninth]}
    request = urllib.request.Request(
        base + path, data=json.dumps(body).encode(), method="POST",
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )  # fmt: skip
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            code = answer.status
    except urllib.error.HTTPError as error:
        code = error.code
    except OSError:
        code = 0  # refused or timed out
    return code, (time.perf_counter() - start) * 1000


def run(base: str, keys: list[str], seconds: float, pause: tuple[float, float] | None,
        server: int) -> dict[str, object]:  # fmt: skip
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def patient(key: str, seed: int) -> None:
        rng = random.Random(seed)
        while time.monotonic() < deadline:
            code, elapsed = post(base, key, rng)
            with lock:
                latencies.append(elapsed)
                statuses[code] += 1
            if pause:
                time.sleep(rng.uniform(*pause))

    meter, started = Meter(server), time.monotonic()
    threads = [threading.Thread(target=patient, args=(k, n)) for n, k in enumerate(keys)]
    for thread in threads:
        thread.start()
    lags = []
    while any(thread.is_alive() for thread in threads):
        time.sleep(1)
        # How far behind the record triage would be, were it not to refresh what is stale.
        lags.append(stale_now()[1])
    took = time.monotonic() - started
    waiting, _ = stale_now()
    catch_up = caught_up()
    app, db, workers, client = meter.spent()
    ordered, writes = sorted(latencies), statuses[201]
    return {
        "patients": len(keys),
        "writes_per_s": round(writes / took, 1),
        "p50_ms": round(ordered[len(ordered) // 2], 1),
        "p95_ms": round(ordered[int(len(ordered) * 0.95)], 1),
        "errors": sum(n for code, n in statuses.items() if code != 201),
        "app_cpu_ms_per_write": round(app / max(writes, 1) * 1000, 2),
        "db_cpu_ms_per_write": round(db / max(writes, 1) * 1000, 2),
        "workers_cpu_ms_per_write": round(workers / max(writes, 1) * 1000, 2),
        "client_cpu_ms_per_write": round(client / max(writes, 1) * 1000, 2),
        "oldest_stale_s_max": round(max(lags, default=0.0), 1),
        "oldest_stale_s_median": round(statistics.median(lags), 1) if lags else 0.0,
        "stale_at_end": waiting,
        "caught_up_s": round(catch_up, 1),
    }


def history_side_by_side(base: str, server: int, pair: dict[str, str]) -> dict[str, object]:
    """One patient after the other, alone on the server: what a write costs each."""
    found: dict[str, object] = {}
    for name, key in pair.items():
        rng, samples = random.Random(1), []
        meter = Meter(server)
        for _ in range(HISTORY_WRITES):
            request = urllib.request.Request(
                f"{base}/me/entries", data=b'{"substance": "kratom", "amount": 2.0}',
                method="POST", headers={"Authorization": f"Bearer {key}",
                                        "Content-Type": "application/json"},
            )  # fmt: skip
            start = time.perf_counter()
            with urllib.request.urlopen(request, timeout=30) as answer:
                assert answer.status == 201
            samples.append((time.perf_counter() - start) * 1000)
            time.sleep(rng.uniform(0.01, 0.03))
        app, db, _, _ = meter.spent()
        found[name] = {
            "median_ms": round(statistics.median(samples), 1),
            "app_cpu_ms_per_write": round(app / HISTORY_WRITES * 1000, 2),
            "db_cpu_ms_per_write": round(db / HISTORY_WRITES * 1000, 2),
        }
    return found


def where_a_write_goes(pair: dict[str, str]) -> dict[str, object]:
    """In this process, through Django's test client: a write's queries, by table, and their
    share of its time."""
    found: dict[str, object] = {}
    for name, key in pair.items():
        client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {key}")
        client.post("/api/v1/me/entries", {"substance": "kratom", "amount": 2.0},
                    content_type="application/json")  # warm  # fmt: skip
        runs = []
        for _ in range(10):
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                answer = client.post("/api/v1/me/entries", {"substance": "kratom", "amount": 2.0},
                                     content_type="application/json")  # fmt: skip
                took = (time.perf_counter() - start) * 1000
            assert answer.status_code == 201, answer.content
            runs.append((took, captured.captured_queries))
        took, queries = sorted(runs, key=lambda run: run[0])[len(runs) // 2]
        sql_ms = sum(float(q["time"]) for q in queries) * 1000
        tables: Counter[str] = Counter()
        for query in queries:
            match = re.search(r'(?:FROM|INTO|UPDATE)\s+"(\w+)"', query["sql"])
            tables[match.group(1) if match else query["sql"].split()[0]] += 1
        found[name] = {
            "ms": round(took, 1),
            "queries": len(queries),
            "sql_ms": round(sql_ms, 1),
            "python_ms": round(took - sql_ms, 1),
            "queries_by_table": dict(tables.most_common()),
        }
    return found


def machine_speed_ms() -> float:
    """One core's speed now: the best of five timings of a fixed piece of pure Python (lower is
    faster). This shared virtual machine runs a third faster or slower from one hour to the
    next; a run's figures are comparable with another's only beside this."""
    timings = []
    for _ in range(5):
        start = time.process_time()
        sum(i * i % 7 for i in range(1_000_000))
        timings.append((time.process_time() - start) * 1000)
    return round(min(timings), 1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def main() -> None:
    people.add_staff(email="lee@bench.test", role="clinician", now=NOW, teams=["North"])
    people.add_staff(email="kim@bench.test", role="clinician", now=NOW, teams=["North"])
    keys = [key for _, key in add_patients(max(STEADY_PATIENTS, *RAMP), "p")]
    (long, long_key), (short, short_key) = add_patients(2, "history")
    add_history(long, 5 * 365)
    add_history(short, 30)
    pair = {"five_years": long_key, "one_month": short_key}
    connection.close()
    speed_before = machine_speed_ms()
    port = free_port()
    server = subprocess.Popen([KRATOMLOG, "clinic", "serve", "--bind", f"127.0.0.1:{port}",
                               "--workers", "4"], env=ENV, stderr=subprocess.DEVNULL)  # fmt: skip
    workers = [subprocess.Popen([KRATOMLOG, "clinic", "worker"], env=ENV,
                                stderr=subprocess.DEVNULL) for _ in range(2)]  # fmt: skip
    WORKERS.extend(worker.pid for worker in workers)
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{base}/consent", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        warm = random.Random(0)
        # Each web process imports and compiles on its first requests: 40 writes reach all four.
        for key in keys[-40:]:
            post(base, key, warm)
        # And a patient with a plan reads and judges it: first paid on no one's measured write.
        for key in [*pair.values()] * 4:
            post(base, key, warm)
        print("history:", json.dumps(history_side_by_side(base, server.pid, pair)), flush=True)
        steady = run(base, keys[:STEADY_PATIENTS], STEADY_SECONDS, (0.05, 0.3), server.pid)
        print("steady:", json.dumps(steady), flush=True)
        for count in RAMP:
            step = run(base, keys[:count], RAMP_SECONDS, None, server.pid)
            print("ramp:", json.dumps(step), flush=True)
            if step["p95_ms"] > RAMP_P95_MS:
                break
    finally:
        server.terminate()
        server.wait(timeout=30)
        for worker in workers:
            worker.terminate()
            worker.wait(timeout=60)
    print("a write:", json.dumps(where_a_write_goes(pair)), flush=True)
    print(
        f"machine: {os.cpu_count()} cores; load average before the end {os.getloadavg()[0]:.1f};"
        f" speed (ms for a fixed piece of Python, idle, lower is faster) {speed_before} before"
        f" the runs, {machine_speed_ms()} after",
        flush=True,
    )


if __name__ == "__main__":
    main()
