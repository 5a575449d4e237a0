"""Sync benchmark (`make bench`); figures go in the README.

A local journal of five years (about two doses a use day, a PHQ-9 a week, a sleep diary a
night) links to a clinic served by `kratomlog clinic serve` on PostgreSQL, then: the first
`kratomlog sync` (everything sent, 500 records a request) and a second one with nothing new.

BENCH_DATABASE_URL names the server (default postgres://postgres@127.0.0.1:5432); the database
BENCH_SYNC_DB (default kratomlog_bench_sync) is made anew.
"""

import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

SERVER = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
NAME = os.environ.get("BENCH_SYNC_DB", "kratomlog_bench_sync")
HOME = Path(tempfile.mkdtemp(prefix="kratomlog-sync-bench-"))
KRATOMLOG = str(Path(sys.executable).parent / "kratomlog")
YEARS = 5
ZONE = "Europe/Berlin"
PASSWORD = "a long bench password"

subprocess.run(["psql", f"{SERVER}/postgres", "-qc", f"DROP DATABASE IF EXISTS {NAME}"],
               check=True, capture_output=True)  # fmt: skip
subprocess.run(["psql", f"{SERVER}/postgres", "-qc", f"CREATE DATABASE {NAME}"], check=True)
os.environ.update(
    KRATOMLOG_CLINIC="1", KRATOMLOG_HOME=str(HOME / "clinic"), DATABASE_URL=f"{SERVER}/{NAME}"
)
from kratomlog.storage import open_journal  # noqa: E402

open_journal()

from kratomlog.clinic import invitations, people  # noqa: E402
from kratomlog.core.instruments import instrument, score  # noqa: E402

NOW = datetime.now(UTC).replace(microsecond=0)


def journal(path: Path) -> dict[str, int]:
    """Five years as `kratomlog export json` writes them."""
    rng = random.Random(11)
    entries, checkins, sleep = [], [], []
    for day in range(1, 365 * YEARS):
        if rng.random() < 0.7:
            for _ in range(rng.choice((1, 2, 2, 3))):
                at = NOW - timedelta(days=day, hours=rng.randint(1, 14))
                grams = rng.choice((1.5, 2.0, 3.0))
                entries.append({
                    "uid": str(uuid.uuid4()), "substance": "kratom", "name": "kratom",
                    "category": "", "amount": grams, "unit": "g", "grams": grams,
                    "elemental_mg": None, "compound": "", "form": "powder", "purpose": "",
                    "note": "", "timezone": "UTC", "source": "manual", "source_key": None,
                    "deleted": False, "taken_at": at.isoformat(),
                    "local_day": at.date().isoformat(), "product": None, "imported_by": None,
                })  # fmt: skip
        if day % 7 == 0:
            answers = [rng.randint(0, 2) for _ in range(8)] + [0]
            scored = score(instrument("phq9"), answers)
            at = NOW - timedelta(days=day)
            checkins.append({
                "uid": str(uuid.uuid4()), "taken_at": at.isoformat(),
                "local_day": at.date().isoformat(), "instrument": "phq9", "timezone": "UTC",
                "answers": answers, "total": scored.total, "band": scored.band or "",
                "self_harm": False, "note": "", "deleted": False,
            })  # fmt: skip
        night = (NOW - timedelta(days=day + 1)).replace(hour=22, minute=30, second=0)
        sleep.append({
            "uid": str(uuid.uuid4()), "night": night.date().isoformat(),
            "into_bed": night.isoformat(),
            "tried_to_sleep": (night + timedelta(minutes=10)).isoformat(),
            "final_awakening": (night + timedelta(hours=8)).isoformat(),
            "out_of_bed": (night + timedelta(hours=8, minutes=15)).isoformat(),
            "timezone": "UTC", "sol_minutes": 20, "awakenings": 1, "waso_minutes": 15,
            "quality": 3, "note": "", "deleted": False,
        })  # fmt: skip
    path.write_text(json.dumps({
        "format": "kratomlog-journal", "version": 1, "exported_at": NOW.isoformat(),
        "person": {"name": "me", "timezone": "UTC", "dose_unit": "g"}, "products": [],
        "entries": entries, "plans": [], "changes": [], "checkins": checkins, "sleep": sleep,
    }))  # fmt: skip
    return {"entries": len(entries), "checkins": len(checkins), "sleep": len(sleep)}


def local(*args: str, stdin: str = "") -> float:
    env = {**os.environ, "KRATOMLOG_HOME": str(HOME / "laptop")}
    for name in ("DATABASE_URL", "KRATOMLOG_CLINIC"):
        env.pop(name)
    start = time.perf_counter()
    subprocess.run([KRATOMLOG, *args], env=env, input=stdin, check=True, text=True,
                   capture_output=True)  # fmt: skip
    return time.perf_counter() - start


def main() -> None:
    clinician, _ = people.add_staff(email="lee@bench.test", role="clinician", now=NOW,
                                    teams=["North"], name="Dr Lee")  # fmt: skip
    code = invitations.invite(clinician, NOW).code
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [KRATOMLOG, "clinic", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/consent", timeout=5)
                break
            except OSError:
                time.sleep(0.2)
        counts = journal(HOME / "journal.json")
        local("import", "json", str(HOME / "journal.json"))
        local("link", f"http://127.0.0.1:{port}", code, "--agree", "--email", "me@bench.test",
              stdin=f"{PASSWORD}\n{PASSWORD}\n")  # fmt: skip
        first = local("sync")
        nothing = local("sync")
    finally:
        server.terminate()
        server.wait(timeout=30)
    records = sum(counts.values()) + 1  # and the import's own change
    print(f"sync of a {YEARS}-year journal ({counts['entries']} entries, {counts['checkins']} "
          f"check-ins, {counts['sleep']} sleep diaries: {records} records)")  # fmt: skip
    print(f"  first sync: {first:.1f} s ({records / first:.0f} records/s)")
    print(f"  sync with nothing new: {nothing:.2f} s")


if __name__ == "__main__":
    main()
