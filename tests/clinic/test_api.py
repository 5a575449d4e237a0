"""The API as outside tools use it: bearer tokens, the contract's answers, 404 for the forbidden."""

import json
from datetime import timedelta

import pytest

from kratomlog.clinic import tokens
from kratomlog.clinic.consent import CARE_CONSENT
from kratomlog.clinic.models import Alert, AuditEntry, Standing
from kratomlog.journal.models import Entry
from tests.clinic.conftest import NOW

UNKNOWN = "00000000-0000-0000-0000-000000000000"


@pytest.fixture
def call(client, cast):
    keys = {
        name: tokens.issue(getattr(cast, name) if hasattr(cast, name) else None, NOW)
        for name in ("clinician_a", "clinician_b", "researcher", "admin")
    }
    keys["patient_a"] = tokens.issue(cast.patient_a.user, NOW)
    keys["patient_b"] = tokens.issue(cast.patient_b.user, NOW)

    def run(method, path, who=None, body=None, **params):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {keys[who]}"} if who else {}
        url = f"/api/v1{path}"
        if body is not None:
            return getattr(client, method)(
                url, data=json.dumps(body), content_type="application/json", **headers
            )
        return getattr(client, method)(url, data=params or None, **headers)

    return run


def test_without_a_token_the_api_answers_401_but_the_consent_text_is_public(call):
    assert call("get", "/me/status").status_code == 401
    assert call("get", "/patients").status_code == 401
    answer = call("get", "/consent")
    assert answer.status_code == 200 and answer.json()["version"] == CARE_CONSENT.version


def test_a_patient_logs_a_dose_and_hears_what_it_breaks(call, cast):
    from kratomlog.plans.services import set_plan

    set_plan(person=cast.patient_a.person, preset_or_file="break-90", now=NOW)
    answer = call("post", "/me/entries", "patient_a", {"substance": "kratom", "amount": 2,
                                                          "unit": "g", "taken_at": "2026-11-23T18:30"})  # fmt: skip
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["entry"]["grams"] == 2.0 and body["entry"]["taken_at"].startswith(
        "2026-11-23T17:30"
    )
    assert [b["kind"] for b in body["breaches"]] == ["no_use"]
    status = call("get", "/me/status", "patient_a").json()
    assert status["totals"]["grams_today"] == 2.0 and status["plan"]["name"] == "break-90"


def test_bad_input_is_422_naming_the_field_and_writes_nothing(call):
    for body, field in [
        ({"substance": "kratom", "amount": 2, "unit": "furlongs"}, "amount"),
        ({"substance": "kratom", "amount": 2, "unit": "g", "taken_at": "tomorrow-ish"}, "taken_at"),
        ({"substance": "kratom", "amount": -1, "unit": "g"}, "amount"),
    ]:
        answer = call("post", "/me/entries", "patient_a", body)
        assert answer.status_code == 422, body
        assert field in json.dumps(answer.json()["detail"])
    assert Entry.objects.count() == 0
    answer = call("post", "/me/checkins", "patient_a", {"kind": "phq9", "answers": [0, 1]})
    assert answer.status_code == 422 and "answers" in json.dumps(answer.json())


def test_a_phq9_with_item_9_answers_with_crisis_resources_and_alerts_the_team(call, cast):
    answer = call("post", "/me/checkins", "patient_a", {"kind": "phq9", "answers": [1] * 9})
    assert answer.status_code == 201
    body = answer.json()
    assert body["score"] == 9 and "988" in json.dumps(body["crisis_resources"])
    alerts = call("get", "/alerts", "clinician_a", state="open").json()
    assert [(a["kind"], a["patient_id"]) for a in alerts] == [
        ("self_harm_risk", str(cast.patient_a.public_id))
    ]
    assert call("get", "/alerts", "clinician_b").json() == []
    assert call("post", f"/alerts/{alerts[0]['id']}/ack", "clinician_b").status_code == 404
    acked = call("post", f"/alerts/{alerts[0]['id']}/ack", "clinician_a")
    assert acked.json()["state"] == "acknowledged"
    assert Alert.objects.get().acknowledged_by == cast.clinician_a


def test_triage_lists_own_team_most_urgent_first_and_audits_reads(call, cast):
    from kratomlog.clinic import people

    third = people.add_patient(email="cy@example.org", password="cy long password", timezone="UTC",
                               team=cast.north, consent_version=CARE_CONSENT.version,
                               share_with_care_team=True, now=NOW)  # fmt: skip
    call("post", "/me/checkins", "patient_a", {"kind": "phq9", "answers": [1] * 9})
    rows = call("get", "/patients", "clinician_a").json()
    assert [r["patient_id"] for r in rows] == [str(cast.patient_a.public_id), str(third.public_id)]
    assert rows[0]["reasons"] == ["self_harm_risk"] and rows[0]["phq9_latest"] == 9
    assert (
        call("get", "/patients", "clinician_a", reason="self_harm_risk").json()[0]["email"]
        == "ana@example.org"
    )
    assert len(call("get", "/patients", "clinician_a", reason="escalation").json()) == 0
    path = f"/patients/{cast.patient_a.public_id}/status"
    before = AuditEntry.objects.filter(action="read", patient=cast.patient_a).count()
    assert call("get", path, "clinician_a").status_code == 200
    assert AuditEntry.objects.filter(action="read", patient=cast.patient_a).count() == before + 1
    for who in ("clinician_b", "researcher", "admin", "patient_b", "patient_a"):
        assert call("get", path, who).status_code == 404, who
    assert call("get", f"/patients/{UNKNOWN}/status", "clinician_a").status_code == 404


def test_triage_costs_the_same_queries_for_3_and_30_patients(
    call, cast, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kratomlog.clinic import people

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert call("get", "/patients", "clinician_a").status_code == 200
        return len(queries)

    count()  # the token's first use is written once (then at most once a minute): not triage's
    small = count()
    for n in range(30):
        people.add_patient(email=f"p{n}@example.org", password="a long password 12", timezone="UTC",
                           team=cast.north, consent_version=CARE_CONSENT.version,
                           share_with_care_team=True, now=NOW)  # fmt: skip
    assert count() == small


def test_a_clinician_sets_a_plan_and_the_patient_sees_who_set_it(call, cast):
    path = f"/patients/{cast.patient_a.public_id}/plan"
    plan = {"name": "taper with Dr Lee", "start": "2026-11-24",
            "rule": [{"kind": "taper", "start_grams_per_day": 6, "step": 0.5, "every_days": 7,
                      "floor_grams": 0}]}  # fmt: skip
    answer = call("put", path, "clinician_a", plan)
    assert answer.status_code == 200, answer.content
    assert answer.json()["set_by"] == "Dr Lee"
    assert (
        call("put", f"/patients/{cast.patient_b.public_id}/plan", "clinician_a", plan).status_code
        == 404
    )
    bad = call("put", path, "clinician_a", {**plan, "rule": [{"kind": "sometimes"}]})
    assert bad.status_code == 422
    version = cast.patient_a.person.plan_versions.get()
    assert version.set_by == "Dr Lee" and version.name == "taper with Dr Lee"


def test_revoking_consent_by_api_hides_the_patient_at_the_next_request(call, cast):
    path = f"/patients/{cast.patient_a.public_id}/status"
    assert call("get", path, "clinician_a").status_code == 200
    assert (
        call("post", "/me/consent", "patient_a", {"share_with_care_team": False}).status_code == 200
    )
    assert call("get", path, "clinician_a").status_code == 404
    log = call("get", "/me/access-log", "patient_a").json()["items"]
    assert [(row["who"], row["action"]) for row in log] == [("lee@clinic.test", "read")]


def test_invitations_by_api_work_once(call, cast, clock):
    made = call("post", "/invitations", "clinician_a", {})
    assert made.status_code == 201
    code = made.json()["code"]
    body = {"email": "new@example.org", "password": "a long new password", "timezone": "UTC",
            "consent_version": CARE_CONSENT.version, "share_with_care_team": True}  # fmt: skip
    accepted = call("post", f"/invitations/{code}/accept", body=body)
    assert accepted.status_code == 201
    token = accepted.json()["token"]
    assert tokens.user_for(token, NOW).email == "new@example.org"
    assert (
        call(
            "post", f"/invitations/{code}/accept", body={**body, "email": "x@example.org"}
        ).status_code
        == 410
    )
    assert call("post", "/invitations", "patient_a", {}).status_code == 404
    clock.move_to(NOW + timedelta(days=15))
    assert call("post", "/invitations/AAAA-BBBB-CCCC/accept", body=body).status_code == 410


def test_only_admins_read_the_audit_log(call, cast):
    assert (
        call("get", "/audit", "admin", patient=str(cast.patient_a.public_id)).json()["total"] >= 1
    )
    for who in ("clinician_a", "researcher", "patient_a"):
        assert call("get", "/audit", who).status_code == 404


def test_entries_are_paged_newest_first(call, cast):
    for hour in (10, 11, 12):
        call("post", "/me/entries", "patient_a", {"substance": "kratom", "amount": 1, "unit": "g",
                                                  "taken_at": f"2026-11-23T{hour}:00"})  # fmt: skip
    page = call("get", "/me/entries", "patient_a", per_page=2).json()
    assert page["total"] == 3 and [e["taken_at"][11:13] for e in page["items"]] == ["11", "10"]
    assert Standing.objects.get(patient=cast.patient_a).use_days_28 == 1


def test_text_the_database_cannot_store_is_422_not_a_server_error(call):
    answer = call("post", "/me/entries", "patient_a",
                  {"substance": "kratom", "amount": 1, "unit": "g", "note": "a\x00b"})  # fmt: skip
    assert answer.status_code == 422 and "NUL" in json.dumps(answer.json())
    assert Entry.objects.count() == 0
