"""The de-identified export: numbers that match the journals, pseudonyms, consent, no identifying
byte, the codebook, the README's DuckDB queries, the CLI and the worker's task."""

import json
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow.parquet as pq
import pytest

from kratomlog.core.days import local_day
from tests.clinic.conftest import NOW
from tests.clinic.helpers_r11 import ENROLLED_A, ENROLLED_B, SECRETS, make_study

README = (Path(__file__).parents[2] / "README.md").read_text()


@pytest.fixture
def study(cast):
    return make_study(cast)


def export(study, tmp_path, fmt="parquet", name="out"):
    from kratomlog.research.export import write_export

    return write_export(study, tmp_path / name, fmt, NOW)


def table(directory: Path, name: str) -> list[dict]:
    import duckdb

    con = duckdb.connect()
    source = (
        f"read_parquet('{directory}/{name}/*/*.parquet', hive_partitioning = true)"
        if (directory / name).is_dir()
        else f"read_csv('{directory}/{name}.csv', header = true)"
    )
    cursor = con.execute(f"SELECT * FROM {source}")
    columns = [c[0] for c in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def test_doses_and_daily_rows_match_the_journal(cast, study, tmp_path):
    from kratomlog import standing
    from kratomlog.research.services import pseudonym

    written = export(study.study, tmp_path)
    assert written.participants == 2
    code = pseudonym(study.study, cast.patient_a)
    doses = [row for row in table(written.directory, "doses") if row["participant"] == code]
    source = study.doses["ana@example.org"]
    assert len(doses) == len(source) == 42  # 28 days, a second dose every other day
    assert sum(row["grams"] for row in doses) == pytest.approx(sum(g for _, g in source))
    first = sorted(doses, key=lambda row: (row["day"], row["time"]))[0]
    assert first["day"] == 0 and first["time"].isoformat() == "21:00:00"  # 19:00 UTC in Berlin
    assert first["form"] == "powder" and first["grams"] == 2.0

    daily = sorted(
        (row for row in table(written.directory, "daily") if row["participant"] == code),
        key=lambda row: row["day"],
    )
    day0 = local_day(ENROLLED_A, ZoneInfo("Europe/Berlin"))
    history = standing.history(cast.patient_a.person, day0, NOW.date(), NOW)
    assert len(daily) == len(history) == 29
    for exported, kept in zip(daily, history, strict=True):
        assert exported["grams"] == pytest.approx(kept.grams)
        assert exported["doses"] == kept.doses
        assert exported["allowance"] == pytest.approx(kept.allowance)
        assert exported["limit_breaches"] == sum(b.severity == "limit" for b in kept.breaches)
        assert exported["magnesium_mg"] == pytest.approx(kept.magnesium_mg)
    breaches = [row for row in table(written.directory, "breaches") if row["participant"] == code]
    assert len(breaches) == sum(len(row.breaches) for row in history) > 0


def test_checkins_and_sleep_keep_items_and_derived_measures(cast, study, tmp_path):
    from kratomlog.research.services import pseudonym

    written = export(study.study, tmp_path)
    code = pseudonym(study.study, cast.patient_a)
    checkins = [r for r in table(written.directory, "checkins") if r["participant"] == code]
    phq9 = sorted((r for r in checkins if r["instrument"] == "phq9"), key=lambda r: r["day"])
    # Filled in 9 hours after the day's first dose (21:00 in Berlin): the next morning.
    assert [r["day"] for r in phq9] == [1, 8, 15, 22]
    assert [r["total"] for r in phq9] == [6, 6, 2, 2]
    assert [phq9[0][f"item_{n}"] for n in range(1, 10)] == [1, 1, 2, 1, 0, 1, 0, 0, 0]
    assert phq9[0]["item_10"] is None and phq9[0]["band"] == "mild"
    assert sum(r["instrument"] == "withdrawal" for r in checkins) == 28
    sleep = [r for r in table(written.directory, "sleep") if r["participant"] == code]
    assert len(sleep) == 27
    night = sleep[0]
    # Into bed 23:10, out 07:00: 470 minutes; asleep 23:30 + 20 min to 06:40 less 30 awake.
    assert (night["tib_minutes"], night["tst_minutes"]) == (470.0, 380.0)
    assert night["se_percent"] == pytest.approx(80.9)
    assert night["into_bed"].isoformat() == "23:00:00"  # rounded down to the quarter hour
    other = [r for r in table(written.directory, "other_substances") if r["participant"] == code]
    assert {r["category"] for r in other} == {"benzodiazepine"} and len(other) == 6
    plans = [r for r in table(written.directory, "plans") if r["participant"] == code]
    assert len(plans) == 1 and plans[0]["taper"] and plans[0]["first_day"] == 0
    assert json.loads(plans[0]["rules"])[0]["kind"] == "taper"


def test_pseudonyms_are_stable_in_a_study_and_unlinkable_across_studies(study, tmp_path):
    first = {
        r["participant"]
        for r in table(export(study.study, tmp_path, name="a").directory, "participants")
    }
    again = {
        r["participant"]
        for r in table(export(study.study, tmp_path, name="b").directory, "participants")
    }
    other = {
        r["participant"]
        for r in table(export(study.other, tmp_path, name="c").directory, "participants")
    }
    assert first == again and len(first) == 2
    assert len(other) == 2 and not first & other


def test_records_after_the_studys_end_are_left_out(cast, study, tmp_path):
    from datetime import date

    study.study.end = date(2026, 11, 15)  # A: day 20 is the last; B: day 6
    study.study.save()
    written = export(study.study, tmp_path)
    last = {}
    for row in table(written.directory, "daily"):
        last[row["participant"]] = max(last.get(row["participant"], 0), row["day"])
    assert sorted(last.values()) == [6, 20]
    assert max(row["day"] for row in table(written.directory, "doses")) == 20


def test_a_participant_who_left_is_in_no_later_export(cast, study, tmp_path):
    from kratomlog.research.services import pseudonym

    gone = pseudonym(study.study, cast.patient_c).encode()
    written = export(study.study, tmp_path, fmt="csv")
    assert written.participants == 2
    for path in written.directory.rglob("*"):
        if path.is_file():
            assert gone not in path.read_bytes(), path


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_no_exported_byte_names_a_person_or_holds_their_words(cast, study, tmp_path, fmt):
    written = export(study.study, tmp_path, fmt=fmt)
    needles = [
        *SECRETS,
        "ana@example.org",
        "ben@example.org",
        "cy@example.org",
        "Europe/Berlin",
        "America/New_York",
        str(cast.patient_a.public_id),
        cast.patient_a.person.name,
        "2026-",
    ]
    files = [path for path in written.directory.rglob("*") if path.is_file()]
    assert len(files) > 9
    for path in files:
        content = path.read_bytes()
        if path.suffix == ".parquet":  # compressed: search the values too
            content += json.dumps(pq.read_table(path).to_pylist(), default=str).encode()
        for needle in needles:
            assert needle.encode() not in content, f"{needle!r} in {path.name}"


def test_the_codebook_describes_every_table_and_column(study, tmp_path):
    from kratomlog.research.tables import TABLES

    written = export(study.study, tmp_path)
    package = json.loads((written.directory / "datapackage.json").read_text())
    assert [r["name"] for r in package["resources"]] == [t.name for t in TABLES]
    assert "HMAC-SHA256" in package["description"]
    for resource in package["resources"]:
        for path in resource["path"]:
            schema = pq.read_schema(written.directory / path)
            assert schema.names == [f["name"] for f in resource["schema"]["fields"]]
    checkins = next(r for r in package["resources"] if r["name"] == "checkins")
    fields = {f["name"]: f for f in checkins["schema"]["fields"]}
    assert fields["total"]["loinc"] == {"phq9": "44261-6", "gad7": "70274-6"}
    assert fields["item_9"]["loinc"] == {"phq9": "44260-8"}
    assert fields["instrument"]["constraints"]["enum"] == ["phq9", "gad7", "withdrawal", "craving"]
    doses = next(r for r in package["resources"] if r["name"] == "doses")
    assert {f["name"]: f.get("unit") for f in doses["schema"]["fields"]}["grams"] == "g"

    import csv

    dictionary = list(csv.DictReader((written.directory / "redcap_dictionary.csv").open()))
    names = [row["Variable / Field Name"] for row in dictionary]
    assert names[0] == "participant" and len(names) == len(set(names))
    assert len(names) == sum(len(t.columns) for t in TABLES) - (len(TABLES) - 1)
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", name) for name in names)
    form = {row["Variable / Field Name"]: row for row in dictionary}
    assert form["dose_form"]["Field Type"] == "dropdown"
    assert form["ci_self_harm"]["Field Type"] == "yesno"
    assert form["dose_time"]["Text Validation Type OR Show Slider Number"] == "time_hh_mm_ss"


def readme_queries() -> list[str]:
    section = README.split("## Research exports", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sql\n(.*?)```", section, re.S)


def test_the_readme_queries_run_on_an_export_and_give_the_journals_numbers(cast, study, tmp_path):
    import duckdb

    written = export(study.study, tmp_path)
    queries = readme_queries()
    assert len(queries) == 3
    con = duckdb.connect()
    results = []
    for query in queries:
        cursor = con.execute(query.replace("study-export", str(written.directory)))
        columns = [c[0] for c in cursor.description]
        results.append([dict(zip(columns, row, strict=True)) for row in cursor.fetchall()])
    by_week, adherence, phq9 = results
    week0 = next(row for row in by_week if row["week"] == 0)
    expected = sum(
        grams
        for email, enrolled, tz in (
            ("ana@example.org", ENROLLED_A, "Europe/Berlin"),
            ("ben@example.org", ENROLLED_B, "America/New_York"),
        )
        for at, grams in study.doses[email]
        if 0 <= (local_day(at, ZoneInfo(tz)) - local_day(enrolled, ZoneInfo(tz))).days < 7
    )
    assert week0["participants"] == 2
    assert week0["grams"] == pytest.approx(expected) and expected > 40
    assert {row["week"] for row in adherence} == {0, 1, 2, 3, 4}
    assert all(0 <= row["days_within_allowance"] <= 1 for row in adherence)
    assert [row["participants"] for row in phq9][:2] == [2, 2]
    assert phq9[0]["mean_total"] == pytest.approx(6.0)


def test_the_cli_exports_and_refuses_bad_input_in_one_line(study, tmp_path):
    from typer.testing import CliRunner

    from kratomlog.cli import app

    runner = CliRunner()
    out = tmp_path / "cli"
    result = runner.invoke(
        app, ["clinic", "export-research", "taper-2027", "--format", "csv", "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "Wrote 2 participants" in result.output
    assert (out / "doses.csv").is_file() and (out / "datapackage.json").is_file()
    for args, field in (
        (["--format", "xlsx", "--output", str(tmp_path / "x")], "--format"),
        (["--format", "csv", "--output", str(out)], "--output"),
    ):
        result = runner.invoke(app, ["clinic", "export-research", "taper-2027", *args])
        assert result.exit_code == 2 and field in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x").exists()
    result = runner.invoke(app, ["clinic", "export-research", "no-such", "--output", "y"])
    assert result.exit_code == 2 and "no study called" in result.stderr


def test_the_worker_task_writes_a_zip_and_marks_the_export_done(cast, study):
    import zipfile

    from kratomlog.research.models import StudyExport
    from kratomlog.research.tasks import export_study

    job = StudyExport.objects.create(
        study=study.study, requested_by=cast.researcher, format="parquet", requested_at=NOW
    )
    export_study.call(job.id)
    job.refresh_from_db()
    assert job.state == "done" and job.participants == 2
    names = zipfile.ZipFile(job.archive).namelist()
    assert "datapackage.json" in names and "redcap_dictionary.csv" in names
    assert any(name.startswith("doses/bucket=") for name in names)
    from kratomlog.clinic.models import AuditEntry

    entry = AuditEntry.objects.filter(action="export").latest("id")
    assert entry.actor == cast.researcher
    assert entry.what == "research export of taper-2027 (parquet, 2 participants)"


def test_times_of_day_are_exported_to_the_quarter_hour_unless_the_study_asks_for_more(
    cast, study, tmp_path
):
    from datetime import timedelta

    from kratomlog.journal.services import log_kratom
    from kratomlog.research.services import pseudonym

    at = NOW - timedelta(minutes=22, seconds=19)  # 18:37:41 in Berlin
    log_kratom(person=cast.patient_a.person, amount="1.37g", at=at.isoformat(), now=NOW)
    code = pseudonym(study.study, cast.patient_a)

    def times(name):
        written = export(study.study, tmp_path, fmt="csv", name=name)
        rows = table(written.directory, "doses")
        described = json.loads((written.directory / "datapackage.json").read_text())["description"]
        return {str(r["time"]) for r in rows if r["participant"] == code and r["grams"] == 1.37}, described

    rounded, described = times("default")
    assert rounded == {"18:30:00"}  # rounded down to the quarter hour
    assert "rounded down to the quarter hour (15 minutes)" in described
    study.study.time_of_day_seconds = 1
    study.study.save()
    exact, described = times("exact")
    assert exact == {"18:37:41"} and "exact to the second, as this study asked" in described
