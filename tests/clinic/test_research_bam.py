"""The Brief Addiction Monitor in the research export: its own table, item by item with item 7's
drugs and the three subscales, described in the codebook (Frictionless and REDCap)."""

import csv
import json
from datetime import timedelta

import pytest

from tests.clinic.conftest import NOW
from tests.clinic.helpers_r11 import ENROLLED_A, make_study
from tests.clinic.test_research_export import export, table

FLAGGED = [3, 2, 1, 0, 0, 4, ["opiates", "kratom"], 3, 1, 0, 3, 2, 4, 4, 1, 2, 2]


@pytest.fixture
def study(cast):
    return make_study(cast)


def test_a_bam_is_one_row_of_its_items_drugs_and_subscales(cast, study, tmp_path):
    from kratomlog.checkins.services import record_bam
    from kratomlog.research.services import pseudonym

    at = (ENROLLED_A + timedelta(days=3, hours=10)).isoformat()
    record_bam(person=cast.patient_a.person, now=NOW, answers=FLAGGED, at=at)
    written = export(study.study, tmp_path)
    code = pseudonym(study.study, cast.patient_a)
    (row,) = [r for r in table(written.directory, "bam") if r["participant"] == code]
    assert row["day"] == 4  # 05:00 in Berlin the next morning: the 4th day after enrolling
    assert [row[f"item_{n}"] for n in (1, 2, 3, 4, 5, 6, 8, 14, 17)] == [3, 2, 1, 0, 0, 4, 3, 4, 2]
    assert row["item_7_drugs"] == "kratom+opiates"
    assert (row["use"], row["risk"], row["protective"]) == (4, 13, 13)
    assert all(r["instrument"] != "bam" for r in table(written.directory, "checkins"))

    package = json.loads((written.directory / "datapackage.json").read_text())
    resource = next(r for r in package["resources"] if r["name"] == "bam")
    fields = {f["name"]: f for f in resource["schema"]["fields"]}
    assert "0 No, 4 Yes; Protective subscale" in fields["item_14"]["description"]
    assert "in no subscale" in fields["item_17"]["description"]
    assert fields["risk"]["description"] == "Risk: the sum of items 1, 2, 3, 8, 11, 15"
    assert fields["risk"]["constraints"] == {"minimum": 0, "maximum": 24}
    assert "no LOINC" in resource["description"] and "no total" in resource["description"]
    dictionary = csv.DictReader((written.directory / "redcap_dictionary.csv").open())
    names = {row["Variable / Field Name"] for row in dictionary}
    assert {"bam_item_1", "bam_item_7_drugs", "bam_protective"} <= names
