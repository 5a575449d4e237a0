"""Clinic benchmarks on PostgreSQL (`make bench`); figures go in the README.

1. Triage for a clinician with 2,000 patients, each with a year of journal: the page
   (/clinic/) and GET /api/v1/patients, server side, median of 10 (target under 300 ms); and
   the clinic's outcomes for them, each with a PHQ-9 and a GAD-7 every 14 days (/clinic/outcomes
   and GET /api/v1/outcomes, target under 500 ms).
2. A load run: `clinic serve --workers 2` and two `clinic worker` processes; 50 simulated
   patients log doses and check-ins through the API for 60 seconds while one worker is killed
   with SIGKILL and restarted. Afterwards: no server error, every write present, one unresolved
   alert per patient and kind, every alert mailed to each recipient (at most one duplicate per
   killed worker). p50/p95 latency and throughput.

BENCH_DATABASE_URL names the server (default postgres://postgres@127.0.0.1:5432); the
databases kratomlog_bench_triage and kratomlog_bench_load are made anew.
"""

import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

SERVER = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
PATIENTS, LOAD_PATIENTS, LOAD_SECONDS = 2000, 50, 60
HOME = Path(tempfile.mkdtemp(prefix="kratomlog-clinic-bench-"))
KRATOMLOG = str(Path(sys.executable).parent / "kratomlog")


def fresh_database(name: str) -> str:
    subprocess.run(["psql", f"{SERVER}/postgres", "-qc", f"DROP DATABASE IF EXISTS {name}"],
                   check=True, capture_output=True)  # fmt: skip
    subprocess.run(["psql", f"{SERVER}/postgres", "-qc", f"CREATE DATABASE {name}"], check=True)
    return f"{SERVER}/{name}"


os.environ.update(
    KRATOMLOG_CLINIC="1",
    KRATOMLOG_HOME=str(HOME),
    DATABASE_URL=fresh_database("kratomlog_bench_triage"),
)
from kratomlog.storage import open_journal  # noqa: E402

open_journal()

from django.contrib.auth import get_user_model  # noqa: E402
from django.test import Client  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from kratomlog.checkins.models import CheckIn  # noqa: E402
from kratomlog.clinic import people, standing, tokens  # noqa: E402
from kratomlog.clinic.models import PATIENT, Account, Patient  # noqa: E402
from kratomlog.core.days import local_day, zone  # noqa: E402
from kratomlog.journal.models import Entry, Person  # noqa: E402

NOW = datetime.now(UTC)


def median_ms(run, times: int = 10) -> float:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(times):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def make_patients(count: int, team) -> list[Patient]:  # type: ignore[no-untyped-def]
    """Patients made straight in the database: no password hashing, entries in bulk."""
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"p{n}@bench.test", email=f"p{n}@bench.test", password="!")
        for n in range(count)
    )
    Account.objects.bulk_create(Account(user=user, role=PATIENT) for user in users)
    persons = Person.objects.bulk_create(
        Person(name=user.email, timezone="Europe/Berlin") for user in users
    )
    patients = Patient.objects.bulk_create(
        Patient(person=person, user=user, team=team, sharing=True, joined_at=NOW)
        for person, user in zip(persons, users, strict=True)
    )
    tz = zone("Europe/Berlin")
    rng = random.Random(7)
    batch: list[Entry] = []
    for person in persons:
        for day in range(365):
            if rng.random() < 0.3:
                continue
            for _ in range(rng.choice((1, 1, 2))):
                moment = NOW - timedelta(days=day, hours=rng.randint(1, 12))
                grams = rng.choice((1.5, 2.0, 3.0, 4.0))
                batch.append(Entry(person=person, substance="kratom", name="kratom", amount=grams,
                                   unit="g", grams=grams, taken_at=moment,
                                   timezone="Europe/Berlin", local_day=local_day(moment, tz),
                                   form="powder"))  # fmt: skip
        if len(batch) > 20_000:
            Entry.objects.bulk_create(batch)
            batch = []
    Entry.objects.bulk_create(batch)
    scores: list[CheckIn] = []
    for person in persons:
        for day in range(0, 365, 14):
            moment = NOW - timedelta(days=day, hours=3)
            for key, most in (("phq9", 27), ("gad7", 21)):
                scores.append(CheckIn(person=person, instrument=key, taken_at=moment,
                                      timezone="Europe/Berlin", local_day=local_day(moment, tz),
                                      answers=[], total=rng.randint(0, most)))  # fmt: skip
    CheckIn.objects.bulk_create(scores, batch_size=20_000)
    # Enrolled a year ago, so that every score counts from enrolment on.
    Patient.objects.filter(id__in=[p.id for p in patients]).update(
        joined_at=NOW - timedelta(days=366)
    )
    return patients


def signed_in(clinician) -> tuple[Client, Client]:  # type: ignore[no-untyped-def]
    """The clinician's browser (signed in, second factor passed) and their API client."""
    page = Client(HTTP_HOST="127.0.0.1")
    page.force_login(clinician, backend="django.contrib.auth.backends.ModelBackend")
    session = page.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.create(
        user=clinician, name="app", confirmed=True
    ).persistent_id
    session.save()
    api = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {tokens.issue(clinician, NOW)}")
    return page, api


def triage_bench() -> dict[str, float]:
    clinician, _ = people.add_staff(email="lee@bench.test", role="clinician", now=NOW,
                                    teams=["North"], name="Dr Lee")  # fmt: skip
    start = time.perf_counter()
    patients = make_patients(PATIENTS, people.team_named("North"))
    made = time.perf_counter() - start
    start = time.perf_counter()
    for patient in Patient.objects.select_related("person").filter(id__in=[p.id for p in patients]):
        standing.refresh(patient, NOW)
    refreshed = (time.perf_counter() - start) / PATIENTS * 1000
    # Half the patients on a taper, as their stored tallies say (clinic.taper_tally).
    from kratomlog.clinic.models import TaperTally

    TaperTally.objects.bulk_create(
        TaperTally(patient=patient, taper_days=120, days_within=100 + n % 20,
                   reached_zero=n % 3 == 0, updated_at=NOW)
        for n, patient in enumerate(patients[::2])
    )  # fmt: skip
    page, api = signed_in(clinician)
    assert page.get("/clinic/").status_code == 200
    assert len(api.get("/api/v1/patients").json()) == PATIENTS
    return {
        "entries": Entry.objects.count(),
        "generate_s": round(made, 1),
        "standing_refresh_ms_per_patient": round(refreshed, 1),
        "triage_page_ms": round(median_ms(lambda: page.get("/clinic/")), 1),
        "triage_api_ms": round(median_ms(lambda: api.get("/api/v1/patients")), 1),
        "checkins": CheckIn.objects.count(),
        "outcomes_page_ms": round(median_ms(lambda: page.get("/clinic/outcomes")), 1),
        "outcomes_api_ms": round(median_ms(lambda: api.get("/api/v1/outcomes")), 1),
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def load_run() -> dict[str, object]:
    database = fresh_database("kratomlog_bench_load")
    mail = HOME / "mail"
    mail.mkdir()
    env = {**os.environ, "DATABASE_URL": database, "KRATOMLOG_EMAIL": f"file://{mail}",
           "KRATOMLOG_HOME": str(HOME / "load")}  # fmt: skip
    subprocess.run([KRATOMLOG, "clinic", "init"], env=env, check=True)
    setup = f"""
from datetime import UTC, datetime
from kratomlog.storage import open_journal
open_journal()
from kratomlog.clinic import people, tokens
from kratomlog.clinic.consent import CARE_CONSENT
now = datetime.now(UTC)
people.add_staff(email="lee@bench.test", role="clinician", now=now, teams=["North"])
people.add_staff(email="kim@bench.test", role="clinician", now=now, teams=["North"])
team = people.team_named("North")
for n in range({LOAD_PATIENTS}):
    p = people.add_patient(email=f"p{{n}}@bench.test", password="a long bench password",
        timezone="Europe/Berlin", team=team, consent_version=CARE_CONSENT.version,
        share_with_care_team=True, now=now)
    print(tokens.issue(p.user, now))
"""
    keys = subprocess.run([sys.executable, "-c", setup], env=env, check=True,
                          capture_output=True, text=True).stdout.split()  # fmt: skip
    port = free_port()
    server = subprocess.Popen([KRATOMLOG, "clinic", "serve", "--bind", f"127.0.0.1:{port}",
                               "--workers", "2"], env=env, stderr=subprocess.DEVNULL)  # fmt: skip
    workers = [subprocess.Popen([KRATOMLOG, "clinic", "worker"], env=env) for _ in range(2)]
    base = f"http://127.0.0.1:{port}/api/v1"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{base}/consent", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    written = {"entries": 0, "checkins": 0}
    lock = threading.Lock()
    deadline = time.monotonic() + LOAD_SECONDS

    def patient(key: str, seed: int) -> None:
        rng = random.Random(seed)
        while time.monotonic() < deadline:
            if rng.random() < 0.8:
                path, body, kind = "/me/entries", {"substance": "kratom", "amount": 2.0}, "entries"
            else:
                ninth = 1 if rng.random() < 0.2 else 0
                path, kind = "/me/checkins", "checkins"
                body = {"kind": "phq9", "answers": [1, 1, 0, 0, 1, 0, 0, 0, ninth]}
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
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                latencies.append(elapsed)
                statuses[code] = statuses.get(code, 0) + 1
                if code == 201:
                    written[kind] += 1
            time.sleep(rng.uniform(0.05, 0.3))

    threads = [threading.Thread(target=patient, args=(key, n)) for n, key in enumerate(keys)]
    for thread in threads:
        thread.start()
    time.sleep(LOAD_SECONDS / 2)
    workers[0].send_signal(signal.SIGKILL)  # a worker dies mid-run and is started again
    workers[0].wait()
    workers[0] = subprocess.Popen([KRATOMLOG, "clinic", "worker"], env=env)
    for thread in threads:
        thread.join()
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
    subprocess.run([KRATOMLOG, "clinic", "worker", "--once"], env=env, check=True,
                   capture_output=True)  # fmt: skip
    check = """
import json
from django.db.models import Count
from kratomlog.storage import open_journal
open_journal()
from kratomlog.checkins.models import CheckIn
from kratomlog.clinic.models import Alert, AlertDelivery
from kratomlog.journal.models import Entry
unresolved = Alert.objects.exclude(state="resolved")
twice = unresolved.values("patient", "kind").annotate(n=Count("id")).filter(n__gt=1).count()
unsent = AlertDelivery.objects.filter(sent_at__isnull=True).count()
first_round = AlertDelivery.objects.filter(round="first", sent_at__isnull=False).count()
print(json.dumps({"entries": Entry.objects.count(), "checkins": CheckIn.objects.count(),
    "alerts": Alert.objects.count(), "duplicate_open_alerts": twice,
    "deliveries_expected": Alert.objects.count() * 2, "first_round_sent": first_round,
    "unsent_claims": unsent}))
"""
    stored = json.loads(subprocess.run([sys.executable, "-c", check], env=env, check=True,
                                       capture_output=True, text=True).stdout)  # fmt: skip
    mails = len(list(mail.iterdir()))
    ordered = sorted(latencies)
    return {
        "requests": len(latencies),
        "statuses": statuses,
        "throughput_per_s": round(len(latencies) / LOAD_SECONDS, 1),
        "p50_ms": round(ordered[len(ordered) // 2], 1),
        "p95_ms": round(ordered[int(len(ordered) * 0.95)], 1),
        "writes_acknowledged": written,
        "stored": stored,
        "mail_files": mails,
        "every_write_present": stored["entries"] == written["entries"]
        and stored["checkins"] == written["checkins"],
    }


if __name__ == "__main__":
    print("triage:", json.dumps(triage_bench()), flush=True)
    print("load:", json.dumps(load_run()), flush=True)
