"""Import and export: a preview of every row before anything is written; downloads; delete all."""

import json
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import get_valid_filename
from django.views.decorators.http import require_POST

from kratomlog.core.errors import InputError
from kratomlog.core.formats import ImportRejected
from kratomlog.journal import transfer
from kratomlog.web.views.common import field, now, number, person_of

FORMAT_NAMES = {
    "csv": "kratomlog CSV",
    "pwjournal": "PsychonautWiki Journal (JSON)",
    "kratomtracker": "KratomTracker (JSON or CSV)",
    "teataper": "Tea Taper (JSON)",
    "json": "kratomlog JSON export",
}
ACCEPTED_SUFFIXES = (".csv", ".json", ".txt")
PREVIEW_ROWS = 20
CONFIRMATION = "delete everything"
UPLOADS = "uploads"


def transfer_page(
    request: HttpRequest, error: str | None = None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "web/transfer.html",
        {
            "formats": FORMAT_NAMES.items(),
            "max_mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024),
            "checkin_files": ["phq9", "gad7", "withdrawal", "craving", "sleep", "activities"],
            "error": error,
            "message": request.session.pop("message", None),
        },
        status=status,
    )


def transfer_home(request: HttpRequest) -> HttpResponse:
    return transfer_page(request)


UPLOAD_LIFETIME_SECONDS = 60 * 60  # a preview not imported within an hour is abandoned


def _upload_dir() -> Path:
    path = Path(settings.DATA_DIR) / UPLOADS
    path.mkdir(exist_ok=True)
    return path


def sweep_uploads(older_than: float = UPLOAD_LIFETIME_SECONDS) -> None:
    """Remove previewed uploads that were abandoned: each holds a whole file of the journal."""
    oldest = time.time() - older_than
    for path in _upload_dir().glob("*.txt"):
        try:
            if path.stat().st_mtime < oldest:
                path.unlink()
        except OSError:  # removed meanwhile by another request
            continue


def _forget_upload(request: HttpRequest) -> dict[str, str] | None:
    """The session's previewed upload, its file removed: a new upload replaces it."""
    upload = request.session.pop("upload", None)
    if upload:
        (_upload_dir() / f"{upload['ticket']}.txt").unlink(missing_ok=True)
    return upload


@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    """Read the file, show what would be imported and every bad row; write nothing yet."""
    person = person_of(request)
    kind = request.POST.get("format", "")
    sent = request.FILES.get("file")
    if kind not in FORMAT_NAMES:
        return transfer_page(
            request, f"format: choose one of {', '.join(FORMAT_NAMES.values())}", 400
        )
    if sent is None:
        return transfer_page(request, "file: choose a file to upload", 400)
    if not sent.name.lower().endswith(ACCEPTED_SUFFIXES):
        return transfer_page(request, f"file: {sent.name!r} is not a .csv, .json or .txt file", 400)
    if sent.size > settings.UPLOAD_MAX_BYTES:
        return transfer_page(
            request,
            f"file: {sent.name!r} is {sent.size / 1048576:.1f} MB; the most "
            f"is {settings.UPLOAD_MAX_BYTES // 1048576} MB (split it, or import it with the "
            f"command line, which takes any size)",
            413,
        )
    try:
        text = sent.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        return transfer_page(request, f"file: {sent.name!r} is not UTF-8 text", 400)
    strength = field(request, "grams_per_ml")
    try:
        grams_per_ml = number(strength, "grams per ml") if strength else None
    except InputError as error:
        return transfer_page(request, f"{error.field}: {error.problem}", 400)
    found = transfer.preview(
        person=person, kind=kind, text=text, now=now(), grams_per_ml=grams_per_ml
    )
    _forget_upload(request)
    sweep_uploads()
    ticket = ""
    if not found.errors and (found.new or found.updated):
        ticket = secrets.token_urlsafe(16)
        (_upload_dir() / f"{ticket}.txt").write_text(text, encoding="utf-8")
        request.session["upload"] = {
            "ticket": ticket,
            "kind": kind,
            "name": get_valid_filename(sent.name),
            "grams_per_ml": grams_per_ml,
        }
    return render(
        request,
        "web/import_preview.html",
        {
            "name": sent.name,
            "format": FORMAT_NAMES[kind],
            "preview": found,
            "rows": found.rows[:PREVIEW_ROWS],
            "more": max(0, len(found.rows) - PREVIEW_ROWS),
            "ticket": ticket,
        },
        status=200 if not found.errors else 400,
    )


@require_POST
def confirm_import(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    upload = request.session.get("upload")
    if not upload or upload["ticket"] != request.POST.get("ticket"):
        return transfer_page(request, "file: that upload is gone; upload it again", 400)
    del request.session["upload"]
    sweep_uploads()
    path = _upload_dir() / f"{upload['ticket']}.txt"
    try:
        result = transfer.import_text(
            person=person,
            kind=upload["kind"],
            text=path.read_text(encoding="utf-8"),
            name=upload["name"],
            now=now(),
            grams_per_ml=upload.get("grams_per_ml"),
        )
    except FileNotFoundError:  # abandoned too long, and swept away
        return transfer_page(request, "file: that upload is gone; upload it again", 400)
    except (ImportRejected, InputError) as rejected:
        return transfer_page(request, str(rejected), 400)
    finally:
        path.unlink(missing_ok=True)
    request.session["message"] = " ".join(result.summary(upload["name"], page=True))
    return HttpResponseRedirect(reverse("transfer"))


def export_json(request: HttpRequest) -> HttpResponse:
    data = transfer.export_json(person_of(request), now())
    response = HttpResponse(
        json.dumps(data, indent=1, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="kratomlog-{now().date()}.json"'
    return response


def export_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        transfer.export_csv(person_of(request)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="kratomlog-{now().date()}.csv"'
    return response


def export_checkins(request: HttpRequest, kind: str) -> HttpResponse:
    """One kind of check-in as a long-format CSV (a row an answer, or a measure for sleep)."""
    from django.http import Http404

    from kratomlog.checkins.transfer import export_checkins_csv

    files = export_checkins_csv(person_of(request))
    if kind not in files:
        raise Http404("no such kind of check-in")
    response = HttpResponse(files[kind], content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="kratomlog-{kind}-{now().date()}.csv"'
    return response


def delete_everything(request: HttpRequest) -> HttpResponse:
    """Offers the export first; deletes only when the confirmation is typed."""
    error = None
    if request.method == "POST":
        if request.POST.get("confirmation", "").strip().lower() == CONFIRMATION:
            transfer.delete_everything(person_of(request))
            request.session["message"] = "Everything in the journal has been deleted."
            return HttpResponseRedirect(reverse("today"))
        error = f"confirmation: type {CONFIRMATION!r} to delete the journal"
    return render(
        request,
        "web/delete_everything.html",
        {"confirmation": CONFIRMATION, "error": error},
        status=400 if error else 200,
    )
