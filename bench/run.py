"""Benchmarks on a generated 5-year daily journal (`make bench`); figures go in the README.

- status, in-process (target under 50 ms)
- `kratomlog status --json` and `kratomlog dose 2g` as whole processes (target under 200 ms),
  `kratomlog --help` (under 100 ms), each beside the floor: Python opening the journal
- importing 100,000 CSV rows (target under 10 s)
- the web app over HTTP: time to first byte and full render of Today and of a year of History
  (target under 150 ms each)
"""

import http.client
import os
import random
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

HOME = Path(tempfile.mkdtemp(prefix="kratomlog-bench-"))
os.environ["KRATOMLOG_HOME"] = str(HOME / "five-years")
os.environ.pop("DATABASE_URL", None)

from kratomlog.storage import open_journal  # noqa: E402

open_journal()

from kratomlog import standing  # noqa: E402
from kratomlog.core.formats import ImportRow, Reading  # noqa: E402
from kratomlog.core.plan import plan_from_toml  # noqa: E402
from kratomlog.journal.models import Person  # noqa: E402
from kratomlog.journal.transfer import store_rows  # noqa: E402
from kratomlog.plans.services import save_plan  # noqa: E402

NOW = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)
KRATOMLOG = str(Path(sys.executable).parent / "kratomlog")
PLAN = """
name = "everything at once"
[[rule]]
kind = "max_use_days"
max = 4
window_days = 7
[[rule]]
kind = "max_grams_per_dose"
max_grams = 4
[[rule]]
kind = "max_grams_per_day"
max_grams = 10
[[rule]]
kind = "min_hours_between_doses"
hours = 4
[[rule]]
kind = "max_consecutive_use_days"
max = 5
"""


def five_year_journal() -> Person:
    rng = random.Random(5)
    person = Person.objects.create(timezone="Europe/Berlin")
    rows = []
    first = NOW - timedelta(days=5 * 365)
    for offset in range(5 * 365):
        day = first + timedelta(days=offset)
        for number in range(rng.choice([2, 3, 4, 4])):
            grams = round(rng.uniform(1, 5), 1)
            rows.append(ImportRow(len(rows) + 1, day + timedelta(hours=1 + number * 4), "kratom",
                                  "kratom", f"bench:{len(rows)}", grams, "g", grams,
                                  form="powder"))
        rows.append(ImportRow(len(rows) + 1, day + timedelta(hours=14), "magnesium", "magnesium",
                              f"bench:{len(rows)}", 1000, "mg", elemental_mg=141.0,
                              compound="glycinate"))
    store_rows(person, Reading(rows=rows), "bench", "bench", NOW, None)
    plan = plan_from_toml(PLAN, first.date())
    save_plan(person, plan, NOW)
    return person


def timed(action, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return times


def report(name: str, times: list[float], target: float) -> None:
    median, worst = statistics.median(times), max(times)
    verdict = "ok" if median < target else "OVER TARGET"
    print(f"{name:<42} median {median * 1000:8.1f} ms   max {worst * 1000:8.1f} ms   "
          f"target {target * 1000:.0f} ms   {verdict}  (n={len(times)})")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def web_pages(person: Person) -> None:
    """Each page fetched over HTTP from the app's own server (waitress), as a browser would."""
    from django.utils import timezone
    from waitress.server import create_server

    from kratomlog.web.login import new_link
    from kratomlog.web.wsgi import application

    port = free_port()
    server = create_server(application, host="127.0.0.1", port=port, threads=2)
    threading.Thread(target=server.run, daemon=True).start()
    connection = http.client.HTTPConnection("127.0.0.1", port)
    connection.request("GET", f"/login/{new_link(person, timezone.now())}")
    signed_in = connection.getresponse()
    signed_in.read()
    cookie = signed_in.getheader("Set-Cookie", "").split(";")[0]

    def fetch(path: str) -> tuple[float, float, int]:
        started = time.perf_counter()
        connection.request("GET", path, headers={"Cookie": cookie})
        response = connection.getresponse()  # the status line and headers: the first bytes
        first_byte = time.perf_counter() - started
        body = response.read()
        assert response.status == 200, (path, response.status)
        return first_byte, time.perf_counter() - started, len(body)

    for name, path in (("Today", "/"), ("History, a year", "/history?range=365")):
        fetch(path)  # warm up
        runs = [fetch(path) for _ in range(20)]
        report(f"web {name}: time to first byte", [run[0] for run in runs], 0.150)
        report(f"web {name}: full page ({runs[0][2] // 1024} KB)", [run[1] for run in runs], 0.150)
    # The server thread is a daemon and ends with this process: closing it here races its loop.


def cli_start_up() -> None:
    """The commands people type several times a day, as whole processes, median of 10, beside
    two floors: a Python process that opens the journal's SQLite file and reads one row, and
    one that does the same through Django's ORM, set up as the command line sets it up: what
    every command that reads the journal pays as long as it keeps the ORM."""
    journal = Path(os.environ["KRATOMLOG_HOME"]) / "journal.sqlite3"
    floor_code = (
        f"import sqlite3; sqlite3.connect({str(journal)!r})"
        ".execute('select id from journal_entry limit 1').fetchone()"
    )
    # With the command line's own start-up (storage.setup_django, the collector paused as in
    # cli.main): the least that any command reading the journal through the ORM pays.
    orm_floor_code = (
        "import gc, os; gc.disable(); os.environ['KRATOMLOG_WEB'] = '0'; "
        "from kratomlog.storage import setup_django; setup_django(); "
        "from kratomlog.journal.models import Entry; Entry.objects.values_list('id').first()"
    )
    # As a person's machine runs them: with Python's bytecode cache (some environments turn it
    # off, which would time the compiler instead).
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}

    def run(*args: str) -> None:
        subprocess.run(args, check=True, capture_output=True, env=env)

    for warm_up in (("status", "--json"), ("dose", "1g"), ("--help",)):
        run(KRATOMLOG, *warm_up)
    floor = timed(lambda: run(sys.executable, "-c", floor_code), 10)
    report("floor: python opens the journal, reads a row", floor, 0.05)
    orm_floor = timed(lambda: run(sys.executable, "-c", orm_floor_code), 10)
    report("the same through the ORM, as a command starts", orm_floor, 0.200)
    print(f"{'':<42} {statistics.median(orm_floor) / statistics.median(floor):.1f} times the floor")
    for name, args, target in (
        ("kratomlog status --json", ("status", "--json"), 0.200),
        ("kratomlog dose 2g", ("dose", "2g"), 0.200),
        # Backdated before the journal's first day: every day since is judged again, twice.
        ("kratomlog dose 2g --at (6 years ago)", ("dose", "2g", "--at", "2020-01-01T08:00"), 0.200),
        ("kratomlog --help", ("--help",), 0.100),
    ):
        times = timed(lambda args=args: run(KRATOMLOG, *args), 10)
        report(f"{name} (whole process)", times, target)
        ratio = statistics.median(times) / statistics.median(floor)
        over_orm = statistics.median(times) - statistics.median(orm_floor)
        print(f"{'':<42} {ratio:.1f} times the floor; {over_orm * 1000:+.0f} ms over the ORM's")


def main() -> None:
    person = five_year_journal()
    doses = person.entries.filter(substance="kratom").count()
    print(f"journal: {doses} doses and {person.entries.count() - doses} magnesium entries over "
          f"5 years, in {HOME}")
    standing.status(person, NOW)  # warm up
    result = standing.status(person, NOW)
    print(f"status: {len(result.breaches)} breaches judged since the plan's start")
    report("status (in-process)", timed(lambda: standing.status(person, NOW), 30), 0.050)

    cli_start_up()

    csv_path = HOME / "100k.csv"
    lines = ["time,substance,amount,unit,form,product,purpose,note,category"]
    start = NOW - timedelta(days=4000)
    for number in range(100_000):
        moment = (start + timedelta(minutes=57 * number)).isoformat()
        lines.append(f"{moment},kratom,{1 + number % 40 / 10},g,powder,,,row {number},")
    csv_path.write_text("\n".join(lines) + "\n")
    env = {**os.environ, "KRATOMLOG_HOME": str(HOME / "import")}

    def import_100k() -> None:
        subprocess.run([KRATOMLOG, "import", "csv", str(csv_path)], check=True, env=env,
                       capture_output=True)

    web_pages(person)
    report("import csv, 100,000 rows (whole process)", timed(import_100k, 1), 10.0)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory of a child process (the 100,000-row import): {peak:.0f} MB")


if __name__ == "__main__":
    main()
