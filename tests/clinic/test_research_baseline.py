"""A study's baseline window: the days before enrollment, stated in the research consent, in the
export as negative day numbers for those who agreed to it, and nowhere for those who did not."""

import json
from datetime import timedelta

import pytest
from typer.testing import CliRunner

from kratomlog.cli import app
from tests.clinic.conftest import NOW

ENROLLED = NOW - timedelta(days=7)  # day 0; NOW is day 7 (19:00 in Berlin, 13:00 in New York)


def run(*args, code=0):
    result = CliRunner().invoke(app, ["clinic", *map(str, args)])
    assert result.exit_code == code, result.output
    return result


def table(directory, name):
    import duckdb

    source = f"read_parquet('{directory}/{name}/*/*.parquet', hive_partitioning = true)"
    cursor = duckdb.connect().execute(f"SELECT * FROM {source}")
    columns = [c[0] for c in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def test_the_window_is_stated_in_the_consent_so_its_version_changes_with_it(cast, tmp_path):
    from kratomlog.research.models import Study
    from kratomlog.research.services import consent_version_of, research_consent

    out = run("study", "create", "taper-2027", "--baseline-days", 14).stdout
    study = Study.objects.get(name="taper-2027")
    assert study.baseline_days == 14
    assert "your journal from today on and the 14 days before you joined" in study.consent_text
    assert "the days before as negative numbers" in study.consent_text
    without = consent_version_of(research_consent("taper-2027", None, 0).strip())
    assert study.consent_version == consent_version_of(study.consent_text) != without
    assert f"version {study.consent_version}" in out and "starts 14 days before" in out

    consent = tmp_path / "consent.txt"
    consent.write_text("Taking part in KL-01.\n")
    run("study", "create", "kl-01", "--consent-file", consent, "--baseline-days", 7)
    own = Study.objects.get(name="kl-01").consent_text
    assert own.startswith("Taking part in KL-01.\n\n")
    assert "from the 7 days before you joined" in own and "day -7 to day -1" in own
    run("study", "create", "kl-02", "--consent-file", consent)
    assert Study.objects.get(name="kl-02").consent_text == "Taking part in KL-01."


@pytest.mark.parametrize("days", ["91", "-1", "two weeks"])
def test_a_window_outside_0_to_90_days_is_refused_in_words(cast, days):
    from kratomlog.research.models import Study

    result = run("study", "create", "taper-2027", "--baseline-days", days, code=2)
    assert result.stderr.startswith("error: --baseline-days")
    assert "a whole number of days from 0 (none) to 90" in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert not Study.objects.exists()


def test_the_export_starts_at_day_minus_n_for_those_who_agreed_to_the_window(cast, tmp_path):
    from kratomlog.journal import services as journal
    from kratomlog.plans.services import build_taper
    from kratomlog.research import services
    from kratomlog.research.export import write_export
    from kratomlog.research.models import ResearchConsent, Study

    run("study", "create", "taper-2027", "--baseline-days", 14)
    study = Study.objects.get(name="taper-2027")
    for patient in (cast.patient_a, cast.patient_b):
        build_taper(
            person=patient.person,
            start_grams=6,
            step="0.5",
            every_days=7,
            floor_grams=None,
            now=NOW - timedelta(days=27),
            start=(NOW - timedelta(days=27)).date().isoformat(),
        )
        for ago in range(27, -1, -1):  # a dose a day from 20 days before enrollment to today
            at = (NOW - timedelta(days=ago)).isoformat()
            journal.log_kratom(person=patient.person, amount="2g", at=at, now=NOW)
        services.join(
            user=patient.user, name=study.name, consent_version=study.consent_version, now=ENROLLED
        )
    # Ben's consent as an earlier version of the study's text (without the window) left it.
    older = services.consent_version_of(services.research_consent(study.name, None, 0).strip())
    ResearchConsent.objects.filter(participant__patient=cast.patient_b).update(
        version=older, baseline_days=0
    )

    written = write_export(study, tmp_path / "out", "parquet", NOW)
    ana = services.pseudonym(study, cast.patient_a)
    ben = services.pseudonym(study, cast.patient_b)

    def days(name, code, column="day"):
        return sorted(
            row[column] for row in table(written.directory, name) if row["participant"] == code
        )

    assert days("doses", ana) == list(range(-14, 8))  # not day -20 to -15
    assert days("daily", ana) == list(range(-14, 8))
    assert days("doses", ben) == days("daily", ben) == list(range(0, 8))
    plans = {row["participant"]: row for row in table(written.directory, "plans")}
    assert (plans[ana]["first_day"], plans[ana]["last_day"]) == (-14, 7)  # one row across day 0
    assert (plans[ben]["first_day"], plans[ben]["last_day"]) == (0, 7)
    participants = {row["participant"]: row for row in table(written.directory, "participants")}
    assert participants[ana]["baseline_days"] == 14 and participants[ben]["baseline_days"] == 0
    assert participants[ana]["consent_version"] == study.consent_version
    assert participants[ben]["consent_version"] == older
    assert participants[ana]["days_observed"] == participants[ben]["days_observed"] == 8

    from kratomlog.research.summary import summarise

    page = summarise(study, NOW)  # the study page's charts count weeks since enrollment only
    assert [week for week, _, _ in page.adherence] == [0, 1]
    assert sum(count for *_, count in page.dose_sizes) == 16  # 8 days from day 0, two people

    package = json.loads((written.directory / "datapackage.json").read_text())
    assert package["baseline_days"] == 14
    assert (
        "Baseline window: the 14 days before enrollment, exported as day -14 to day -1"
        in (package["description"])
    )
    doses = next(r for r in package["resources"] if r["name"] == "doses")
    day = next(f for f in doses["schema"]["fields"] if f["name"] == "day")
    assert day["constraints"]["minimum"] == -90 and "negative" in day["description"]
