"""An edit made here to an imported entry survives a re-import of the file it came from: a row
the app has not changed since is already there, whatever the person has changed here. A row the
app has changed since still updates the entry (the later edit wins), and the summary names each
entry whose edit made here it replaces; that edit stays in the entry's history, and undo brings
it back. Files are written as the apps write them (test_import_apps). The clock: Mon 23 Nov
2026 19:00 in Berlin."""

import json

import pytest

from kratomlog.journal import transfer
from kratomlog.journal.models import Entry
from tests.integration.conftest import NOW
from tests.integration.test_import_apps import KT_BACKUP, KT_CSV, MS, ingestion, pw_export, write

NOTHING_NEW = "Imported 0 entries from {}; 2 were already in the journal."


def kratomtracker(tmp_path, name="backup.json", first_dose=3.0):
    """A KratomTracker backup of two doses; the app has the first at `first_dose` grams."""
    backup = json.loads(json.dumps(KT_BACKUP))
    backup["dosages"][0]["amount"] = first_dose
    return write(tmp_path, name, backup)


def pwjournal(tmp_path, name="pw.json", first_dose=3.0):
    """A PsychonautWiki Journal export (Android) of two doses."""
    return write(
        tmp_path,
        name,
        pw_export(
            ingestion("Kratom", "2026-11-20T07:00:00+00:00", first_dose, "g"),
            ingestion("Kratom", "2026-11-21T08:30:00+00:00", 2.5, "g"),
        ),
    )


def first_entry(person) -> Entry:
    return person.entries.order_by("taken_at").first()


def listed(kl):
    """What `kratomlog entries` shows, one line a row."""
    return kl("entries", "--from", "2026-11-20").stdout


@pytest.mark.parametrize(
    ("change", "shown"),
    [
        (("--amount", "2.5g"), "2.5 g kratom"),
        (("--at", "2026-11-20T08:30"), "Fri 20 Nov 2026 08:30"),
        (("--note", "weighed again"), "weighed again"),
    ],
)
def test_an_edit_made_here_survives_the_same_kratomtracker_backup_again(
    kl, person, tmp_path, change, shown
):
    path = kratomtracker(tmp_path)
    assert "Imported 2 entries from backup.json." in kl("import", "kratomtracker", path).stdout
    entry = first_entry(person)
    kl("edit", entry.id, *change)
    out = kl("import", "kratomtracker", path).stdout
    assert NOTHING_NEW.format("backup.json") in out
    assert "updated" not in out and "Undo with" not in out
    assert shown in listed(kl)
    assert person.entries.count() == 2
    changes = list(person.changes.order_by("id").values_list("action", flat=True))
    assert changes == ["import", "edit"]  # the re-import is no change at all


def test_an_edit_made_here_survives_the_same_psychonautwiki_file_again(kl, person, tmp_path):
    path = pwjournal(tmp_path)
    assert "Imported 2 entries from pw.json." in kl("import", "pwjournal", path).stdout
    entry = first_entry(person)
    kl("edit", entry.id, "--amount", "2.5g")
    out = kl("import", "pwjournal", path).stdout
    assert NOTHING_NEW.format("pw.json") in out and "updated" not in out
    assert "2.5 g kratom" in listed(kl)
    entry.refresh_from_db()
    assert entry.grams == 2.5


def test_the_same_file_from_another_version_of_the_app_keeps_the_edit_too(kl, person, tmp_path):
    dose = ingestion("Kratom", "2026-11-20T07:00:00+00:00", 3.0, "g")
    kl("import", "pwjournal", write(tmp_path, "android.json", pw_export(dose)))
    kl("edit", first_entry(person).id, "--amount", "2.5g")
    ios = dict(dose, creationDate=dose["creationDate"] // MS * MS, endTime=None,
               consumerName=None, customUnitId=None, stomachFullness=None)  # fmt: skip
    out = kl("import", "pwjournal", write(tmp_path, "ios.json", pw_export(ios))).stdout
    assert "Imported 0 entries from ios.json; 1 was already in the journal." in out
    assert first_entry(person).grams == 2.5


def test_a_dose_the_app_changed_after_an_edit_here_takes_the_apps_and_says_so(kl, person, tmp_path):
    kl("import", "kratomtracker", kratomtracker(tmp_path))
    entry = first_entry(person)
    kl("edit", entry.id, "--amount", "2.5g")
    out = kl("import", "kratomtracker", kratomtracker(tmp_path, "later.json", 3.5)).stdout
    assert "Imported 0 entries from later.json; 1 updated (edited in the other app since); " in out
    assert (
        "1 entry you had edited here was changed again in the other app: the app's version is "
        "kept, yours is in its history (kratomlog revisions ID):" in out
    )
    assert f"  #{entry.id}, taken Fri 20 Nov 08:00 (dosage 1): amount 2.5 g to 3.5 g" in out
    assert "3.5 g kratom" in listed(kl)
    history = json.loads(kl("revisions", entry.id, "--json").stdout)
    assert [(c["action"], c["before"]["grams"], c["after"]["grams"]) for c in history] == [
        ("edit", 3.0, 2.5),  # the person's
        ("edit", 2.5, 3.5),  # the app's, later
    ]
    assert "2.5 g" in kl("revisions", entry.id).stdout
    # and that version of the file is now already there
    again = kl("import", "kratomtracker", kratomtracker(tmp_path, "later.json", 3.5)).stdout
    assert NOTHING_NEW.format("later.json") in again


def test_entries_edited_in_both_are_counted_with_the_plural_right(kl, person, tmp_path):
    kl("import", "pwjournal", pwjournal(tmp_path))
    first, second = person.entries.order_by("taken_at")
    kl("edit", first.id, "--amount", "2g")
    kl("edit", second.id, "--note", "mine")
    changed = write(
        tmp_path,
        "later.json",
        pw_export(
            ingestion("Kratom", "2026-11-20T07:00:00+00:00", 4.0, "g"),
            ingestion("Kratom", "2026-11-21T08:30:00+00:00", 3.0, "g"),
        ),
    )
    out = kl("import", "pwjournal", changed).stdout
    assert "2 updated" in out
    assert "2 entries you had edited here were changed again in the other app" in out
    assert "yours is in their history" in out
    assert (
        f'  #{first.id}, taken Fri 20 Nov 08:00 (experience "Tue", ingestion 1): amount 2 g to 4 g'
        in out
    )
    assert (
        f'  #{second.id}, taken Sat 21 Nov 09:30 (experience "Tue", ingestion 2): amount 2.5 g to 3 g; note changed'
        in out
    )


def test_a_change_in_the_app_alone_is_no_conflict(kl, person, tmp_path):
    kl("import", "kratomtracker", kratomtracker(tmp_path))
    out = kl("import", "kratomtracker", kratomtracker(tmp_path, "later.json", 3.5)).stdout
    assert "1 updated" in out and "you had edited here" not in out


def test_undo_after_the_apps_change_brings_back_the_persons_version(kl, person, tmp_path):
    path = kratomtracker(tmp_path)
    kl("import", "kratomtracker", path)
    entry = first_entry(person)
    kl("edit", entry.id, "--amount", "2.5g")
    kl("import", "kratomtracker", kratomtracker(tmp_path, "later.json", 3.5))
    kl("undo")
    assert "2.5 g kratom" in listed(kl)
    entry.refresh_from_db()
    assert entry.grams == 2.5
    # exactly as it was: the first file again is still already there, the edit kept
    out = kl("import", "kratomtracker", path).stdout
    assert NOTHING_NEW.format("backup.json") in out
    assert first_entry(person).grams == 2.5


def test_an_entry_imported_before_digests_were_kept_keeps_edits_after_its_next_import(
    kl, person, tmp_path
):
    path = kratomtracker(tmp_path)
    kl("import", "kratomtracker", path)
    person.entries.update(source_digest=None)  # as an older kratomlog imported them
    out = kl("import", "kratomtracker", path).stdout
    assert NOTHING_NEW.format("backup.json") in out  # compared by content, as before
    assert not person.entries.filter(source_digest=None).exists()  # and now remembered
    entry = first_entry(person)
    kl("edit", entry.id, "--amount", "2.5g")
    assert NOTHING_NEW.format("backup.json") in kl("import", "kratomtracker", path).stdout
    assert first_entry(person).grams == 2.5


def test_the_web_preview_names_an_entry_edited_in_both(kl, person, tmp_path):
    kl("import", "kratomtracker", kratomtracker(tmp_path))
    entry = first_entry(person)
    kl("edit", entry.id, "--amount", "2.5g")
    text = kratomtracker(tmp_path, "later.json", 3.5).read_text()
    found = transfer.preview(person=person, kind="kratomtracker", text=text, now=NOW)
    assert (found.new, found.updated) == (0, 1)
    assert any("1 entry you had edited here was changed again" in line for line in found.lines)
    assert "  taken Fri 20 Nov 08:00 (dosage 1): amount 2.5 g to 3.5 g" in found.lines
    entry.refresh_from_db()
    assert entry.grams == 2.5  # a preview writes nothing


def test_a_json_export_carries_what_the_apps_gave(kl, person, tmp_path):
    path = kratomtracker(tmp_path)
    kl("import", "kratomtracker", path)
    kl("edit", first_entry(person).id, "--amount", "2.5g")
    exported = tmp_path / "journal.json"
    kl("export", "json", "--output", exported)
    assert all(e["source_digest"] for e in json.loads(exported.read_text())["entries"])
    transfer.delete_everything(person)
    assert "Imported 2 entries from journal.json" in kl("import", "json", exported).stdout
    assert NOTHING_NEW.format("backup.json") in kl("import", "kratomtracker", path).stdout
    assert "2.5 g kratom" in listed(kl)


def test_undoing_an_edit_recorded_before_digests_were_kept_leaves_the_digest(kl, person, tmp_path):
    path = kratomtracker(tmp_path)
    kl("import", "kratomtracker", path)
    entry = first_entry(person)
    kl("edit", entry.id, "--amount", "2.5g")
    edit = person.changes.get(action="edit")
    for side in ("before", "after"):  # as an older kratomlog kept them
        del getattr(edit, side)["source_digest"]
    edit.save()
    assert "undid: edited entry" in kl("undo").stdout
    assert first_entry(person).grams == 3.0
    assert NOTHING_NEW.format("backup.json") in kl("import", "kratomtracker", path).stdout


def test_one_undo_reverses_an_import_that_added_and_updated_entries(kl, person, tmp_path):
    kl("import", "kratomtracker", kratomtracker(tmp_path))
    first = first_entry(person)
    kl("edit", first.id, "--amount", "2.5g")
    later = json.loads(kratomtracker(tmp_path, "later.json", 3.5).read_text())
    later["dosages"][1]["amount"] = 2.0
    later["dosages"].append(
        {"id": "d3", "strainId": "s1", "amount": 1.5, "timestamp": "2026-11-22T10:00:00.000"}
    )
    out = kl("import", "kratomtracker", write(tmp_path, "later.json", later)).stdout
    assert "Imported 1 entry from later.json; 2 updated (edited in the other app since)" in out
    assert "undid: imported 1 entry from later.json and updated 2" in kl("undo").stdout
    shown = listed(kl)
    assert "2.5 g kratom (powder, Red Bali)" in shown and "1.5 g" not in shown
    assert sorted(person.entries.values_list("grams", flat=True)) == [2.5, 2.5]
    history = json.loads(kl("revisions", first.id, "--json").stdout)
    assert [(c["after"]["grams"], c["undone"]) for c in history] == [(2.5, False), (3.5, True)]
    # the next undo is the person's own edit: nothing of the import is left to undo
    assert f"undid: edited entry #{first.id}" in kl("undo").stdout
    # and the file imports again as it did
    out = kl("import", "kratomtracker", write(tmp_path, "later.json", later)).stdout
    assert "Imported 1 entry from later.json; 2 updated" in out


@pytest.mark.parametrize(
    "change", [("--amount", "2.5g"), ("--at", "2026-11-20T08:30")], ids=["amount", "time"]
)
def test_an_edit_made_here_then_the_apps_csv_of_the_same_doses_adds_nothing(
    kl, person, tmp_path, change
):
    """The CSV has no ids: its doses are matched by what they were, and an edited entry is the
    dose the app gave, not a new one beside it (which would double a day's grams)."""
    kl("import", "kratomtracker", kratomtracker(tmp_path))
    edited = first_entry(person)
    kl("edit", edited.id, *change)
    out = kl("import", "kratomtracker", write(tmp_path, "doses.csv", KT_CSV)).stdout
    assert "Imported 0 entries from doses.csv; 2 were already in the journal." in out
    assert person.entries.count() == 2
    edited.refresh_from_db()  # the edit made here stands
    assert edited.grams == (2.5 if change[0] == "--amount" else 3.0)


def test_a_new_dose_like_an_edited_one_is_still_new_when_the_file_has_it_twice(
    kl, person, tmp_path
):
    """An entry edited and then edited back counts once: the file's second identical dose is a
    dose of its own."""
    kl("import", "kratomtracker", kratomtracker(tmp_path))
    entry = first_entry(person)
    kl("edit", entry.id, "--amount", "2.5g")
    kl("edit", entry.id, "--amount", "3g")
    twice = KT_CSV.replace(
        "\r\n2026-11-21", "\r\n2026-11-20,08:00,2026-11-20T08:00:00.000,RB,Red Bali,3.0,\r\n2026-11-21"
    )
    out = kl("import", "kratomtracker", write(tmp_path, "twice.csv", twice)).stdout
    assert "Imported 1 entry from twice.csv; 2 were already in the journal." in out
