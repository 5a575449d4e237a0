"""Text as apps really write it: an app that keeps text as UTF-16 and cuts a note in the middle
of an emoji writes half of it (an escape such as \\ud83d alone). The import keeps the rest of the
text, marks the broken character with U+FFFD and says so; a file nested past reading is refused
in one line. The clock: Mon 23 Nov 2026 19:00 in Berlin."""

import json

import pytest

from tests.integration.test_import_apps import KT_BACKUP, TEA, imported, ingestion, pw_export, write

HALF = "\ud83d"  # the first half of 😀 (\ud83d\ude00), alone


def kratomtracker_file():
    backup = json.loads(json.dumps(KT_BACKUP))
    backup["dosages"][0]["notes"] = f"felt it {HALF}"
    return backup


def pwjournal_file():
    export = pw_export(ingestion("Kratom", "2026-11-20T07:00:00+00:00", 3.0, "g", notes="calm"))
    export["experiences"][0]["title"] = f"Tue {HALF}"
    return export


def teataper_file():
    tea = json.loads(json.dumps(TEA))
    tea["days"]["2026-11-20"]["entries"][0]["note"] = f"strong {HALF}"
    return tea


@pytest.mark.parametrize(
    ("kind", "content"),
    [("kratomtracker", kratomtracker_file), ("pwjournal", pwjournal_file),
     ("teataper", teataper_file)],
)  # fmt: skip
def test_half_an_emoji_is_kept_as_the_replacement_character_and_said(
    kl, person, tmp_path, kind, content
):
    path = write(tmp_path, f"{kind}.json", content())
    assert "\\ud83d" in path.read_text()  # the escape, as the app writes it
    out = imported(kl, kind, path)
    assert "1 broken character (half of an emoji, cut by the app that wrote the file) kept as" in out
    notes = " ".join(person.entries.values_list("note", flat=True))
    assert "\ufffd" in notes and HALF not in notes
    assert "felt it \ufffd" in notes or "Tue \ufffd" in notes or "strong \ufffd" in notes


def test_a_whole_emoji_is_kept_as_it_is(kl, person, tmp_path):
    backup = json.loads(json.dumps(KT_BACKUP))
    backup["dosages"][0]["notes"] = "felt it \U0001f600"  # written as \ud83d\ude00, a pair
    out = kl("import", "kratomtracker", write(tmp_path, "kt.json", backup)).stdout
    assert "broken character" not in out
    assert person.entries.filter(note__contains="felt it \U0001f600").count() == 1


def test_a_kratomlog_export_with_half_a_character_is_refused_by_name(kl, person, tmp_path):
    kl("dose", "2g", "--at", "08:00")
    exported = tmp_path / "export.json"
    kl("export", "json", "--output", exported)
    document = json.loads(exported.read_text())
    document["entries"][0]["note"] = f"edited by hand {HALF}"
    exported.write_text(json.dumps(document))
    before = person.entries.count()
    failed = kl("import", "json", exported, code=2)
    assert "file: holds 1 half character (a lone \\ud800-\\udfff escape)" in failed.stderr
    assert person.entries.count() == before


@pytest.mark.parametrize("kind", ["kratomtracker", "pwjournal", "teataper", "json"])
def test_a_file_nested_past_reading_is_refused_in_one_line(kl, person, tmp_path, kind):
    path = write(tmp_path, "deep.json", "[" * 100_000 + "]" * 100_000)
    failed = kl("import", kind, path, code=2)
    assert failed.stderr.strip().endswith(
        "file: nested deeper than any app's export; not a file to import"
    ), failed.stderr
    assert "Traceback" not in failed.stderr and person.entries.count() == 0


def test_a_nul_character_or_a_name_past_its_column_is_named_and_nothing_imported(
    kl, person, tmp_path
):
    backup = json.loads(json.dumps(KT_BACKUP))
    backup["dosages"][1]["notes"] = "a\x00b"
    failed = kl("import", "kratomtracker", write(tmp_path, "kt.json", backup), code=2)
    assert "note: holds a NUL character (\\x00), which no text can; remove it" in failed.stderr
    export = pw_export(ingestion("y" * 300, "2026-11-20T07:00:00+00:00", 1, "mg"))
    failed = kl("import", "pwjournal", write(tmp_path, "pw.json", export), code=2)
    assert "name: longer than 200 characters" in failed.stderr
    assert person.entries.count() == 0


def test_an_identity_too_long_to_keep_whole_is_kept_as_its_digest(kl, person, tmp_path):
    """A creation time of 1e308 written out whole is 300 digits: still one record, the same
    in every export, so the second import adds nothing."""
    export = pw_export(ingestion("Kratom", "2026-11-20T07:00:00+00:00", 3.0, "g"))
    export["experiences"][0]["ingestions"][0]["creationDate"] = 1e308
    out = imported(kl, "pwjournal", write(tmp_path, "pw.json", export))
    assert "Imported 1 entry from pw.json." in out
    assert len(person.entries.get().source_key) <= 128


def test_a_kratomlog_export_with_a_nul_character_anywhere_is_refused_by_where(
    kl, person, tmp_path
):
    """PostgreSQL stores a NUL neither as text nor in JSON (a change's before and after)."""
    kl("dose", "2g", "--at", "08:00", "--note", "calm")
    exported = tmp_path / "export.json"
    kl("export", "json", "--output", exported)
    kl("undo")
    document = json.loads(exported.read_text())
    document["changes"][0]["after"]["note"] = "calm\x00"
    exported.write_text(json.dumps(document))
    failed = kl("import", "json", exported, code=2)
    assert "changes[0].after.note: holds a NUL character (\\x00)" in failed.stderr
    assert not person.entries.filter(deleted=False).exists()
