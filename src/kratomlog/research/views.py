"""The researcher's pages: their studies, a study's charts, and its exports to download.

Only the study's own researchers reach a study; anyone else (another study's researcher, a
clinician, an admin, a patient) gets 404, as for a study that does not exist.
"""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kratomlog.clinic import audit
from kratomlog.clinic.models import RESEARCHER
from kratomlog.research import services
from kratomlog.research.charts import study_charts
from kratomlog.research.export import FORMATS
from kratomlog.research.models import Study, StudyExport
from kratomlog.research.summary import StudySummary, from_json, store
from kratomlog.research.tasks import (
    ARCHIVE_LIFETIME,
    export_study,
    remove_archives,
    summarise_study,
)

FRESH = timedelta(hours=1)  # numbers drawn within the hour are shown as they are
DRAW_HERE = 200  # up to this many participants the page draws its numbers itself (seconds)


def current_summary(study: Study, now: datetime) -> tuple[StudySummary | None, datetime | None]:
    """The study's numbers: kept ones if fresh; else drawn now for a small study, or asked of
    the worker for a large one (the page then shows the last ones kept, if any)."""
    if study.summary is not None and study.summary_at and now - study.summary_at < FRESH:
        return from_json(study.summary), study.summary_at
    if services.active_participants(study).count() <= DRAW_HERE:
        return store(study, now), now
    asked = study.summary_asked_at
    if asked is None or now - asked > FRESH:
        Study.objects.filter(id=study.id).update(summary_asked_at=now)
        summarise_study.enqueue(study.id)
    kept = from_json(study.summary) if study.summary is not None else None
    return kept, study.summary_at


def studies(request: HttpRequest) -> HttpResponse:
    found = services.studies_of_researcher(request.user)
    return render(request, "research/studies.html", {"studies": found})


def study_page(request: HttpRequest, name: str) -> HttpResponse:
    study = services.study_for_researcher(request.user, name)
    now = datetime.now(UTC)
    summary, drawn_at = current_summary(study, now)
    audit.record(
        action="read",
        actor=request.user,
        role=RESEARCHER,
        what=request.path,
        address=audit.client_address(request),
        at=now,
    )
    exports = study.exports.order_by("-requested_at", "-id")[:10]
    return render(
        request,
        "research/study.html",
        {
            "study": study,
            "summary": summary,
            "drawn_at": drawn_at,
            "charts": study_charts(summary) if summary else [],
            "exports": exports,
            "formats": FORMATS,
        },
    )


@require_POST
def request_export(request: HttpRequest, name: str) -> HttpResponse:
    study = services.study_for_researcher(request.user, name)
    fmt = request.POST.get("format", "")
    if fmt not in FORMATS:
        raise Http404
    job = StudyExport.objects.create(
        study=study, requested_by=request.user, format=fmt, requested_at=datetime.now(UTC)
    )
    export_study.enqueue(job.id)
    return HttpResponseRedirect(reverse("research-study", args=[study.name]) + "#exports")


def download(request: HttpRequest, name: str, export_id: int) -> FileResponse:
    study = services.study_for_researcher(request.user, name)
    job = study.exports.filter(id=export_id, state=StudyExport.DONE).first()
    if job is not None and job.finished_at < datetime.now(UTC) - ARCHIVE_LIFETIME:
        remove_archives(study.exports.filter(id=job.id), "expired")
        job = None
    if job is None or not Path(job.archive).is_file():
        raise Http404
    audit.record(
        action="export",
        actor=request.user,
        role=RESEARCHER,
        what=request.path,
        address=audit.client_address(request),
    )
    return FileResponse(
        Path(job.archive).open("rb"),
        as_attachment=True,
        filename=Path(job.archive).name,
        content_type="application/zip",
    )
