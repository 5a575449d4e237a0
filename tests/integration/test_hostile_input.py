"""Hostile input through the CLI: one line naming the field and the accepted form, exit 2, and
the journal exactly as it was. Each case here once gave a traceback or poisoned the journal."""

import json

import pytest

from kratomlog.journal import transfer
from kratomlog.journal.models import Person
from tests.integration.conftest import NOW
from tests.integration.journal_state import export_document, state

NIGHT = ("--bed", "23:00", "--tried", "23:10", "--sol", "10", "--wakes", "1", "--waso", "5")
MORNING = ("--final", "06:00", "--up", "06:30", "--quality", "3")


def files(tmp_path):
    binary = tmp_path / "plan.bin"
    binary.write_bytes(bytes(range(256)) * 4)
    not_tables = tmp_path / "not-tables.toml"
    not_tables.write_text('name = "x"\nrule = [1, 2]\n')
    huge_window = tmp_path / "huge-window.toml"
    huge_window.write_text(
        'name = "x"\n[[rule]]\nkind = "max_use_days"\nmax = 1\nwindow_days = 1000000000\n'
    )
    nul_name = tmp_path / "nul-name.toml"
    nul_name.write_text('name = "a\\u0000b"\n[[rule]]\nkind = "no_use"\n')
    nul_rule = tmp_path / "nul-rule.toml"
    nul_rule.write_text('name = "x"\n[[rule]]\nkind = "no_use"\nid = "r\\u0000"\n')
    nul_resources = tmp_path / "resources.txt"
    nul_resources.write_text("Line\x00 | 123\n")
    return {"binary": binary, "not_tables": not_tables, "huge_window": huge_window,
            "nul_name": nul_name, "nul_rule": nul_rule, "nul_resources": nul_resources}


CASES = [
    (("substance", "x" * 50_001), "error: NAME: give the substance's name (at most 200"),
    (("config", "set", "timezone", "Europe/" + "x" * 300), "error: timezone: "),
    (("checkin", "phq9", "--answers", "²,0,0,0,0,0,0,0,0"), "error: --answers: answer 1 is '²'"),
    (("checkin", "phq9", "--answers", "9" * 5000 + ",0,0,0,0,0,0,0,0"), "error: --answers: "),
    (("activity", "exercise", "--minutes", "99999999999999999999"), "error: --minutes: "),
    (("sleep", *NIGHT, *MORNING, "--night", "9999-12-31"), "error: --night: 9999-12-31 is out"),
    (("sleep", *NIGHT[:7], str(10**20), *NIGHT[8:], *MORNING), "error: --wakes: "),
    (("plan", "set", "{binary}"), "error: PRESET|FILE: "),
    (("plan", "set", "{not_tables}"), "error: rule 1: must be a table"),
    (("plan", "set", "{huge_window}"), "error: rule 1.window_days: 1000000000 is out of range"),
    (("plan", "set", "occasional", "--start", "9999-12-31"), "error: --start: 9999-12-31 is out"),
    (("plan", "taper", "--from", "8", "--step", "1", "--every", "1000000000"), "error: --every: "),
    (("plan", "taper", "--from", "nan", "--step", "1", "--every", "7"), "error: --from: "),
    (("plan", "taper", "--from", "20", "--step", "0.1", "--every", "30"), "error: --step: "),
    (("export", "json", "--output", "/nonexistent/x"), "error: --output: cannot write"),
    (("due", "--ics", "{tmp}"), "error: --ics: "),
    (("dose", "3g", "--at", "0001-01-01T00:00Z"), "error: --at: '0001-01-01T00:00Z' is out of range"),
    (("dose", "3g", "--at", "2026-03-29T02:30"), "error: --at: 2026-03-29 02:30 does not exist"),
    (("dose", "3g", "--at", "2026-10-25T02:30"), "error: --at: 2026-10-25 02:30 happens twice"),
    (("dose", "1,000mg"), "error: AMOUNT: '1,000mg' is ambiguous"),
    (("dose", "9" * 400 + "g"), "error: AMOUNT: inf is out of range"),
    (("dose", "2000g", "--confirm-high"), "error: AMOUNT: 2000 g is over 1000 g"),
    (("magnesium", "9" * 400 + "mg"), "error: AMOUNT: inf is out of range"),
    (("substance", "beer", "9" * 400 + " bottles"), "error: AMOUNT: inf is out of range"),
    (("product", "set", "P", "--grams-per-capsule", "nan"), "error: --grams-per-capsule: nan"),
    (("product", "set", "P", "--grams-per-teaspoon", "inf"), "error: --grams-per-teaspoon: inf"),
    (("product", "set", "P", "--vendor", "v" * 201), "error: --vendor: too long"),
    (("dose", "3g", "--purpose", "p" * 201), "error: --purpose: too long"),
    (("history", "--from", "0001-01-01"), "error: --from: 0001-01-01 is out of range"),
    (("history", "--from", "2000-01-01", "--to", "2026-11-23"), "error: --from: 2000-01-01 to"),
    (("demo", "--days", "1000000000"), "error: --days: 1000000000 is out of range"),
    (("serve", "--port", "70000"), "error: --port: 70000 is not a port"),
    (("import", "csv", "{tmp}"), "error: nothing imported: FILE: cannot read"),
    (("config", "set", "crisis-resources", "{binary}"), "error: VALUE: cannot read"),
    # PostgreSQL stores a NUL neither as text nor in JSON: refused where it is, on both.
    (("plan", "set", "{nul_name}"), "error: name: holds a NUL character (\\x00)"),
    (("plan", "set", "{nul_rule}"), "error: rule 1.id: holds a NUL character (\\x00)"),
    (("config", "set", "crisis-resources", "{nul_resources}"),
     "error: crisis resources: holds a NUL character"),
]


@pytest.mark.parametrize(("args", "expected"), CASES, ids=[" ".join(a)[:40] for a, _ in CASES])
def test_bad_input_gets_one_line_exit_2_and_writes_nothing(kl, tmp_path, args, expected):
    kl("dose", "2g", "--at", "08:00")
    paths = {**files(tmp_path), "tmp": tmp_path}
    before = state()
    result = kl(*(arg.format(**paths) if "{" in arg else arg for arg in args), code=2)
    assert result.stderr.startswith(expected), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.output
    assert state() == before


def test_edit_takes_a_bare_number_in_the_journals_unit_as_dose_does(kl, person):
    kl("config", "set", "unit", "g")
    kl("dose", "2", "--at", "08:00")
    entry = person.entries.get()
    kl("edit", entry.id, "--amount", "3")
    entry.refresh_from_db()
    assert (entry.amount, entry.unit, entry.grams) == (3, "g", 3)


def import_file(kl, tmp_path, document, code):
    path = tmp_path / "export.json"
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    return kl("import", "json", path, code=code)


def test_a_hand_written_export_imports(kl, person, tmp_path):
    assert (
        "Imported 1 entry from export.json."
        in import_file(kl, tmp_path, export_document(), 0).stdout
    )
    assert person.entries.get().grams == 3


def spoil(path: str, value):
    def spoiled() -> dict:
        document = export_document()
        *parents, key = path.split(".")
        target = document
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[key] = value
        return document

    return spoiled


def duplicated(section: str):
    def spoiled() -> dict:
        document = export_document()
        document[section].append(dict(document[section][0]))
        return document

    return spoiled


JSON_CASES = [
    (spoil("entries.0.uid", "not-a-uid"), "entries[0].uid: 'not-a-uid' is not a uid"),
    (spoil("entries.0.uid", 42), "entries[0].uid: 42 is not a uid"),
    (duplicated("entries"), "entries[1].uid: 7d0c1b5e-9a51-4c1e-8a59-0c6f0f1a2b3c appears twice"),
    (duplicated("changes"), "changes[1].uid: 0e9d8c7b-6a5f-4e3d-8c2b-1a0f9e8d7c6b appears twice"),
    (spoil("changes.0.undone", "no"), "changes[0].undone: 'no' is not true or false"),
    (spoil("entries.0.taken_at", "0001-01-01T00:00:00+00:00"), "entries[0].taken_at: 0001-01-01"),
    (spoil("entries.0.taken_at", "2026-11-20T09:00"), "entries[0].taken_at: '2026-11-20T09:00' is"),
    (
        spoil("entries.0.local_day", "9999-12-31"),
        "entries[0].local_day: 9999-12-31 is out of range",
    ),
    (spoil("entries.0.grams", float("inf")), "entries[0].grams: inf is out of range"),
    (spoil("entries.0.amount", 1e308), "entries[0].amount: 1e+308 is out of range"),
    (spoil("entries.0.substance", "cake"), "entries[0].substance: 'cake'; use one of"),
    (spoil("entries.0.timezone", "Mars/Base"), "entries[0].timezone: 'Mars/Base' is not an IANA"),
    (spoil("entries.0.name", "n" * 201), "entries[0].name: too long"),
    (spoil("plans.0.rules.0.window_days", 10**9), "plans[0].rule 1.window_days: 1000000000 is"),
    (spoil("plans.0.start", "0001-01-01"), "plans[0].start: 0001-01-01 is out of range"),
    (spoil("person.timezone", "x" * 300), "person.timezone: "),
    (spoil("person.dose_unit", "kg"), "person.dose_unit: 'kg'; use one of g, mg, capsule"),
    (spoil("changes.0.at", "1e20"), "changes[0].at: '1e20' is not a time"),
    (spoil("checkins", [{"uid": "x"}]), "checkins[0].instrument: missing"),
    (spoil("crisis_resources", "no bar here"), "crisis_resources: "),
    (spoil("entries", {"not": "a list"}), "entries: missing or not a list"),
    (lambda: "[" * 100_000, "file: nested deeper than any app's export"),
]


@pytest.mark.parametrize(("document", "expected"), JSON_CASES, ids=[e[:30] for _, e in JSON_CASES])
def test_a_damaged_json_export_names_its_first_bad_value_and_adds_nothing(
    kl, tmp_path, document, expected
):
    kl("dose", "2g", "--at", "08:00")
    before = state()
    result = import_file(kl, tmp_path, document(), 2)
    assert result.stderr.strip().startswith(f"error: nothing imported: {expected}"), result.stderr
    assert "Traceback" not in result.output
    assert state() == before


def test_a_json_export_whose_records_belong_to_another_journal_here_is_refused(kl, person):
    text = json.dumps(export_document())
    transfer.import_json(person=person, text=text, now=NOW, name="theirs.json")
    other = Person.objects.create(timezone="UTC")
    before = state()
    with pytest.raises(transfer.ImportRejected, match="belong to another journal"):
        transfer.import_json(person=other, text=text, now=NOW, name="theirs.json")
    assert state() == before


def test_a_nul_character_in_a_note_is_refused_by_name_and_nothing_written(kl, person):
    result = kl("dose", "2g", "--note", "a\x00b", code=2)
    assert "error: --note: holds a NUL character" in result.stderr
    assert person.entries.count() == 0
