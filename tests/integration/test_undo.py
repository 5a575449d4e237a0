"""Undo reverses exactly the latest change made in this journal, and restores what it replaced."""

import json

from kratomlog.checkins.models import SleepDiary
from kratomlog.journal import transfer
from kratomlog.journal.models import Change, Person
from tests.integration.conftest import NOW
from tests.integration.test_cli_checkins import LAST_NIGHT


def source_export(kl, tmp_path):
    """Another journal's export: two doses, the later one edited (its latest change)."""
    other = Person.objects.create(timezone="Europe/Berlin", dose_unit="mg")
    from kratomlog.journal import services

    services.log_kratom(person=other, amount="2g", now=NOW, at="2026-11-20T08:00")
    logged = services.log_kratom(person=other, amount="3g", now=NOW, at="2026-11-21T08:00")
    services.edit_entry(person=other, entry_id=logged.entry.id, amount="4g", now=NOW)
    exported = transfer.export_json(other, NOW)
    other.delete()  # as if it were on another computer
    path = tmp_path / "theirs.json"
    path.write_text(json.dumps(exported))
    return path


def test_undo_after_a_json_import_removes_the_import_not_a_change_of_the_other_journal(
    kl, person, tmp_path
):
    kl("dose", "1g", "--at", "07:00")
    path = source_export(kl, tmp_path)
    assert "Imported 2 entries from theirs.json." in kl("import", "json", path).stdout
    assert sorted(e.grams for e in person.entries.filter(deleted=False)) == [1, 2, 4]
    assert "undid: imported 2 entries from theirs.json" in kl("undo").stdout
    assert [e.grams for e in person.entries.filter(deleted=False)] == [1]
    assert not person.changes.filter(summary="edited entry #2").exists()  # their history went too
    # the next undo is this journal's own latest change: the dose of 1 g
    assert "undid: logged 1 g kratom" in kl("undo").stdout
    assert not person.entries.filter(deleted=False).exists()
    # and the same file imports again in full
    assert "Imported 2 entries" in kl("import", "json", path).stdout


def test_undoing_a_json_import_into_an_empty_journal_gives_its_settings_back(kl, person, tmp_path):
    kl("config", "set", "unit", "g")
    kl("import", "json", source_export(kl, tmp_path))
    person.refresh_from_db()
    assert person.dose_unit == "mg"  # the export's unit came with it: a bare 500 is 500 mg
    kl("undo")
    person.refresh_from_db()
    assert (person.dose_unit, person.entries.count()) == ("g", 0)
    assert [(c.action, c.undone) for c in person.changes.order_by("id")] == [
        ("import", True),
        ("undo", False),
    ]


def test_the_other_journals_changes_are_kept_as_history_but_never_undone_here(kl, person, tmp_path):
    kl("import", "json", source_export(kl, tmp_path))
    entry = person.entries.get(grams=4)
    actions = [c.action for c in Change.objects.filter(entry=entry).order_by("at", "id")]
    assert actions == ["log", "edit"]  # its revisions came with it
    kl("undo")  # the import
    assert "there is nothing to undo" in kl("undo", code=2).stderr.replace("\n", " ")


def test_undoing_a_replaced_sleep_night_brings_the_earlier_diary_back(kl, person):
    kl("sleep", *LAST_NIGHT)
    kl("sleep", *LAST_NIGHT[:-2], "--quality", "5", "--replace")
    assert SleepDiary.objects.get(person=person, deleted=False).quality == 5
    kl("undo")
    [kept] = SleepDiary.objects.filter(person=person, deleted=False)
    assert kept.quality == 3  # the first version is back, not both gone
    kl("undo")
    assert not SleepDiary.objects.filter(person=person, deleted=False).exists()
