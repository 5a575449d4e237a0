"""The messages API as issue 20 states it: each message with its author, time and when the
other side read it; plain text up to 5,000 characters; every staff read in the patient's access
log; the conversation closed to the team while the patient does not share, and to other teams."""

import json

import pytest

from kratomlog.clinic import people, tokens
from tests.clinic.conftest import NOW


@pytest.fixture
def api(cast, client):
    keys = {who: tokens.issue(user, NOW) for who, user in (
        ("ana", cast.patient_a.user), ("lee", cast.clinician_a), ("okafor", cast.clinician_b))}  # fmt: skip

    def run(method, path, who, body=None):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {keys[who]}"}
        if body is None:
            return getattr(client, method)(path, **headers)
        return getattr(client, method)(path, json.dumps(body), "application/json", **headers)

    return run


def test_a_patients_message_answers_201_with_its_id_author_and_time_and_keeps_markup_as_text(
    api, cast
):
    markup = "<b>bad</b> night <script>alert(1)</script>"
    sent = api("post", "/api/v1/me/messages", "ana", {"text": markup})
    assert sent.status_code == 201
    assert {"id", "author", "sent_at"} <= set(sent.json())
    assert sent.json()["author"] == "patient" and sent.json()["text"] == markup
    assert sent.json()["sent_at"].startswith("2026-11-23T18:00:00")
    for client, path in (
        (people_page(cast, "ana"), "/messages"),
        (people_page(cast, "lee"), f"/clinic/patients/{cast.patient_a.public_id}/messages"),
    ):
        page = client.get(path).content.decode()
        assert "&lt;b&gt;bad&lt;/b&gt; night &lt;script&gt;" in page and "<b>bad" not in page


def people_page(cast, who):
    from tests.clinic.helpers_ca import patient_client, verified_client

    return patient_client(cast.patient_a) if who == "ana" else verified_client(cast.clinician_a)


def test_text_of_5000_characters_is_taken_and_one_more_is_refused_in_words(api):
    assert api("post", "/api/v1/me/messages", "ana", {"text": "x" * 5000}).status_code == 201
    refused = api("post", "/api/v1/me/messages", "ana", {"text": "x" * 5001})
    assert refused.status_code == 422
    assert "text" in json.dumps(refused.json()) and "at most 5,000" in json.dumps(refused.json())
    empty = api("post", "/api/v1/me/messages", "ana", {"text": "   "})
    assert empty.status_code == 422 and "empty" in json.dumps(empty.json())


def test_each_side_sees_when_the_other_read_and_every_staff_read_is_in_the_access_log(api, cast):
    path = f"/api/v1/patients/{cast.patient_a.public_id}/messages"
    mine = api("post", "/api/v1/me/messages", "ana", {"text": "Can we talk tomorrow?"}).json()
    assert mine["read_at"] is None
    assert api("get", path, "lee").json()[0]["read_at"] is not None  # Dr Lee listed it: read
    answer = api("post", path, "lee", {"text": "Yes, at 10."})
    assert answer.status_code == 201 and answer.json()["author"] == "Dr Lee"
    seen = api("post", f"{path}/{answer.json()['id']}/read", "lee")
    assert seen.status_code == 200 and seen.json()["read_at"] is None  # their own: not read
    read = api("post", f"/api/v1/me/messages/{answer.json()['id']}/read", "ana").json()
    assert read["read_at"] is not None
    listed = api("get", "/api/v1/me/messages", "ana").json()
    assert [(m["author"], m["read_at"] is not None) for m in listed] == [
        ("patient", True),
        ("Dr Lee", True),
    ]
    log = api("get", "/api/v1/me/access-log", "ana").json()["items"]
    reads = [(row["who"], row["action"], row["what"]) for row in log if row["what"] == "messages"]
    assert reads == [("lee@clinic.test", "read", "messages")] * 2  # the list and the read


def test_another_team_gets_404_and_stopping_sharing_closes_the_conversation_until_shared_again(
    api, cast
):
    path = f"/api/v1/patients/{cast.patient_a.public_id}/messages"
    first = api("post", "/api/v1/me/messages", "ana", {"text": "Hello"}).json()
    for who in ("okafor",):
        assert api("get", path, who).status_code == 404
        assert api("post", path, who, {"text": "Hi"}).status_code == 404
        assert api("post", f"{path}/{first['id']}/read", who).status_code == 404
    people.set_sharing(cast.patient_a, False, NOW, actor=cast.patient_a.user)
    assert api("get", path, "lee").status_code == 404
    assert api("post", path, "lee", {"text": "Hi"}).status_code == 404
    assert api("post", f"{path}/{first['id']}/read", "lee").status_code == 404
    refused = api("post", "/api/v1/me/messages", "ana", {"text": "still there?"})
    assert refused.status_code == 422 and "stopped sharing" in json.dumps(refused.json())
    assert [m["text"] for m in api("get", "/api/v1/me/messages", "ana").json()] == ["Hello"]
    people.set_sharing(cast.patient_a, True, NOW, actor=cast.patient_a.user)
    assert [m["text"] for m in api("get", path, "lee").json()] == ["Hello"]
    assert api("post", "/api/v1/me/messages", "ana", {"text": "back"}).status_code == 201
