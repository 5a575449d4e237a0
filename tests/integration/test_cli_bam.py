"""The Brief Addiction Monitor from the terminal: item by item or --answers, in the listings,
the JSON export and its round trip, and the CSV export."""

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from kratomlog.checkins.models import CheckIn
from kratomlog.cli import app
from kratomlog.core.formats import ImportRejected
from kratomlog.journal import transfer
from kratomlog.journal.models import Person
from tests.integration.conftest import NOW

FLAGGED = "3,2,1,0,0,4,kratom+opiates,3,1,0,3,2,4,4,1,2,2"


def test_answers_at_once_give_the_three_subscales_and_no_total(kl, person):
    out = kl("checkin", "bam", "--answers", FLAGGED).stdout
    assert "BAM: Use 4 of 12, Risk 13 of 24, Protective 13 of 24" in out
    assert "Drugs used (item 7): kratom, opiates." in out
    assert "Item 8 (cravings): Considerably." in out
    assert "Adapted for kratom" in out and "Cacciola 2013" in out
    kept = CheckIn.objects.get(person=person)
    assert kept.instrument == "bam" and kept.answers[6] == ["kratom", "opiates"]
    listed = json.loads(kl("checkins", "--json").stdout)
    assert listed == [
        {
            "instrument": "bam",
            "taken_at": kept.taken_at.isoformat(),
            "total": None,
            "band": None,
            "subscales": {"use": 4, "risk": 13, "protective": 13},
        }
    ]
    assert "Use 4, Risk 13, Protective 13" in kl("checkins").stdout


def test_item_by_item_takes_days_as_days_and_asks_again_after_a_wrong_answer(kl):
    replies = [
        "2",  # 1 health good
        "5",  # 2 nights: 4-8 -> 2
        "0",  # 3
        "0",  # 4
        "0",  # 5
        "31",  # 6: past 30 days, asked again
        "20",  # 6: 16-30 -> 4
        "kratom",  # 7
        "4",  # 8 cravings extremely
        "1",  # 9
        "0",  # 10
        "3",  # 11: 1-3 -> 1
        "0",  # 12
        "10",  # 13: 9-15 -> 3
        "maybe",  # 14: asked again
        "yes",  # 14 -> 4
        "0",  # 15
        "16",  # 16: 16-30 -> 4
        "2",  # 17
    ]
    result = CliRunner().invoke(app, ["checkin", "bam"], input="\n".join(replies) + "\n")
    assert result.exit_code == 0, result.output
    assert "how many nights did you have trouble falling asleep" in result.output
    assert "answer with a whole number of days from 0 to 30" in result.output
    assert "answer with 0 (no) or 4 (yes)" in result.output
    assert "BAM: Use 4 of 12, Risk 9 of 24, Protective 12 of 24" in result.output


def test_bad_answers_name_the_item_and_nothing_is_saved(kl, person):
    err = kl("checkin", "bam", "--answers", FLAGGED.replace(",4,4,1,", ",4,2,1,"), code=2).stderr
    assert "--answers: item 14 is 2; 0 (no) or 4 (yes)" in err
    err = kl("checkin", "bam", "--answers", "0,0,0", code=2).stderr
    assert "the BAM has 17 items; 3 answers given" in err
    err = kl("checkin", "bam", "--answers", FLAGGED.replace("opiates", "tea"), code=2).stderr
    assert "item 7 names 'tea'; a list of drug names, possibly empty, from: kratom," in err
    assert not CheckIn.objects.filter(person=person).exists()


def test_the_json_export_keeps_the_bam_and_reads_back_into_another_journal(kl, person):
    now = NOW
    kl("checkin", "bam", "--answers", FLAGGED)
    exported = transfer.export_json(person, now)
    (kept,) = exported["checkins"]
    assert kept["instrument"] == "bam" and kept["answers"][6] == ["kratom", "opiates"]
    Person.objects.filter(id=person.id).delete()  # as in another database: no uid collides
    copy = Person.objects.create(timezone="UTC")
    text = json.dumps(exported)
    transfer.import_json(person=copy, text=text, now=now, name="journal.json")
    copied = CheckIn.objects.get(person=copy)
    assert (copied.instrument, copied.answers, copied.total) == ("bam", kept["answers"], 0)
    damaged = json.loads(text)
    damaged["checkins"][0]["answers"][13] = 3
    other = Person.objects.create(timezone="UTC")
    with pytest.raises(ImportRejected, match=r"checkins\[0\]\.answers: item 14 is 3"):
        transfer.import_json(person=other, text=json.dumps(damaged), now=now, name="j.json")
    assert not CheckIn.objects.filter(person=other).exists()


def test_the_csv_export_has_a_row_an_item_then_the_subscales(kl, person):
    from kratomlog.checkins.transfer import export_checkins_csv

    kl("checkin", "bam", "--answers", FLAGGED)
    rows = list(csv.DictReader(io.StringIO(export_checkins_csv(person)["bam"])))
    assert [row["item"] for row in rows] == [str(n) for n in range(1, 18)] + [
        "use",
        "risk",
        "protective",
    ]
    assert rows[6]["answer"] == "kratom+opiates" and rows[-2]["answer"] == "13"


def test_fhir_has_a_questionnaire_response_in_our_own_codes_and_the_subscales(kl, tmp_path):
    from fhir.resources.R4B.bundle import Bundle

    kl("checkin", "bam", "--answers", FLAGGED, "--at", "2026-11-23T09:00")
    kl("checkin", "bam", "--answers", FLAGGED.replace("kratom+opiates", "none"))
    out = tmp_path / "journal.fhir.json"
    kl("export", "fhir", "--output", out)
    data = json.loads(out.read_text())
    Bundle.model_validate(data)  # valid R4 with an empty item 7 too
    found = [e["resource"] for e in data["entry"]]
    responses = [r for r in found if r["resourceType"] == "QuestionnaireResponse"]
    first = responses[0]
    assert first["questionnaire"] == "urn:kratomlog:questionnaire:bam"
    assert [item["linkId"] for item in first["item"]] == [f"bam-{n}" for n in range(1, 18)]
    drugs = [a["valueCoding"]["code"] for a in first["item"][6]["answer"]]
    assert drugs == ["bam-drug-kratom", "bam-drug-opiates"]
    assert "answer" not in responses[1]["item"][6]  # no drug used: no answer
    assert first["item"][7]["answer"] == [{"valueInteger": 3}]
    (subscales, _) = [r for r in found if r["resourceType"] == "Observation"]
    assert {c["code"]["coding"][0]["code"]: c["valueInteger"] for c in subscales["component"]} == {
        "bam-use": 4,
        "bam-risk": 13,
        "bam-protective": 13,
    }
    assert "valueInteger" not in subscales  # no total
    assert "loinc" not in json.dumps(data).lower()


def test_change_since_the_start_gives_each_subscale_with_its_direction_and_no_category(kl):
    kl("checkin", "bam", "--answers", FLAGGED, "--at", "2026-11-02T09:00")
    kl("checkin", "bam", "--answers", "1,1,1,0,0,2,kratom,1,3,1,1,2,4,4,0,4,3")
    found = json.loads(kl("checkins", "--outcomes", "--json").stdout)
    assert (found["bam_use"]["baseline"]["total"], found["bam_use"]["latest"]["total"]) == (4, 2)
    assert found["bam_risk"]["change"] == 5 - 13 and found["bam_risk"]["category"] is None
    assert found["bam_protective"]["change"] == 18 - 13
    assert found["bam_protective"]["higher_is_better"] is True
    out = kl("checkins", "--outcomes").stdout
    assert "BAM Protective went from 13 to 18 (higher is better)" in out
    assert "BAM Risk went from 13 to 5 (lower is better)" in out
