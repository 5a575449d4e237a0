"""The worker's side of the study page's download: write the export, zip it, mark it done.

Enqueued with `export_study.enqueue(export_id)` (django-tasks-db keeps the queue in the
database); a worker that dies mid-way leaves the row queued and no half-written archive.
"""

import shutil
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.tasks import task

from kratomlog.research.export import write_export
from kratomlog.research.models import StudyExport

if TYPE_CHECKING:
    from django.db.models import QuerySet

REMOVED = "removed"


# A study archive is served this long after it was written, then removed: a participant who
# leaves later must not stay in a file that anyone can still download.
ARCHIVE_LIFETIME = timedelta(days=30)


def remove_archives(exports: "QuerySet[StudyExport]", why: str) -> int:
    """Delete the archive files of `exports`; each row stays (state "removed", and why)."""
    removed = 0
    for job in exports.exclude(archive=""):
        Path(job.archive).unlink(missing_ok=True)
        StudyExport.objects.filter(id=job.id).update(state=REMOVED, archive="", error=why[:500])
        removed += 1
    return removed


def expire_archives(now: datetime | None = None) -> int:
    """Remove the archives written more than ARCHIVE_LIFETIME ago (the worker runs it)."""
    now = now or datetime.now(UTC)
    old = StudyExport.objects.filter(state=StudyExport.DONE, finished_at__lt=now - ARCHIVE_LIFETIME)
    return remove_archives(old, f"expired: archives are kept {ARCHIVE_LIFETIME.days} days")


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
