import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kratomlog.core.formats import ImportRejected
from kratomlog.core.formats.journal_csv import read_csv, write_csv
from kratomlog.core.formats.kratomtracker import read_kratomtracker
from kratomlog.core.formats.pwjournal import read_pwjournal

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)
SIZES = {"caps": (0.5, None)}

GOOD = """time,substance,amount,unit,form,product,purpose,note,category
2026-11-20T08:00,kratom,3,g,powder,,energy,,
2026-11-20T12:00+00:00,kratom,4,caps,capsule,Caps,,,
2026-11-20T21:00,magnesium,400,mg,oxide,,,,
2026-11-20T21:05,magnesium,150,mg,,,,label says elemental,
2026-11-20T20:00,beer,2,bottles,,,,,alcohol
"""


def test_a_good_csv_becomes_rows_in_grams_and_elemental_mg():
    rows = read_csv(GOOD, BERLIN, NOW, SIZES).rows
    assert [(r.substance, r.grams, r.elemental_mg) for r in rows] == [
        ("kratom", 3, None),
        ("kratom", 2.0, None),
        ("magnesium", None, pytest.approx(241.2)),
        ("magnesium", None, 150),
        ("other", None, None),
    ]
    assert rows[0].taken_at == datetime(2026, 11, 20, 7, 0, tzinfo=UTC)  # local without offset
    assert rows[1].taken_at == datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    assert rows[4].name == "beer" and rows[4].category == "alcohol"
    assert rows[4].unit == "bottles"


def test_the_same_text_gives_the_same_keys_and_identical_rows_stay_distinct():
    text = GOOD + "2026-11-20T08:00,kratom,3,g,powder,,energy,,\n"
    first, second = read_csv(text, BERLIN, NOW, SIZES).rows, read_csv(text, BERLIN, NOW, SIZES).rows
    assert [r.source_key for r in first] == [r.source_key for r in second]
    assert len({r.source_key for r in first}) == len(first)


@pytest.mark.parametrize(
    ("line", "column", "reason"),
    [
        ("yesterday,kratom,3,g,,,,,", "time", "not an ISO 8601 time"),
        ("2026-11-20T08:00,kratom,three,g,,,,,", "amount", "not a number"),
        ("2026-11-20T08:00,kratom,0,g,,,,,", "amount", "not above zero"),
        ("2026-11-20T08:00,kratom,3,oz,,,,,", "unit", "unknown unit 'oz'"),
        ("2026-11-20T08:00,kratom,3,caps,,Mystery,,,", "product", "no grams per capsule"),
        ("2026-11-20T08:00,magnesium,400,mg,malate,,,,", "form", "no elemental fraction"),
        ("2026-11-20T08:00,ibuprofen,1,tablet,,,,,painkiller", "category", "not a category"),
        ("2026-12-20T08:00,kratom,3,g,,,,,", "time", "in the future"),
    ],
)
def test_one_bad_row_rejects_the_file_with_its_row_column_and_reason(line, column, reason):
    text = GOOD + line + "\n"
    with pytest.raises(ImportRejected) as caught:
        read_csv(text, BERLIN, NOW, SIZES)
    [error] = caught.value.errors
    assert (error.row, error.column) == (6, column)
    assert reason in error.reason
    assert str(caught.value).startswith(f"nothing imported: line 7, column {column}: ")


def test_a_csv_without_a_required_column_is_refused():
    with pytest.raises(ImportRejected, match="missing column 'unit'"):
        read_csv("time,substance,amount\n", BERLIN, NOW, SIZES)


csv_rows = st.lists(
    st.fixed_dictionaries(
        {
            "time": st.datetimes(
                datetime(2020, 1, 1), datetime(2026, 11, 1), timezones=st.just(UTC)
            ).map(lambda d: d.isoformat()),
            "substance": st.sampled_from(["kratom", "magnesium", "coffee"]),
            "amount": st.floats(0.01, 1000).map(repr),
            "unit": st.just("g"),
            "form": st.just(""),
            "product": st.just(""),
            "purpose": st.text(max_size=10),
            "note": st.text(max_size=20),
            "category": st.just(""),
        }
    ),
    max_size=20,
)


@given(csv_rows)
def test_written_csv_reads_back_the_same(rows):
    read = read_csv(write_csv(rows), BERLIN, NOW, {}).rows
    assert [
        (r.taken_at.isoformat(), r.amount, r.purpose.strip(), r.note.strip()) for r in read
    ] == [
        (row["time"], float(row["amount"]), row["purpose"].strip(), row["note"].strip())
        for row in rows
    ]


def ms(text: str) -> int:
    return int(datetime.fromisoformat(text).timestamp() * 1000)


PW_EXPORT = {
    "experiences": [
        {
            "title": "Evening",
            "text": "",
            "creationDate": ms("2026-11-01T18:00+00:00"),
            "sortDate": ms("2026-11-01T18:00+00:00"),
            "isFavorite": False,
            "location": None,
            "ingestions": [
                {
                    "substanceName": "Kratom",
                    "time": ms("2026-11-01T18:00+00:00"),
                    "endTime": None,
                    "creationDate": ms("2026-11-01T18:01+00:00"),
                    "administrationRoute": "ORAL",
                    "dose": 3,
                    "isDoseAnEstimate": False,
                    "estimatedDoseStandardDeviation": None,
                    "units": "g",
                    "notes": "",
                    "stomachFullness": None,
                    "consumerName": None,
                    "customUnitId": None,
                },
                # Android leaves out default keys; a custom unit: 4 capsules of 0.5 g
                {
                    "substanceName": "Kratom",
                    "time": ms("2026-11-01T22:00+00:00"),
                    "creationDate": ms("2026-11-01T22:01+00:00"),
                    "administrationRoute": "ORAL",
                    "dose": 4,
                    "units": "capsules",
                    "customUnitId": 7,
                },
                {
                    "substanceName": "Kratom",
                    "time": ms("2026-11-01T20:00+00:00"),
                    "creationDate": ms("2026-11-01T20:01+00:00"),
                    "administrationRoute": "ORAL",
                    "dose": 5,
                    "units": "g",
                    "consumerName": "Sam",
                },
                {
                    "substanceName": "Alcohol",
                    "time": ms("2026-11-01T19:00+00:00"),
                    "creationDate": ms("2026-11-01T19:01+00:00"),
                    "administrationRoute": "ORAL",
                    "dose": None,
                    "units": "mL",
                },
            ],
            "ratings": [],
            "timedNotes": [],
        }
    ],
    "substanceCompanions": [],
    "customSubstances": [],
    "customUnits": [
        {
            "id": 7,
            "substanceName": "Kratom",
            "name": "capsule",
            "dose": 0.5,
            "unit": "capsule",
            "unitPlural": "capsules",
            "originalUnit": "g",
            "administrationRoute": "ORAL",
            "isEstimate": False,
            "isArchived": False,
        }
    ],
}


def test_pwjournal_keeps_the_owners_ingestions_and_resolves_custom_units():
    rows = read_pwjournal(json.dumps(PW_EXPORT), NOW).rows
    assert [(r.substance, r.name, r.grams) for r in rows] == [
        ("kratom", "kratom", 3),
        ("kratom", "kratom", 2.0),
        ("other", "Alcohol", None),
    ]
    assert rows[0].taken_at == datetime(2026, 11, 1, 18, 0, tzinfo=UTC)
    assert "dose unknown" in rows[2].note and "experience: Evening" in rows[0].note


def test_pwjournal_with_a_bad_ingestion_names_it():
    broken = json.loads(json.dumps(PW_EXPORT))
    broken["experiences"][0]["ingestions"][1]["time"] = "yesterday"
    with pytest.raises(ImportRejected) as caught:
        read_pwjournal(json.dumps(broken), NOW)
    assert str(caught.value.errors[0]) == (
        "experience \"Evening\", ingestion 2, time: 'yesterday' is not a time; milliseconds "
        "since 1970 (UTC)"
    )


def test_a_file_that_is_not_a_pwjournal_export_says_so():
    with pytest.raises(ImportRejected, match="not a PsychonautWiki Journal export"):
        read_pwjournal('{"dosages": []}', NOW)


KT_JSON = {
    "version": 1,
    "timestamp": "2026-11-02T10:00:00Z",
    "strains": [
        {
            "id": "s1",
            "name": "Green Malay",
            "code": "GM",
            "color": "#0f0",
            "icon": "leaf",
            "inStock": True,
        }
    ],
    "dosages": [
        {
            "id": "d1",
            "strainId": "s1",
            "amount": 2.5,
            "timestamp": "2026-11-01T09:00:00Z",
            "notes": "morning",
        },
        {
            "id": "d2",
            "strainId": "s1",
            "amount": 3,
            "timestamp": "2026-11-01T15:00:00+01:00",
            "notes": "",
        },
    ],
    "settings": {},
}


def test_kratomtracker_backup_dosages_become_grams_with_the_strain_as_product():
    rows = read_kratomtracker(json.dumps(KT_JSON), BERLIN, NOW).rows
    assert [(r.grams, r.product, r.note) for r in rows] == [
        (2.5, "Green Malay", "morning"),
        (3, "Green Malay", ""),
    ]
    assert rows[1].taken_at == datetime(2026, 11, 1, 14, 0, tzinfo=UTC)


def test_kratomtracker_bare_list_of_dosages():
    rows = read_kratomtracker(json.dumps(KT_JSON["dosages"]), BERLIN, NOW).rows
    assert [r.product for r in rows] == [None, None]


def test_kratomtracker_csv_with_bom():
    text = (
        "\ufeffdate,time,iso_timestamp,strain_code,strain_name,amount_g,notes\r\n"
        '2026-11-01,09:00,2026-11-01T09:00:00Z,GM,Green Malay,2.5,"with ""tea"""\r\n'
    )
    [row] = read_kratomtracker(text, BERLIN, NOW).rows
    assert (row.grams, row.product, row.note) == (2.5, "Green Malay", 'with "tea"')


def test_kratomtracker_csv_bad_amount_names_row_and_column():
    text = (
        "date,time,iso_timestamp,strain_code,strain_name,amount_g,notes\n"
        "2026-11-01,09:00,2026-11-01T09:00:00Z,GM,Green Malay,lots,\n"
    )
    with pytest.raises(ImportRejected, match="line 2, column amount_g: 'lots' is not a number"):
        read_kratomtracker(text, BERLIN, NOW)


def test_json_halves_of_a_character_are_mended_wherever_they_are_and_counted():
    from kratomlog.core.formats.json_file import read_json

    text = '{"a\\ud83d": ["x\\udc00y", {"n": "\\ud83d\\ude00 \\ud83d"}], "ok": "caf\\u00e9"}'
    document, halves = read_json(text)
    assert halves == 3  # the pair (\\ud83d\\ude00) is one character, not two halves
    assert document == {"ok": "café", "a\ufffd": ["x\ufffdy", {"n": "\U0001f600 \ufffd"}]}
    assert read_json('"\\udfff"') == ("\ufffd", 1)
    assert read_json('[1, "plain"]') == ([1, "plain"], 0)


def test_kratomtracker_a_local_time_the_clocks_pass_twice_takes_the_first_and_says_so():
    # 25 Oct 2026 in Berlin: at 03:00 summer time the clocks go back to 02:00, so 02:30 is twice.
    dosages = [
        {"id": "f1", "amount": 2, "timestamp": "2026-10-25T02:30:00.000"},
        {"id": "f2", "amount": 3, "timestamp": "2026-10-25T09:00:00.000"},
    ]
    reading = read_kratomtracker(json.dumps(dosages), BERLIN, NOW)
    assert [r.taken_at for r in reading.rows] == [
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC),  # 02:30 summer time, the first
        datetime(2026, 10, 25, 8, 0, tzinfo=UTC),
    ]
    assert (
        "1 dose at 2026-10-25 02:30 read as the first of two: the clocks go back in "
        "Europe/Berlin" in " ".join(reading.said)
    )
    csv_text = (
        "date,time,iso_timestamp,strain_code,strain_name,amount_g,notes\n"
        "2026-10-25,02:30,2026-10-25T02:30:00.000,,,2.5,\n"
        "2026-10-25,02:45,2026-10-25T02:45:00.000,,,1,\n"
    )
    said = " ".join(read_kratomtracker(csv_text, BERLIN, NOW).said)
    assert "2 doses at 2026-10-25 02:30, 2026-10-25 02:45 read as the first of two" in said


def test_kratomtracker_a_local_time_the_clocks_skip_is_still_refused_by_row():
    dosages = [{"id": "g1", "amount": 2, "timestamp": "2026-03-29T02:30:00.000"}]
    with pytest.raises(ImportRejected, match="2026-03-29 02:30 does not exist in Europe/Berlin"):
        read_kratomtracker(json.dumps(dosages), BERLIN, NOW)
