"""The conversation with the care team in the patient's JSON export and its round trip, and in
their FHIR bundle as Communication resources."""

import json
from datetime import timedelta

import pytest
from django.test import Client

from kratomlog.clinic import messages, tokens
from kratomlog.clinic.models import Message
from kratomlog.core.formats import ImportRejected
from kratomlog.journal import transfer
from kratomlog.journal.models import Person
from kratomlog.journal.undo import undo_latest
from tests.clinic.conftest import NOW


@pytest.fixture
def conversation(cast):
    ana = cast.patient_a
    messages.send(ana, ana.user, "The nights are bad since the step down.", NOW)
    messages.mark_read(ana, by_patient=False, now=NOW + timedelta(hours=1))
    messages.send(ana, cast.clinician_a, "Call us at 10 <b>tomorrow</b>.", NOW + timedelta(hours=2))
    return ana


def test_the_export_holds_the_conversation_with_authors_and_when_it_was_read(conversation):
    exported = transfer.export_json(conversation.person, NOW + timedelta(hours=3))["messages"]
    assert exported == [
        {"sent_at": "2026-11-23T18:00:00+00:00", "from_patient": True, "author": "patient",
         "text": "The nights are bad since the step down.",
         "read_at": "2026-11-23T19:00:00+00:00"},
        {"sent_at": "2026-11-23T20:00:00+00:00", "from_patient": False, "author": "Dr Lee",
         "text": "Call us at 10 <b>tomorrow</b>.", "read_at": None},
    ]  # fmt: skip


def test_a_journal_that_imports_it_keeps_the_conversation_once_and_exports_it_again(conversation):
    later = NOW + timedelta(hours=3)
    text = json.dumps(transfer.export_json(conversation.person, later))
    laptop = Person.objects.create(timezone="Europe/Berlin")
    transfer.import_json(person=laptop, text=text, now=later)
    laptop.refresh_from_db()
    again = transfer.export_json(laptop, later)["messages"]
    assert again == json.loads(text)["messages"]
    transfer.import_json(person=laptop, text=text, now=later)  # a second time: nothing new
    laptop.refresh_from_db()
    assert len(laptop.earlier_messages) == 2
    undo_latest(person=laptop, now=later)  # the import undone takes the conversation with it
    laptop.refresh_from_db()
    assert laptop.earlier_messages == [] and laptop.entries.count() == 0


def test_importing_their_own_export_adds_nothing_to_the_conversation_the_team_reads(conversation):
    later = NOW + timedelta(hours=3)
    text = json.dumps(transfer.export_json(conversation.person, later))
    transfer.import_json(person=conversation.person, text=text, now=later)
    conversation.person.refresh_from_db()
    assert Message.objects.filter(patient=conversation).count() == 2
    assert conversation.person.earlier_messages == []
    assert len(transfer.export_json(conversation.person, later)["messages"]) == 2


def test_a_message_too_long_in_a_file_is_refused_naming_it_and_nothing_is_imported(cast):
    laptop = Person.objects.create(timezone="Europe/Berlin")
    document = transfer.export_json(laptop, NOW)
    document["messages"] = [{"sent_at": NOW.isoformat(), "from_patient": True,
                             "author": "patient", "text": "x" * 5001, "read_at": None}]  # fmt: skip
    with pytest.raises(ImportRejected) as refused:
        transfer.import_json(person=laptop, text=json.dumps(document), now=NOW)
    assert "messages[0].text" in str(refused.value)
    laptop.refresh_from_db()
    assert laptop.earlier_messages == []


def test_the_fhir_bundle_has_each_message_as_a_completed_communication(conversation, cast):
    from fhir.resources.R4B.bundle import Bundle

    key = tokens.issue(cast.clinician_a, NOW)
    path = f"/api/v1/patients/{conversation.public_id}/fhir"
    data = Client().get(path, HTTP_AUTHORIZATION=f"Bearer {key}").json()
    Bundle.model_validate(data)
    patient = f"urn:uuid:{conversation.public_id}"
    sent = [e["resource"] for e in data["entry"]
            if e["resource"]["resourceType"] == "Communication"]  # fmt: skip
    assert [(c["status"], c["payload"][0]["contentString"]) for c in sent] == [
        ("completed", "The nights are bad since the step down."),
        ("completed", "Call us at 10 <b>tomorrow</b>."),
    ]
    ana_wrote, lee_wrote = sent
    assert ana_wrote["sender"] == {"reference": patient}
    assert ana_wrote["recipient"] == [{"display": "care team"}]
    assert ana_wrote["sent"] == "2026-11-23T19:00:00+01:00"  # in Ana's zone, Berlin
    assert ana_wrote["received"] == "2026-11-23T20:00:00+01:00"  # when Dr Lee read it
    assert lee_wrote["sender"] == {"display": "Dr Lee"}
    assert lee_wrote["recipient"] == [{"reference": patient}] and "received" not in lee_wrote


def test_a_patient_who_imports_an_earlier_conversation_reads_it_back_and_the_team_does_not(cast):
    from tests.clinic.helpers_ca import patient_client, verified_client

    laptop = Person.objects.create(timezone="Europe/Berlin")
    document = transfer.export_json(laptop, NOW)
    document["messages"] = [{"sent_at": "2026-10-01T08:00:00+00:00", "from_patient": False,
                             "author": "Dr Weiss", "text": "See you <i>Friday</i>.",
                             "read_at": None}]  # fmt: skip
    transfer.import_json(person=cast.patient_a.person, text=json.dumps(document), now=NOW)
    page = patient_client(cast.patient_a).get("/messages").content.decode()
    assert "Earlier messages, from a journal you imported (1)" in page
    assert "Dr Weiss" in page and "See you &lt;i&gt;Friday&lt;/i&gt;." in page
    assert "Thu 01 Oct 2026 10:00" in page  # in Ana's zone
    staff = verified_client(cast.clinician_a)
    seen = staff.get(f"/clinic/patients/{cast.patient_a.public_id}/messages").content.decode()
    assert "Dr Weiss" not in seen and "Friday" not in seen
