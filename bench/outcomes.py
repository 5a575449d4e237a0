"""The clinic's outcomes at scale on PostgreSQL (`make bench`; the figure goes in the README).

2,000 patients of one clinician, each with a year of journal and a PHQ-9 and a GAD-7 every 14
days (bench/clinic.py's generated clinic); half of them on a taper set 120 days ago, their taper
tallies and standings refreshed as a write refreshes them. Timed, server side: the page
(/clinic/outcomes) and GET /api/v1/outcomes, the median and p95 of N runs each (target: the page
under 500 ms, issue 21).

    python bench/outcomes.py [--runs N]    (N from 1 to 100, default 20)

BENCH_DATABASE_URL names the server (default postgres://postgres@127.0.0.1:5432); the database
kratomlog_bench_triage is made anew (bench/clinic.py's, which sets Django up on it).
"""

import argparse
import json
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import clinic  # (bench/clinic.py makes the database and sets Django up on it)

NOW, PATIENTS = clinic.NOW, clinic.PATIENTS


from kratomlog.clinic import people, standing, taper_tally  # noqa: E402
from kratomlog.clinic.models import Patient  # noqa: E402
from kratomlog.plans.models import PlanVersion  # noqa: E402

TARGET_MS = 500.0
MOST_RUNS = 100
TAPER_DAYS = 120
TAPER = [{"id": "taper", "kind": "taper", "severity": "limit", "start_grams_per_day": 8.0,
          "step": "0.5", "every_days": 7, "floor_grams": 0.0}]  # fmt: skip


def generate() -> tuple[object, int]:
    """The clinician and how many of their patients are on a taper."""
    clinician, _ = people.add_staff(email="lee@bench.test", role="clinician", now=NOW,
                                    teams=["North"], name="Dr Lee")  # fmt: skip
    patients = clinic.make_patients(PATIENTS, people.team_named("North"))
    start = (NOW - timedelta(days=TAPER_DAYS)).date()
    tapering = patients[::2]
    PlanVersion.objects.bulk_create(
        PlanVersion(person_id=patient.person_id, name="bench taper", start=start, rules=TAPER,
                    set_at=NOW - timedelta(days=TAPER_DAYS))
        for patient in tapering
    )  # fmt: skip
    for patient in Patient.objects.select_related("person").filter(id__in=[p.id for p in patients]):
        standing.refresh(patient, NOW)
        taper_tally.refresh(patient, NOW)
    return clinician, len(tapering)


def timed(get, path: str, runs: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        answer = get(path)
        samples.append((time.perf_counter() - start) * 1000)
        assert answer.status_code == 200, (path, answer.status_code)
    ordered = sorted(samples)
    return {
        "median_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    if not 1 <= runs <= MOST_RUNS:
        parser.error(f"--runs is from 1 to {MOST_RUNS}")
    begun = time.perf_counter()
    clinician, tapering = generate()
    generated = time.perf_counter() - begun
    page, api = clinic.signed_in(clinician)
    answer = api.get("/api/v1/outcomes").json()
    everyone = answer["groups"][0]
    # The figures are for the whole clinic: every patient counted, the tapers among them.
    assert everyone["in_care"] == PATIENTS, everyone["in_care"]
    assert everyone["taper"]["patients"] == tapering, everyone["taper"]
    figures = {
        "patients": PATIENTS,
        "on_taper": tapering,
        "generate_s": round(generated, 1),
        "runs": runs,
        "page": timed(page.get, "/clinic/outcomes", runs),
        "api": timed(api.get, "/api/v1/outcomes", runs),
    }
    print("outcomes:", json.dumps(figures), flush=True)
    for name in ("page", "api"):
        median = figures[name]["median_ms"]  # type: ignore[index]
        verdict = "ok" if median < TARGET_MS else "OVER TARGET"
        print(
            f"outcomes {name}: median {median} ms, p95 {figures[name]['p95_ms']} ms "  # type: ignore[index]
            f"(n={runs}), target {TARGET_MS:.0f} ms   {verdict}"
        )


if __name__ == "__main__":
    main()
