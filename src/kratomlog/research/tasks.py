"""The worker's side of the study page's download: write the export, zip it, mark it done.

Enqueued with `export_study.enqueue(export_id)` (django-tasks-db keeps the queue in the
database); a worker that dies mid-way leaves the row queued and no half-written archive.
"""

import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.tasks import task

from kratomlog.research.export import write_export
from kratomlog.research.models import StudyExport


def archive_dir() -> Path:
    path = Path(settings.DATA_DIR) / "research-exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


@task()
def export_study(export_id: int) -> str:
    """Write export `export_id` as a zip archive; returns its file name."""
    job = StudyExport.objects.select_related("study").get(id=export_id)
    if job.state == StudyExport.DONE:
        return Path(job.archive).name  # a task run twice writes nothing twice
    now = datetime.now(UTC)
    name = f"{job.study.name}-{job.id}-{job.format}"
    try:
        with tempfile.TemporaryDirectory(dir=archive_dir()) as scratch:
            written = write_export(
                job.study, Path(scratch) / name, job.format, now, actor=job.requested_by
            )
            made = shutil.make_archive(str(Path(scratch) / name), "zip", written.directory)
            final = archive_dir() / f"{name}.zip"
            Path(made).replace(final)  # whole or not at all
    except Exception as error:
        StudyExport.objects.filter(id=job.id).update(
            state=StudyExport.FAILED, finished_at=now, error=str(error)[:500]
        )
        raise
    StudyExport.objects.filter(id=job.id).update(
        state=StudyExport.DONE,
        finished_at=now,
        participants=written.participants,
        archive=str(final),
    )
    return final.name


@task()
def summarise_study(study_id: int) -> int:
    """Draw a study page's numbers (a large study takes minutes); returns the participants."""
    from kratomlog.research.models import Study
    from kratomlog.research.summary import store

    study = Study.objects.get(id=study_id)
    return store(study, datetime.now(UTC)).participants
