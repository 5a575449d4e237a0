"""An admin's commands: a study with its research consent, and its researchers."""

import pytest
from typer.testing import CliRunner

from kratomlog.cli import app


@pytest.fixture
def run(cast):
    runner = CliRunner()

    def invoke(*args, code=0):
        result = runner.invoke(app, ["clinic", *map(str, args)])
        assert result.exit_code == code, result.output
        return result

    return invoke


def test_a_study_is_created_with_its_consent_text_and_version(run, tmp_path):
    from kratomlog.research.models import Study
    from kratomlog.research.services import consent_version_of

    consent = tmp_path / "consent.txt"
    consent.write_text("Taking part in KL-01.\n\nYou may leave at any time.\n")
    out = run(
        "study",
        "create",
        "taper-2027",
        "--protocol",
        "KL-01",
        "--consent-file",
        consent,
        "--start",
        "2026-12-01",
        "--end",
        "2027-11-30",
    ).stdout
    study = Study.objects.get(name="taper-2027")
    assert study.consent_text == "Taking part in KL-01.\n\nYou may leave at any time."
    assert study.consent_version == consent_version_of(study.consent_text)
    assert f"research consent version {study.consent_version}" in out
    assert (str(study.start), str(study.end), study.protocol_id) == (
        "2026-12-01",
        "2027-11-30",
        "KL-01",
    )


def test_without_a_consent_file_the_study_gets_kratomlogs_own_text(run):
    from kratomlog.research.models import Study

    run("study", "create", "sleep-2027")
    text = Study.objects.get(name="sleep-2027").consent_text
    assert "sleep-2027" in text and "leave at any time" in text and "never your journal" in text


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["Bad Name"], "NAME"),
        (["taper-2027", "--start", "1 December"], "--start"),
        (["taper-2027", "--start", "2027-02-01", "--end", "2027-01-01"], "--end"),
        (["taper-2027", "--consent-file", "/no/such/file"], "--consent-file"),
    ],
)
def test_bad_input_gets_one_line_naming_the_field_and_nothing_is_written(run, args, field):
    from kratomlog.research.models import Study

    result = run("study", "create", *args, code=2)
    assert result.stderr.startswith(f"error: {field}") and len(result.stderr.splitlines()) == 1
    assert not Study.objects.exists()


def test_a_researcher_is_added_and_only_a_researcher(run, cast):
    from kratomlog.research.models import StudyResearcher

    run("study", "create", "taper-2027")
    out = run("study", "add-researcher", "taper-2027", "rao@clinic.test").stdout
    assert "rao@clinic.test is a researcher of taper-2027" in out
    assert StudyResearcher.objects.get().user == cast.researcher
    result = run("study", "add-researcher", "taper-2027", "lee@clinic.test", code=2)
    assert "is not a researcher" in result.stderr
    result = run("study", "add-researcher", "taper-2027", "nobody@clinic.test", code=2)
    assert "no account for" in result.stderr
