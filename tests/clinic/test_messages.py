"""Secure messages: a patient and their care team write to each other while the patient shares;
each side is told by one mail with no words of the message; another team never sees it."""

import json

from django.core import mail
from django.test import override_settings

from kratomlog.clinic import message_mail, people, tokens
from kratomlog.clinic.models import AuditEntry, Message
from tests.clinic.conftest import NOW
from tests.clinic.helpers_ca import patient_client, verified_client

LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


@override_settings(MAILERS=LOCMEM)
def test_a_conversation_on_the_pages_with_one_mail_a_burst_and_no_words_in_it(cast):
    patient = patient_client(cast.patient_a)
    page = patient.get("/messages").content.decode()
    assert "not for emergencies" in page and 'href="/help"' in page
    patient.post("/messages", {"text": "The nights are bad since the step down."})
    patient.post("/messages", {"text": "And my legs are restless."})
    first, second = Message.objects.order_by("id")
    assert message_mail.announce_now(second.id) == 1  # both, in one mail to Dr Lee
    assert message_mail.announce_now(first.id) == 0
    assert [m.to for m in mail.outbox] == [["lee@clinic.test"]]
    words = mail.outbox[0].subject + mail.outbox[0].body
    assert "nights" not in words and "legs" not in words
    assert f"/clinic/patients/{cast.patient_a.public_id}/messages" in words

    lee = verified_client(cast.clinician_a)
    inbox = lee.get("/clinic/messages").content.decode()
    assert "ana@example.org" in inbox
    conversation = lee.get(f"/clinic/patients/{cast.patient_a.public_id}/messages").content
    assert "restless" in conversation.decode()
    assert AuditEntry.objects.filter(actor=cast.clinician_a, what="messages",
                                     patient=cast.patient_a).exists()  # fmt: skip
    lee.post(f"/clinic/patients/{cast.patient_a.public_id}/messages", {"text": "Call us at 10."})
    assert "No conversation is waiting" in lee.get("/clinic/messages").content.decode()
    mine = patient.get("/messages").content.decode()
    assert "Dr Lee" in mine and "Call us at 10." in mine and "read " in mine

    okafor = verified_client(cast.clinician_b)
    url = f"/clinic/patients/{cast.patient_a.public_id}/messages"
    assert okafor.get(url).status_code == 404
    people.set_sharing(cast.patient_a, False, NOW, actor=cast.patient_a.user)
    assert lee.get(url).status_code == 404
    assert "You stopped sharing" in patient.get("/messages").content.decode()


def test_messages_through_the_api_and_their_bounds(cast, client):
    ana = {"HTTP_AUTHORIZATION": f"Bearer {tokens.issue(cast.patient_a.user, NOW)}"}
    lee = {"HTTP_AUTHORIZATION": f"Bearer {tokens.issue(cast.clinician_a, NOW)}"}
    okafor = {"HTTP_AUTHORIZATION": f"Bearer {tokens.issue(cast.clinician_b, NOW)}"}
    sent = client.post("/api/v1/me/messages", json.dumps({"text": "Hello"}), "application/json",
                       **ana)  # fmt: skip
    assert sent.status_code == 201 and sent.json()["author"] == "patient"
    too_long = client.post("/api/v1/me/messages", json.dumps({"text": "x" * 5001}),
                           "application/json", **ana)  # fmt: skip
    assert too_long.status_code == 422 and "at most 5,000" in json.dumps(too_long.json())
    path = f"/api/v1/patients/{cast.patient_a.public_id}/messages"
    listed = client.get(path, **lee).json()
    assert [m["text"] for m in listed] == ["Hello"]
    assert client.get(path, **okafor).status_code == 404
    answer = client.post(path, json.dumps({"text": "Hi Ana"}), "application/json", **lee)
    assert answer.json()["author"] == "Dr Lee"
    read = client.post(f"/api/v1/me/messages/{answer.json()['id']}/read", **ana)
    assert read.json()["read_at"] is not None
    assert Message.objects.filter(text="Hello").get().read_at is not None  # Dr Lee listed it
