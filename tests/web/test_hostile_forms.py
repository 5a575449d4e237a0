"""Hostile input through the web: the form again with one message naming the field, nothing
written; a form saved whole or not at all; no server path opened; no page kept in a cache."""

import json
import os
import re
import time
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings

from kratomlog.journal.models import Entry
from kratomlog.plans.models import PlanVersion
from tests.integration.journal_state import export_document, state
from tests.integration.test_robust_reading import poison
from tests.web.conftest import htmx

PLAN_TOML = 'name = "weekends"\n[[rule]]\nkind = "max_use_days"\nmax = 2\nwindow_days = 7\n'


def text(response) -> str:
    """The page as read: tags out, entities decoded."""
    return unescape(re.sub(r"<[^>]+>", "", response.content.decode()))


def test_a_settings_form_with_one_bad_field_saves_none_of_it(kl, signed_in, person):
    before = (person.timezone, person.dose_unit)
    response = signed_in.post("/settings/save", {"timezone": "Asia/Tokyo", "dose_unit": "kg"})
    assert response.status_code == 400 and "unit: 'kg': use one of g, mg" in text(response)
    person.refresh_from_db()
    assert (person.timezone, person.dose_unit) == before  # not Tokyo: nothing of the form saved


def test_the_preset_field_takes_a_preset_name_never_a_path_on_the_server(
    kl, signed_in, person, tmp_path
):
    plan_file = tmp_path / "plan.toml"
    plan_file.write_text(PLAN_TOML)
    for value in (str(plan_file), "/etc/passwd", "../../secret_key"):
        response = signed_in.post("/plan/preset", {"preset": value})
        assert response.status_code == 400
        assert f"preset: '{value}' is not a preset; choose occasional" in text(response)
    assert not PlanVersion.objects.filter(person=person).exists()


def test_a_plan_file_is_uploaded_instead(kl, signed_in, person, tmp_path):
    plan_file = tmp_path / "weekends.toml"
    plan_file.write_text(PLAN_TOML)
    with plan_file.open("rb") as upload:
        asked = signed_in.post("/plan/preset", {"plan_file": upload, "start": ""})
    assert "Set “weekends” from 2026-11-23?" in text(asked)
    assert not PlanVersion.objects.filter(person=person).exists()  # nothing until the yes
    fields = dict(re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', asked.content.decode()))
    done = signed_in.post("/plan/preset", {k: unescape(v) for k, v in fields.items()}, follow=True)
    assert "Plan “weekends” is in force from 2026-11-23." in text(done)
    binary = tmp_path / "plan.toml"
    binary.write_bytes(bytes(range(256)))
    with binary.open("rb") as upload:
        refused = signed_in.post("/plan/preset", {"plan_file": upload})
    assert refused.status_code == 400 and "plan file: not a plan file" in text(refused)
    assert PlanVersion.objects.filter(person=person).count() == 1


FORMS = [
    (
        "/log/dose",
        {"amount": "3g", "at": "0001-01-01T00:00"},
        "When: '0001-01-01T00:00' is out of range",
    ),
    ("/log/dose", {"amount": "3g", "at": "2026-03-29T02:30"}, "When: 2026-03-29 02:30 does not"),
    ("/log/dose", {"amount": "1,000mg"}, "Amount: '1,000mg' is ambiguous"),
    ("/log/dose", {"amount": "9" * 400 + "g"}, "Amount: inf is out of range"),
    ("/log/other", {"name": "x" * 50_001}, "Name: give the substance's name"),
    ("/settings/save", {"timezone": "Europe/" + "x" * 300}, "timezone: "),
    ("/settings/product", {"name": "P", "grams_per_capsule": "nan"}, "grams per capsule: 'nan'"),
    ("/settings/product", {"name": "P", "grams_per_capsule": "1e308"}, "grams per capsule: '1e3"),
    (
        "/plan/custom",
        {
            "max_use_days-use": "on",
            "max_use_days-max": "1",
            "max_use_days-window_days": "1" + "0" * 9,
        },
        "Rule 1, in any ... days: 1000000000 is out of range",
    ),
    (
        "/plan/taper",
        {"from": "8", "step": "1", "every": "1000000000", "start": "2026-11-23"},
        "Every (days): 1000000000 is out of range",
    ),
    ("/plan/taper", {"from": "inf", "step": "1", "every": "7"}, "Start at (grams a day): 'inf' is not a number"),
    ("/plan/taper", {"from": "8", "step": "1", "every": "nan"}, "Every (days): 'nan' is not a whole"),
    ("/plan/preset", {"preset": "occasional", "start": "9999-12-31"}, "Start: 9999-12-31 is out"),
    ("/checkin/phq9", {f"item-{i}": "²" for i in range(9)}, "item 1: choose an answer"),
    ("/activity", {"kind": "exercise", "minutes": "99999999999999999999"}, "Minutes: "),
    ("/activity", {"kind": "exercise", "minutes": "²"}, "minutes: '²' is not a whole number"),
    (
        "/sleep",
        {
            "bed": "23:00",
            "tried": "23:10",
            "sol": "10",
            "wakes": "²",
            "waso": "5",
            "final": "06:00",
            "up": "06:30",
            "quality": "3",
        },
        "Awakenings: '²' is not a whole number",
    ),
    (
        "/sleep",
        {
            "bed": "23:00",
            "tried": "23:10",
            "sol": "10",
            "wakes": "1",
            "waso": "5",
            "final": "06:00",
            "up": "06:30",
            "quality": "3",
            "night": "9999-12-31",
        },
        "Night: 9999-12-31 is out of range",
    ),
]


@pytest.mark.parametrize(("path", "data", "expected"), FORMS, ids=[f[2][:30] for f in FORMS])
def test_a_bad_value_in_a_form_shows_the_form_again_with_one_message(
    kl, signed_in, path, data, expected
):
    kl("dose", "2g", "--at", "08:00")
    before = state()
    response = signed_in.post(path, data)
    assert response.status_code == 400, response.status_code
    assert expected in text(response), text(response)[:2000]
    assert state() == before


def test_an_uploaded_json_export_with_an_invalid_uid_is_shown_and_writes_nothing(
    kl, signed_in, tmp_path
):
    document = export_document()
    document["entries"][0]["uid"] = "not-a-uid"
    path = tmp_path / "export.json"
    path.write_text(json.dumps(document))
    before = state()
    with path.open("rb") as upload:
        response = signed_in.post("/transfer/upload", {"format": "json", "file": upload})
    assert response.status_code == 400
    assert "entries[0].uid: 'not-a-uid' is not a uid" in text(response)
    assert state() == before


def uploads() -> list[Path]:
    return sorted((Path(settings.DATA_DIR) / "uploads").glob("*.txt"))


def upload_csv(client, tmp_path, rows: int = 1) -> str:
    path = tmp_path / "mine.csv"
    path.write_text(
        "time,substance,amount,unit\n"
        + "".join(f"2026-11-{10 + n}T10:00,kratom,{n + 1},g\n" for n in range(rows))
    )
    with path.open("rb") as upload:
        preview = client.post("/transfer/upload", {"format": "csv", "file": upload})
    return re.search(r'name="ticket" value="([^"]+)"', preview.content.decode()).group(1)


def test_previewed_uploads_are_removed_once_imported_or_abandoned(kl, signed_in, tmp_path):
    for leftover in uploads():
        leftover.unlink()
    first = upload_csv(signed_in, tmp_path, 1)
    assert [p.stem for p in uploads()] == [first]
    second = upload_csv(signed_in, tmp_path, 2)  # the first preview is abandoned
    assert [p.stem for p in uploads()] == [second]
    stale = Path(settings.DATA_DIR) / "uploads" / "from-another-session.txt"
    stale.write_text("time,substance,amount,unit\n")
    hours_ago = time.time() - 2 * 60 * 60
    os.utime(stale, (hours_ago, hours_ago))
    signed_in.post("/transfer/import", {"ticket": second})
    assert uploads() == []  # imported, and the one abandoned hours ago swept away


@pytest.mark.parametrize(
    "path",
    ["/", "/history", "/plan", "/checkins", "/transfer", "/settings", "/export.json",
     "/export.csv", "/export-phq9.csv", "/checkins/schedule.ics", "/welcome", "/sw.js"],
)  # fmt: skip
def test_every_page_and_download_of_the_journal_is_never_stored_in_a_cache(signed_in, path):
    response = signed_in.get(path)
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]


def test_static_files_may_be_cached(signed_in):
    response = signed_in.get("/static/web/app.css")
    assert "no-store" not in response.headers.get("Cache-Control", "")


@pytest.mark.parametrize(
    "path", ["/", "/history?range=all", "/history?range=365", "/checkins", "/plan", "/settings"]
)
def test_every_page_reads_a_journal_poisoned_before_values_were_checked(
    kl, signed_in, person, path
):
    poison(person)
    assert signed_in.get(path).status_code == 200


def test_an_entry_with_an_impossible_amount_or_time_can_be_opened_and_deleted(
    kl, signed_in, person
):
    made = poison(person)
    for entry in (made["infinite"], made["year one"], made["year 9999"]):
        assert signed_in.get(f"/entries/{entry.id}/edit").status_code == 200
        signed_in.post(f"/entries/{entry.id}/delete")
    assert Entry.objects.filter(id=made["infinite"].id, deleted=True).exists()


def test_a_page_that_fails_is_logged_with_its_report(kl, person, monkeypatch):
    from django.test import Client
    from django.utils import timezone

    from kratomlog.web.login import new_link
    from kratomlog.web.views import today

    def broken(*args, **kwargs):
        raise RuntimeError("a fault in the Today page")

    client = Client(raise_request_exception=False)
    client.get(f"/login/{new_link(person, timezone.now())}")
    monkeypatch.setattr(today, "today_context", broken)
    log = Path(settings.DATA_DIR) / "kratomlog.log"
    before = log.read_text() if log.exists() else ""
    response = client.get("/")
    assert response.status_code == 500 and b"Something went wrong" in response.content
    written = log.read_text()[len(before) :]
    assert "ERROR django.request: Internal Server Error: /" in written
    assert "Traceback" in written and "RuntimeError: a fault in the Today page" in written


def test_htmx_logging_still_answers_200_with_the_message(kl, signed_in):
    response = htmx(signed_in, "/log/dose", {"amount": "1,000mg"})
    assert response.status_code == 200 and "ambiguous" in text(response)
