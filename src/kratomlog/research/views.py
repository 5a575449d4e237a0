"""The researcher's pages: their studies, a study's charts, and its exports to download.

Only the study's own researchers reach a study; anyone else (another study's researcher, a
clinician, an admin, a patient) gets 404, as for a study that does not exist.
"""

from datetime import UTC, datetime
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
from kratomlog.research.models import StudyExport
from kratomlog.research.summary import summarise
from kratomlog.research.tasks import export_study


def studies(request: HttpRequest) -> HttpResponse:
    found = services.studies_of_researcher(request.user)
    return render(request, "research/studies.html", {"studies": found})


def study_page(request: HttpRequest, name: str) -> HttpResponse:
    study = services.study_for_researcher(request.user, name)
    now = datetime.now(UTC)
    summary = summarise(study, now)
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
            "charts": study_charts(summary),
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
