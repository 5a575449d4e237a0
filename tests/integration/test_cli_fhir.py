"""`kratomlog export fhir`: the journal as a FHIR R4 Bundle that fhir.resources accepts, coded
with LOINC where LOINC has the code and with kratomlog's own code system where it does not."""

import json

import pytest

from tests.integration.test_cli_checkins import LAST_NIGHT

PHQ9 = "1,2,1,2,1,0,1,1,0"
GAD7 = "0,1,2,3,0,1,2"


@pytest.fixture
def journal(kl):
    kl("dose", "3g", "--at", "2026-11-22T21:30", "--note", "after the long shift")
    kl("magnesium", "1000mg", "--form", "citrate", "--at", "2026-11-22T22:00")
    kl("substance", "beer", "2 drinks", "--category", "alcohol", "--at", "2026-11-22T20:00")
    kl("checkin", "phq9", "--answers", PHQ9, "--at", "2026-11-23T09:00")
    kl("checkin", "gad7", "--answers", GAD7, "--at", "2026-11-23T09:05")
    kl("checkin", "withdrawal", "--answers", "1,2,0,0,1,3,2,4,1,0,2", "--at", "2026-11-23T09:10")
    kl("checkin", "craving", "--answers", "6", "--at", "2026-11-23T09:15")
    kl("sleep", *LAST_NIGHT)
    return kl


def resources(bundle, kind):
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_the_bundle_is_valid_fhir_r4_of_type_collection(journal, tmp_path):
    from fhir.resources.R4B.bundle import Bundle

    # A long path, past the 80 columns of a pipe: said whole, on one line, to copy.
    out = tmp_path / ("a-folder-with-a-long-name-" * 3) / "journal.fhir.json"
    out.parent.mkdir()
    result = journal("export", "fhir", "--output", out)
    assert f"Wrote {out}\n" in result.stderr
    data = json.loads(out.read_text())
    parsed = Bundle.model_validate(data)  # raises on anything R4 does not allow
    assert parsed.type == "collection"
    kinds = [e["resource"]["resourceType"] for e in data["entry"]]
    assert kinds.count("Patient") == 1 and kinds.count("MedicationStatement") == 3
    assert kinds.count("QuestionnaireResponse") == 2 and kinds.count("Observation") == 5
    patient = f"urn:uuid:{resources(data, 'Patient')[0]['id']}"
    for entry in data["entry"][1:]:
        assert entry["resource"]["subject"]["reference"] == patient


def test_an_invalid_resource_is_refused_by_the_validator(journal):
    from fhir.resources.R4B.bundle import Bundle
    from pydantic import ValidationError

    data = json.loads(journal("export", "fhir").stdout)
    statement = resources(data, "MedicationStatement")[0]
    statement["status"] = 42  # proves the test above would catch a malformed resource
    with pytest.raises(ValidationError):
        Bundle.model_validate(data)


def test_phq9_and_gad7_carry_loinc_panel_total_and_item_codes(journal):
    data = json.loads(journal("export", "fhir").stdout)
    phq9, gad7 = resources(data, "QuestionnaireResponse")
    assert phq9["questionnaire"] == "http://loinc.org/q/44249-1"
    assert [i["linkId"] for i in phq9["item"]][-1] == "44260-8"
    assert [i["answer"][0]["valueInteger"] for i in phq9["item"]] == [1, 2, 1, 2, 1, 0, 1, 1, 0]
    assert gad7["questionnaire"] == "http://loinc.org/q/69737-5"
    assert [i["linkId"] for i in gad7["item"]][:2] == ["69725-0", "68509-9"]
    totals = {
        o["code"]["coding"][0]["code"]: o
        for o in resources(data, "Observation")
        if o["code"]["coding"][0]["system"] == "http://loinc.org"
    }
    assert totals["44261-6"]["valueInteger"] == 9
    assert totals["44261-6"]["derivedFrom"] == [{"reference": f"urn:uuid:{phq9['id']}"}]
    assert totals["44261-6"]["effectiveDateTime"] == "2026-11-23T09:00:00+01:00"
    assert totals["70274-6"]["valueInteger"] == 9


def test_our_own_measures_use_our_own_code_system_not_loinc(journal):
    data = json.loads(journal("export", "fhir").stdout)
    own = {
        o["code"]["coding"][0]["code"]: o
        for o in resources(data, "Observation")
        if o["code"]["coding"][0]["system"] == "urn:kratomlog:codes"
    }
    assert set(own) == {"withdrawal-checkin", "craving", "sleep-diary"}
    assert own["withdrawal-checkin"]["valueInteger"] == 16
    assert len(own["withdrawal-checkin"]["component"]) == 11
    assert own["craving"]["valueInteger"] == 6
    night = {c["code"]["coding"][0]["code"]: c for c in own["sleep-diary"]["component"]}
    assert night["time-in-bed"]["valueQuantity"] == {
        "value": 470.0,
        "unit": "min",
        "system": "http://unitsofmeasure.org",
        "code": "min",
    }
    assert night["sleep-efficiency"]["valueQuantity"]["value"] == pytest.approx(80.851, abs=1e-3)
    assert night["sleep-efficiency"]["valueQuantity"]["code"] == "%"


def test_doses_are_medication_statements_in_grams_and_magnesium_in_mg(journal):
    data = json.loads(journal("export", "fhir").stdout)
    by_text = {
        r["medicationCodeableConcept"]["text"]: r for r in resources(data, "MedicationStatement")
    }
    dose = by_text["kratom (powder)"]["dosage"][0]["doseAndRate"][0]["doseQuantity"]
    assert (dose["value"], dose["code"], dose["system"]) == (3.0, "g", "http://unitsofmeasure.org")
    assert by_text["kratom (powder)"]["note"] == [{"text": "after the long shift"}]
    assert by_text["kratom (powder)"]["effectiveDateTime"] == "2026-11-22T21:30:00+01:00"
    mg = by_text["magnesium (citrate), as elemental magnesium"]["dosage"][0]
    assert mg["doseAndRate"][0]["doseQuantity"]["value"] == pytest.approx(162.0)
    assert mg["doseAndRate"][0]["doseQuantity"]["code"] == "mg"
    assert by_text["beer (alcohol)"]["dosage"][0] == {"text": "2 drinks"}


def test_an_unknown_format_is_refused_naming_the_accepted_ones(kl):
    result = kl("export", "xml", code=2)
    assert "FORMAT: 'xml'; use json, csv or fhir" in result.stderr
