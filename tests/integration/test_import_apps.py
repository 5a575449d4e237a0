"""Imports of files shaped field for field as the apps write them (../shared/FORMATS.md; the
apps' serialisation code: PsychonautWiki Journal's JournalExport.kt and JournalFile.swift,
KratomTracker's Dosage.toJson/UserSettings.toJson and its CSV, Tea Taper's state). Each file
is imported twice: the second time adds nothing. The clock: Mon 23 Nov 2026 19:00 in Berlin."""

import json
from datetime import UTC, datetime

import pytest

from kratomlog.journal.models import Entry

MS = 1000


def ms(iso: str) -> int:
    from datetime import datetime

    return int(datetime.fromisoformat(iso).timestamp() * MS)


def ingestion(substance, time, dose, units, **more):
    """As Android writes one: keys holding their default are left out."""
    record = {
        "substanceName": substance,
        "time": ms(time),
        "creationDate": ms(time) + 123,
        "administrationRoute": "ORAL",
        "dose": dose,
        "units": units,
        "isDoseAnEstimate": False,
    }
    record.update(more)
    return record


def pw_export(*ingestions, **extra):
    return {
        "experiences": [
            {
                "title": "Tue",
                "text": "a quiet evening",
                "creationDate": ms("2026-11-17T18:00:00+00:00"),
                "sortDate": ms("2026-11-17T18:00:00+00:00"),
                "isFavorite": False,
                "location": {"name": "home", "latitude": 0, "longitude": 0},
                "ingestions": list(ingestions),
                "ratings": [
                    {"option": "plus", "time": ms("2026-11-17T19:00:00+00:00"),
                     "creationDate": ms("2026-11-17T19:00:00+00:00")}
                ],
                "timedNotes": [
                    {"creationDate": ms("2026-11-17T19:30:00+00:00"),
                     "time": ms("2026-11-17T19:30:00+00:00"), "note": "felt calm",
                     "color": "BLUE", "isPartOfTimeline": True}
                ],
            }
        ],
        "substanceCompanions": [],
        "customSubstances": [{"name": "Kratom extract", "units": "g", "description": ""}],
        "customUnits": [
            {"id": 7, "substanceName": "Kratom", "name": "Red Bali caps",
             "creationDate": ms("2026-11-01T10:00:00+00:00"), "administrationRoute": "ORAL",
             "dose": 0.5, "estimatedDoseStandardDeviation": None, "isEstimate": False,
             "isArchived": False, "unit": "capsule", "unitPlural": "capsules",
             "originalUnit": "g", "note": ""}
        ],
        **extra,
    }  # fmt: skip


def write(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


def imported(kl, kind, path, *more):
    """The import's summary; the same file again must add nothing."""
    first = kl("import", kind, path, *more).stdout
    again = kl("import", kind, path, *more).stdout
    assert "Imported 0 entries" in again, again
    return first


def test_other_substances_keep_what_they_are_so_interactions_are_noticed(kl, person, tmp_path):
    path = write(
        tmp_path,
        "pw.json",
        pw_export(
            ingestion("Alcohol", "2026-11-17T18:00:00+00:00", 2, "drinks"),
            ingestion("Xanax", "2026-11-17T18:10:00+00:00", 0.5, "mg"),
            ingestion("tramadol", "2026-11-17T18:20:00+00:00", 50, "mg"),
            ingestion("Gabapentin", "2026-11-17T18:30:00+00:00", 300, "mg"),
            ingestion("Blue Lotus", "2026-11-17T18:40:00+00:00", 1, "g"),
        ),
    )
    out = imported(kl, "pwjournal", path)
    assert "Imported 5 entries from pw.json." in out
    assert "Imported as category 'other' (no table knows them): Blue Lotus." in out
    assert "kratomlog substance NAME --category CAT --just-category" in out
    categories = dict(person.entries.values_list("name", "category"))
    assert categories == {
        "Alcohol": "alcohol",
        "Xanax": "benzodiazepine",
        "tramadol": "opioid",
        "Gabapentin": "gabapentinoid",
        "Blue Lotus": "other",
    }
    # a kratom dose after them is told what it meets
    dose = kl("dose", "2g", "--at", "2026-11-17T20:00").stdout
    assert "kratom and Xanax (benzodiazepine) within" in dose


def test_a_category_the_person_gave_wins_and_an_import_never_overwrites_it(kl, person, tmp_path):
    kl("substance", "Blue Lotus", "--category", "supplement", "--just-category")
    kl("substance", "Xanax", "--category", "other", "--just-category")
    path = write(
        tmp_path,
        "pw.json",
        pw_export(
            ingestion("Blue Lotus", "2026-11-17T18:40:00+00:00", 1, "g"),
            ingestion("Xanax", "2026-11-17T18:10:00+00:00", 0.5, "mg"),
        ),
    )
    out = imported(kl, "pwjournal", path)
    assert "no table knows" not in out
    assert dict(person.entries.values_list("name", "category")) == {
        "Blue Lotus": "supplement",
        "Xanax": "other",
    }
    assert dict(person.categories.values_list("name", "category")) == {
        "blue lotus": "supplement",
        "xanax": "other",
    }
    assert person.entries.count() == 2  # --just-category records no intake


def test_kratom_as_a_custom_substance_is_kratom_and_custom_units_are_kept(kl, person, tmp_path):
    path = write(
        tmp_path,
        "pw.json",
        pw_export(
            ingestion("Kratom extract", "2026-11-17T08:00:00+00:00", 1.5, "g"),
            ingestion("Kratom", "2026-11-17T12:00:00+00:00", 4, "capsules", customUnitId=7,
                      isDoseAnEstimate=True, estimatedDoseStandardDeviation=0.5,
                      stomachFullness="HALFFULL", notes="after lunch"),
            ingestion("kratom capsules", "2026-11-17T16:00:00+00:00", 3, "capsules"),
        ),
    )  # fmt: skip
    out = imported(kl, "pwjournal", path)
    assert "Imported 3 entries" in out
    assert "kratom capsules (in capsules: no grams known)" in out
    rows = list(person.entries.order_by("taken_at").values_list("substance", "grams", "note"))
    assert [(s, g) for s, g, _ in rows] == [("kratom", 1.5), ("kratom", 2.0), ("kratom", None)]
    note = rows[1][2]
    for kept in ("after lunch", "4 x Red Bali caps capsules", "dose estimated ± 0.5 g",
                 "stomach half full"):  # fmt: skip
        assert kept in note, kept
    first = rows[0][2]  # the experience's own notes, with its first dose
    for kept in (
        "experience: Tue",
        "a quiet evening",
        "note: felt calm",
        "ratings:",
        "place: home",
    ):
        assert kept in first, kept
    assert "3 capsules" in rows[2][2] and "dose unknown" in rows[2][2]


def test_quirks_the_app_writes_are_kept_or_kept_out_with_a_reason(kl, person, tmp_path):
    path = write(
        tmp_path,
        "pw.json",
        pw_export(
            ingestion("Kratom", "2026-11-17T08:00:00+00:00", 2, "capsules", customUnitId=99),
            ingestion("Kratom", "2026-11-17T09:00:00+00:00", 3, ""),
            ingestion("Kratom", "2026-11-17T10:00:00+00:00", 0, "g"),
            ingestion("Kratom", "2026-11-17T11:00:00+00:00", 2, "g", consumerName="Sam"),
            ingestion("Kratom", "2026-11-23T18:30:00+00:00", 2, "g"),  # 30 min ahead
        ),
    )
    out = imported(kl, "pwjournal", path)
    assert "Imported 4 entries from pw.json; 1 kept out." in out
    assert 'kept out: experience "Tue", ingestion 4: taken by Sam, not by you' in out
    assert "up to an hour ahead of this computer's clock" in out
    notes = list(person.entries.order_by("taken_at").values_list("grams", "note"))
    assert notes[0][0] is None and "custom unit was deleted in the app" in notes[0][1]
    assert notes[1][0] is None  # no unit: grams unknown, the use kept
    assert notes[2][0] is None and "0 in the app" in notes[2][1]


def test_an_empty_android_export_is_nothing_to_import(kl, person, tmp_path):
    out = kl("import", "pwjournal", write(tmp_path, "empty.json", "{}")).stdout
    assert "Imported 0 entries from empty.json." in out and "Nothing to import" in out
    assert person.entries.count() == 0


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"time": 1e20}, 'experience "Tue", ingestion 1, time: 1e+20 is not a time'),
        ({"time": float("nan")}, 'experience "Tue", ingestion 1, time: nan is not a time'),
        ({"time": ms("2026-11-23T21:00:00+00:00")}, "is in the future"),
    ],
)
def test_a_time_that_cannot_be_is_named_as_the_person_finds_it(kl, tmp_path, change, expected):
    record = ingestion("Kratom", "2026-11-17T08:00:00+00:00", 2, "g")
    record.update(change)
    path = write(tmp_path, "pw.json", json.dumps(pw_export(record)))
    assert expected in kl("import", "pwjournal", path, code=2).stderr


def test_an_experience_that_is_not_one_is_named(kl, tmp_path):
    path = write(tmp_path, "pw.json", {"experiences": [5]})
    assert (
        "experience 1, experience: 5 is not an experience"
        in kl("import", "pwjournal", path, code=2).stderr
    )


def test_an_edit_in_the_app_updates_the_entry_and_ios_reexport_adds_nothing(kl, person, tmp_path):
    dose = ingestion("Kratom", "2026-11-17T08:00:00+00:00", 3.0, "g")
    imported(kl, "pwjournal", write(tmp_path, "android.json", pw_export(dose)))
    ios = dict(dose, creationDate=dose["creationDate"] // MS * MS, endTime=None,
               consumerName=None, customUnitId=None, stomachFullness=None)  # fmt: skip
    out = kl("import", "pwjournal", write(tmp_path, "ios.json", pw_export(ios))).stdout
    assert "Imported 0 entries from ios.json; 1 was already in the journal." in out
    edited = dict(ios, dose=3.5)
    out = kl("import", "pwjournal", write(tmp_path, "edited.json", pw_export(edited))).stdout
    assert "Imported 0 entries from edited.json; 1 updated (edited in the other app since)" in out
    entry = person.entries.get()
    assert entry.grams == 3.5
    changes = list(
        person.changes.filter(entry=entry).order_by("id").values_list("action", "before")
    )
    assert changes[-1][0] == "edit" and changes[-1][1]["grams"] == 3.0


KT_BACKUP = {
    "version": 1,
    "timestamp": "2026-11-23T10:00:00.000",
    "strains": [
        {"id": "s1", "name": "Red Bali", "code": "RB", "color": 1, "icon": 0, "inStock": True}
    ],
    "dosages": [
        {"id": "d1", "strainId": "s1", "amount": 3.0, "timestamp": "2026-11-20T08:00:00.000",
         "notes": "morning"},
        {"id": "d2", "strainId": "gone", "amount": 2.5, "timestamp": "2026-11-21T09:30:00.000",
         "notes": None},
    ],
    "effects": [
        {"id": "e1", "dosageId": "d1", "timestamp": "2026-11-20T09:00:00.000", "mood": 4,
         "energy": 3, "painRelief": 5, "anxiety": None, "focus": None, "notes": "good",
         "duration": 240}
    ],
    "settings": {"dailyLimit": 12.0, "measurementUnit": "g", "darkMode": True},
}  # fmt: skip
KT_CSV = (
    "\ufeffdate,time,iso_timestamp,strain_code,strain_name,amount_g,notes\r\n"
    "2026-11-20,08:00,2026-11-20T08:00:00.000,RB,Red Bali,3.0,morning\r\n"
    "2026-11-21,09:30,2026-11-21T09:30:00.000,,Unknown strain,2.5,\r\n"
)


def test_kratomtracker_backup_then_its_csv_adds_nothing_and_edits_update(kl, person, tmp_path):
    out = imported(kl, "kratomtracker", write(tmp_path, "backup.json", KT_BACKUP))
    assert "Imported 2 entries from backup.json." in out
    assert "Times without an offset were read in the journal's time zone, Europe/Berlin." in out
    assert "daily limit of 12 g" in out and "kratomlog plan set daily-limit.toml" in out
    assert not person.plan_versions.exists()  # offered, never set
    first = person.entries.order_by("taken_at").first()
    assert "effects: mood 4/5, energy 3/5, pain relief 5/5" in first.note
    assert "effect notes: good" in first.note and "lasted 240 min" in first.note
    assert sorted(person.products.values_list("name", flat=True)) == ["Red Bali"]
    out = kl("import", "kratomtracker", write(tmp_path, "doses.csv", KT_CSV)).stdout
    assert "Imported 0 entries from doses.csv; 2 were already in the journal." in out
    assert "Unknown strain" not in set(person.products.values_list("name", flat=True))
    edited = json.loads(json.dumps(KT_BACKUP))
    edited["dosages"][0]["amount"] = 3.5
    out = kl("import", "kratomtracker", write(tmp_path, "later.json", edited)).stdout
    assert "1 updated" in out and person.entries.filter(grams=3.5).count() == 1
    assert person.entries.count() == 2


def test_kratomtracker_bad_records_are_named(kl, tmp_path):
    assert (
        "dosage 1, dosage: 1 is not a dosage"
        in kl(
            "import", "kratomtracker", write(tmp_path, "kt.json", {"dosages": [1]}), code=2
        ).stderr
    )
    bad_year = dict(
        KT_BACKUP, dosages=[dict(KT_BACKUP["dosages"][0], timestamp="0001-01-01T00:00:00")]
    )
    assert (
        "dosage 1, timestamp: 0001-01-01"
        in kl("import", "kratomtracker", write(tmp_path, "old.json", bad_year), code=2).stderr
    )


TEA = {
    "schemaVersion": 4,
    "appVersion": "4.0.0-production-cloud",
    "profile": {"baselineMl": 1000, "weeklyReductionPct": 10, "timezone": "Europe/Berlin"},
    "days": {
        "2026-11-20": {
            "date": "2026-11-20",
            "entries": [
                {"id": "t1", "ts": "2026-11-20T07:00:00.000Z", "ml": 250, "note": "",
                 "createdAt": "2026-11-20T07:00:00.000Z", "updatedAt": "2026-11-20T07:00:00.000Z"},
                {"id": "t2", "ts": "2026-11-20T15:00:00.000Z", "ml": 0, "note": "",
                 "createdAt": "2026-11-20T15:00:00.000Z", "updatedAt": "2026-11-20T15:00:00.000Z"},
            ],
            "metrics": {"craving": 6, "withdrawal": 3, "sleepQuality": None},
            "triggers": ["stress"], "helpers": ["walk"], "relapse": None, "note": "long day",
        },
        "2026-11-21": {"date": "2026-11-21", "entries": [], "metrics": {"craving": 2},
                       "triggers": [], "helpers": [], "relapse": None, "note": ""},
    },
}  # fmt: skip


def test_tea_taper_without_the_teas_strength_keeps_the_use_in_ml(kl, person, tmp_path):
    out = imported(kl, "teataper", write(tmp_path, "tea.json", TEA))
    assert "Imported 1 entry from tea.json; 2 kept out." in out
    assert "kept out: day 2026-11-20, entry 2: 0 ml" in out
    assert "--grams-per-ml" in out
    entry = person.entries.get()
    assert (entry.substance, entry.amount, entry.unit, entry.grams) == ("kratom", 250, "ml", None)
    assert "craving 6/10" in entry.note and "triggers: stress" in entry.note
    assert "long day" in entry.note


def test_tea_taper_with_the_teas_strength_weighs_each_dose_and_remembers_it(kl, person, tmp_path):
    path = write(tmp_path, "tea.json", TEA)
    kl("import", "teataper", path, "--grams-per-ml", "0.02")
    assert person.entries.get().grams == 5.0
    later = json.loads(json.dumps(TEA))
    later["days"]["2026-11-22"] = {
        "date": "2026-11-22",
        "entries": [{"id": "t3", "ts": "2026-11-22T07:00:00.000Z", "ml": 200, "note": ""}],
    }
    kl("import", "teataper", write(tmp_path, "later.json", later))
    assert sorted(person.entries.values_list("grams", flat=True)) == [4.0, 5.0]


def test_a_csv_is_named_by_its_lines_and_its_own_export_imports_as_nothing_new(
    kl, person, tmp_path
):
    kl("dose", "2.5g", "--at", "2026-11-20T08:00", "--note", "a")
    kl("magnesium", "400mg", "--form", "citrate", "--at", "2026-11-20T21:00")
    exported = tmp_path / "mine.csv"
    kl("export", "csv", "--output", exported)
    out = kl("import", "csv", exported).stdout
    assert "Imported 0 entries from mine.csv; 2 were already in the journal." in out
    assert Entry.objects.filter(person=person).count() == 2


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("time,substance,amount,amount,unit\n", "line 1, column header: the column 'amount' appears twice"),
        ("time,substance,amount,unit\n2026-11-20T08:00,kratom,1,000,g\n", "column unit"),
        ("time,substance,amount,unit\n2026-11-20T08:00,kratom,\"1,000\",g\n", "line 2, column amount: '1,000' is ambiguous"),
        ("time,substance,amount,unit\n2026-11-20T08:00,kratom,nan,g\n", "line 2, column amount: 'nan' is not a number"),
        ("time,substance,amount,unit\n0001-01-01T00:00,kratom,2,g\n", "line 2, column time: 0001-01-01"),
        ("time,substance,amount,unit\n2026-11-20T08:00,kratom,2,g,\"" + "x" * 140_000 + "\"\n", "longer than 128 KB"),
    ],
)  # fmt: skip
def test_csv_problems_are_named_with_the_line_a_spreadsheet_shows(kl, tmp_path, body, expected):
    error = kl("import", "csv", write(tmp_path, "bad.csv", body), code=2).stderr
    assert expected in error, error


def test_an_amount_past_any_dose_is_refused_by_name(kl, tmp_path):
    huge = dict(KT_BACKUP, dosages=[dict(KT_BACKUP["dosages"][0], amount=1e308)])
    error = kl("import", "kratomtracker", write(tmp_path, "kt.json", huge), code=2).stderr
    assert "dosage 1, amount: 1e+308 is out of range" in error
    record = ingestion("Kratom", "2026-11-17T08:00:00+00:00", 1e308, "g")
    error = kl("import", "pwjournal", write(tmp_path, "pw.json", pw_export(record)), code=2).stderr
    assert 'experience "Tue", ingestion 1, dose: 1e+308 is not a dose' in error


def test_kratomtracker_a_time_the_clocks_pass_twice_is_imported_and_the_summary_says_so(
    kl, person, tmp_path
):
    backup = {"dosages": [{"id": "x1", "amount": 2.0, "timestamp": "2026-10-25T02:30:00.000"}]}
    out = imported(kl, "kratomtracker", write(tmp_path, "fold.json", backup))
    assert "Imported 1 entries from fold.json." in out or "Imported 1 entry from fold.json." in out
    assert "1 dose at 2026-10-25 02:30 read as the first of two" in out
    assert person.entries.get().taken_at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
