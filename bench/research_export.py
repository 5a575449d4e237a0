"""The research export at scale (`make bench`): a study of N participants (default 10,000) with
D days each (default a year), exported to Parquet by `kratomlog clinic export-research` as a
whole process; its wall time and peak memory (target: under 300 MB).

    python bench/research_export.py [--participants N] [--days D] [--format parquet|csv]

The journals are written straight into a throwaway SQLite clinic database (the ORM would take
longer than the export itself): per participant and day two doses, magnesium, the withdrawal
check-in and craving, a sleep diary; PHQ-9 and GAD-7 every 14 days; a sedative every 10 days;
and a taper plan from the first day.
"""

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

HOME = Path(tempfile.mkdtemp(prefix="kratomlog-bench-research-"))
os.environ["KRATOMLOG_HOME"] = str(HOME)
os.environ["KRATOMLOG_CLINIC"] = "1"
os.environ.pop("DATABASE_URL", None)

from kratomlog.storage import open_journal  # noqa: E402

open_journal()

from django.db import connection, transaction  # noqa: E402

from kratomlog.clinic import people  # noqa: E402
from kratomlog.research import services  # noqa: E402

NOW = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)
KRATOMLOG = str(Path(sys.executable).parent / "kratomlog")
TAPER = [
    {
        "id": "taper",
        "kind": "taper",
        "severity": "limit",
        "start_grams_per_day": 8.0,
        "step": "0.5",
        "every_days": 7,
        "floor_grams": 0.0,
    }
]
ZONES = ("Europe/Berlin", "America/New_York", "Asia/Bangkok", "Europe/London")


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")  # SQLite: UTC without an offset, as Django


def generate(participants: int, days: int) -> None:
    """Users, patients, persons and their journals, a batch of participants a transaction."""
    rng = random.Random(11)
    team = people.team_named("Bench")
    study = services.create_study(name="bench-study", now=NOW - timedelta(days=days + 1))
    first_day = NOW - timedelta(days=days)
    raw = connection.connection
    chunk = 200
    for start in range(0, participants, chunk):
        with transaction.atomic():
            connection.ensure_connection()
            raw = connection.connection
            rows = {"entry": [], "checkin": [], "sleep": [], "plan": []}
            for n in range(start, min(participants, start + chunk)):
                zone = ZONES[n % len(ZONES)]
                raw.execute(
                    "INSERT INTO auth_user (password, is_superuser, username, first_name, "
                    "last_name, email, is_staff, is_active, date_joined) "
                    "VALUES ('!', 0, ?, '', '', ?, 0, 1, ?)",
                    (f"p{n}@bench.test", f"p{n}@bench.test", stamp(first_day)),
                )
                user_id = raw.execute("SELECT last_insert_rowid()").fetchone()[0]
                raw.execute(
                    "INSERT INTO clinic_account (user_id, role, display_name) "
                    "VALUES (?, 'patient', '')",
                    (user_id,),
                )
                raw.execute(
                    "INSERT INTO journal_person (name, timezone, dose_unit, crisis_resources, "
                    "created_at) VALUES (?, ?, 'g', '', ?)",
                    (f"p{n}@bench.test", zone, stamp(first_day)),
                )
                person_id = raw.execute("SELECT last_insert_rowid()").fetchone()[0]
                raw.execute(
                    "INSERT INTO clinic_patient (public_id, person_id, user_id, team_id, "
                    "sharing, joined_at) VALUES (?, ?, ?, ?, 1, ?)",
                    (uuid.uuid4().hex, person_id, user_id, team.id, stamp(first_day)),
                )
                patient_id = raw.execute("SELECT last_insert_rowid()").fetchone()[0]
                raw.execute(
                    "INSERT INTO research_studyparticipant (study_id, patient_id, enrolled_at, "
                    "active) VALUES (?, ?, ?, 1)",
                    (study.id, patient_id, stamp(first_day)),
                )
                participant_id = raw.execute("SELECT last_insert_rowid()").fetchone()[0]
                raw.execute(
                    "INSERT INTO research_researchconsent (participant_id, version, granted, "
                    "at) VALUES (?, ?, 1, ?)",
                    (participant_id, study.consent_version, stamp(first_day)),
                )
                rows["plan"].append(
                    (
                        person_id,
                        uuid.uuid4().hex,
                        "bench taper",
                        first_day.date().isoformat(),
                        json.dumps(TAPER),
                        stamp(first_day),
                    )
                )
                _journal(rows, rng, person_id, zone, first_day, days)
            raw.executemany(
                "INSERT INTO plans_planversion (person_id, uid, name, start, rules, source, "
                "evidence, set_at, withdrawn, set_by) VALUES (?, ?, ?, ?, ?, '', '', ?, 0, '')",
                rows["plan"],
            )
            raw.executemany(
                "INSERT INTO journal_entry (person_id, uid, substance, name, category, amount, "
                "unit, grams, elemental_mg, compound, form, purpose, note, taken_at, timezone, "
                "local_day, source, deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', '', ?, "
                "?, ?, 'bench', 0)",
                rows["entry"],
            )
            raw.executemany(
                "INSERT INTO checkins_checkin (person_id, uid, instrument, taken_at, timezone, "
                "local_day, answers, total, band, self_harm, note, deleted) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, '', 0)",
                rows["checkin"],
            )
            raw.executemany(
                "INSERT INTO checkins_sleepdiary (person_id, uid, night, timezone, into_bed, "
                "tried_to_sleep, sol_minutes, awakenings, waso_minutes, final_awakening, "
                "out_of_bed, quality, note, deleted) "
                "VALUES (?, ?, ?, ?, ?, ?, 20, 2, 30, ?, ?, 3, '', 0)",
                rows["sleep"],
            )
        print(f"  generated {min(participants, start + chunk)} of {participants}", end="\r")
    print()


def _journal(rows, rng, person_id, zone, first_day, days) -> None:  # type: ignore[no-untyped-def]
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(zone)
    for day in range(days):
        base = first_day + timedelta(days=day)
        local = base.astimezone(tz).date().isoformat()
        for hour in (1, 9):
            grams = round(rng.uniform(1, 5), 1)
            rows["entry"].append(
                (
                    person_id,
                    uuid.uuid4().hex,
                    "kratom",
                    "kratom",
                    "",
                    grams,
                    "g",
                    grams,
                    None,
                    "",
                    "powder",
                    stamp(base + timedelta(hours=hour)),
                    zone,
                    local,
                )
            )
        rows["entry"].append(
            (
                person_id,
                uuid.uuid4().hex,
                "magnesium",
                "magnesium",
                "",
                200,
                "mg",
                None,
                200.0,
                "elemental",
                "",
                stamp(base + timedelta(hours=2)),
                zone,
                local,
            )
        )
        if day % 10 == 0:
            rows["entry"].append(
                (
                    person_id,
                    uuid.uuid4().hex,
                    "other",
                    "sedative",
                    "benzodiazepine",
                    1,
                    "tablet",
                    None,
                    None,
                    "",
                    "",
                    stamp(base + timedelta(hours=3)),
                    zone,
                    local,
                )
            )
        at = stamp(base + timedelta(hours=4))
        score = rng.randint(0, 4)
        rows["checkin"].append(
            (
                person_id,
                uuid.uuid4().hex,
                "withdrawal",
                at,
                zone,
                local,
                str([score] * 11),
                score * 11,
                "",
            )
        )
        rows["checkin"].append(
            (
                person_id,
                uuid.uuid4().hex,
                "craving",
                at,
                zone,
                local,
                str([score * 2]),
                score * 2,
                "",
            )
        )
        if day % 14 == 0:
            answers = [rng.randint(0, 3) for _ in range(9)]
            rows["checkin"].append(
                (
                    person_id,
                    uuid.uuid4().hex,
                    "phq9",
                    at,
                    zone,
                    local,
                    str(answers),
                    sum(answers),
                    "",
                )
            )
            rows["checkin"].append(
                (person_id, uuid.uuid4().hex, "gad7", at, zone, local, str([1] * 7), 7, "")
            )
        if day:
            rows["sleep"].append(
                (
                    person_id,
                    uuid.uuid4().hex,
                    (base - timedelta(days=1)).astimezone(tz).date().isoformat(),
                    zone,
                    stamp(base - timedelta(hours=6)),
                    stamp(base - timedelta(hours=5, minutes=40)),
                    stamp(base + timedelta(hours=1)),
                    stamp(base + timedelta(hours=1, minutes=20)),
                )
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--format", default="parquet", choices=("parquet", "csv"))
    args = parser.parse_args()
    began = time.perf_counter()
    generate(args.participants, args.days)
    counts = {
        table: connection.cursor().execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("journal_entry", "checkins_checkin", "checkins_sleepdiary")
    }
    print(
        f"generated {args.participants:,} participants x {args.days} days in "
        f"{time.perf_counter() - began:.0f} s: "
        + ", ".join(f"{n:,} {t}" for t, n in counts.items())
    )
    connection.close()
    out = HOME / "export"
    began = time.perf_counter()
    subprocess.run(
        [
            KRATOMLOG,
            "clinic",
            "export-research",
            "bench-study",
            "--format",
            args.format,
            "--output",
            str(out),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - began
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    size_mb = sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 1e6
    print(
        f"kratomlog clinic export-research --format {args.format}, whole process: "
        f"{seconds:.0f} s, peak memory {peak_mb:.0f} MB (target under 300 MB), "
        f"{size_mb:.0f} MB written"
    )
    shutil.rmtree(HOME, ignore_errors=True)


if __name__ == "__main__":
    main()
