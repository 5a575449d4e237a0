"""The researcher's study page: charts with text alternatives, exports asked for and downloaded,
and nobody but the study's own researchers gets in."""

import re

import pytest

from tests.clinic.conftest import NOW
from tests.clinic.helpers_r11 import make_study, signed_in


@pytest.fixture
def study(cast):
    return make_study(cast)


def test_the_study_page_draws_each_chart_with_its_words_and_numbers(cast, study, client):
    page = signed_in(client, cast.researcher).get("/research/taper-2027/")
    assert page.status_code == 200
    html = page.content.decode()
    for title in (
        "Enrollment over time",
        "Retention",
        "Taper adherence",
        "PHQ-9 trajectory",
        "Withdrawal trajectory",
        "Dose sizes",
    ):
        assert f"<strong>{title}.</strong>" in html, title
    assert html.count("<svg") == 6 and html.count('role="img"') == 6
    assert "2 participants whose research consent held when these numbers were drawn" in html
    # PHQ-9: A (6) and B (6) in week 0, both participants: a mean of 6 with no spread.
    assert "Mean PHQ-9 total (0-27) by week since enrollment" in html
    assert "6.0 (6.0 to 6.0, 2 participants) in week 0" in html
    assert "ana@example.org" not in html and "Ana Marquez" not in html
    assert "style=" not in html  # the Content Security Policy forbids inline styles


def test_retention_counts_weeks_with_any_record_among_those_enrolled_long_enough(cast, study):
    from kratomlog.research.summary import summarise

    summary = summarise(study.study, NOW)
    # Whole weeks: A has days 0-28 (weeks 0-3), B days 0-14 (weeks 0-1); both record daily.
    assert [(w, n) for w, n, _ in summary.retention] == [(0, 2), (1, 2), (2, 1), (3, 1)]
    assert [share for _, _, share in summary.retention] == [1.0] * 4
    assert summary.enrolled_by_week[-1][1] == 2
    assert sum(n for _, n in summary.dose_sizes) == 42 + 21
    assert dict(summary.dose_sizes)[1.0] == 14 + 7  # the 1.5 g evening doses, every other day


@pytest.mark.parametrize("who", ["clinician_a", "admin", "other_researcher"])
def test_anyone_but_the_studys_researchers_gets_404(cast, study, client, who):
    from kratomlog.clinic import people

    if who == "other_researcher":
        from kratomlog.research import services

        user, _ = people.add_staff(email="vo@clinic.test", role="researcher", now=NOW)
        services.add_researcher(study.other, user, NOW)
    else:
        user = getattr(cast, who)
    signed_in(client, user)
    for path in ("/research/taper-2027/", "/research/no-such-study/"):
        assert client.get(path).status_code == 404
    assert client.post("/research/taper-2027/exports", {"format": "csv"}).status_code == 404


def test_a_patient_gets_404_on_the_study_page(cast, study, client):
    client.force_login(cast.patient_a.user)
    assert client.get("/research/taper-2027/").status_code == 404
    assert client.get("/research/").status_code == 404


def test_an_export_asked_for_on_the_page_is_written_by_the_task_and_downloaded(cast, study, client):
    from django_tasks_db.models import DBTaskResult

    from kratomlog.research.models import StudyExport
    from kratomlog.research.tasks import export_study

    signed_in(client, cast.researcher)
    response = client.post("/research/taper-2027/exports", {"format": "csv"})
    assert response.status_code == 302
    job = StudyExport.objects.get()
    assert (
        job.state == "queued" and DBTaskResult.objects.filter(args_kwargs__args=[job.id]).exists()
    )
    page = client.get("/research/taper-2027/").content.decode()
    assert "queued" in page and "Download" in page
    export_study.call(job.id)  # what the worker does
    page = client.get("/research/taper-2027/").content.decode()
    link = re.search(r'href="(/research/taper-2027/exports/\d+)"', page).group(1)
    download = client.get(link)
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert b"".join(download.streaming_content)[:2] == b"PK"
    signed_in(client, cast.clinician_a)
    assert client.get(link).status_code == 404


def test_a_large_studys_numbers_are_drawn_by_the_worker_and_kept(cast, study, client, monkeypatch):
    from django_tasks_db.models import DBTaskResult

    from kratomlog.research import views
    from kratomlog.research.tasks import summarise_study

    monkeypatch.setattr(views, "DRAW_HERE", 1)  # two participants count as a large study here
    signed_in(client, cast.researcher)
    html = client.get("/research/taper-2027/").content.decode()
    assert "The clinic's worker is drawing this study's numbers" in html and "<svg" not in html
    client.get("/research/taper-2027/")  # asked once, not again on every reload
    assert DBTaskResult.objects.filter(task_path__endswith="summarise_study").count() == 1
    assert summarise_study.call(study.study.id) == 2
    html = client.get("/research/taper-2027/").content.decode()
    assert html.count("<svg") == 6 and "6.0 (6.0 to 6.0, 2 participants) in week 0" in html


def _written_archive(client, cast):
    from kratomlog.research.models import StudyExport
    from kratomlog.research.tasks import export_study

    signed_in(client, cast.researcher)
    assert client.post("/research/taper-2027/exports", {"format": "csv"}).status_code == 302
    job = StudyExport.objects.latest("id")
    export_study.call(job.id)  # what the worker does
    job.refresh_from_db()
    link = f"/research/taper-2027/exports/{job.id}"
    assert client.get(link).status_code == 200
    return job, link


def test_an_archive_is_removed_when_a_participant_leaves(
    cast, study, client, django_capture_on_commit_callbacks
):
    from pathlib import Path

    from kratomlog.research import services

    job, link = _written_archive(client, cast)
    with django_capture_on_commit_callbacks(execute=True):
        services.leave(user=cast.patient_a.user, name="taper-2027", now=NOW)
    assert not Path(job.archive).exists()
    assert client.get(link).status_code == 404
    job.refresh_from_db()
    assert (job.state, job.error) == ("removed", "removed: a participant left the study")


def test_an_archive_expires_after_30_days(cast, study, client, clock):
    from datetime import timedelta
    from pathlib import Path

    from kratomlog.research.tasks import expire_archives

    job, link = _written_archive(client, cast)
    clock.move_to(NOW + timedelta(days=29))
    signed_in(client, cast.researcher)  # staff sessions idle out long before
    assert expire_archives() == 0 and client.get(link).status_code == 200
    clock.move_to(NOW + timedelta(days=30, minutes=1))
    signed_in(client, cast.researcher)
    assert expire_archives() == 1
    assert not Path(job.archive).exists() and client.get(link).status_code == 404
