"""Every staff read of a patient's data is in the audit log and in that patient's access log:
lists included (which patients they showed); a patient's own API writes say what was written."""

import json

import pytest

from kratomlog.clinic import people, tokens
from kratomlog.clinic.models import Alert, AuditEntry
from tests.clinic.conftest import NOW
from tests.clinic.helpers_audit import run_as_app_role  # noqa: F401 (a fixture)
from tests.clinic.helpers_ca import verified_client


@pytest.fixture
def api(client, cast):
    keys = {
        "clinician_a": tokens.issue(cast.clinician_a, NOW),
        "patient_a": tokens.issue(cast.patient_a.user, NOW),
    }

    def run(method, path, who, body=None):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {keys[who]}"}
        if body is None:
            return getattr(client, method)(f"/api/v1{path}", **headers)
        return getattr(client, method)(
            f"/api/v1{path}", data=json.dumps(body), content_type="application/json", **headers
        )

    return run


def accesses(patient, what):
    return [row for row in people.access_log(patient) if row.what == what]


def test_the_triage_list_page_and_api_record_each_patient_they_showed(cast, api):
    lee = verified_client(cast.clinician_a)
    assert lee.get("/clinic/").status_code == 200
    (page_read,) = accesses(cast.patient_a, "triage list")
    assert (page_read.actor, page_read.action, page_read.role) == (
        cast.clinician_a,
        "read",
        "clinician",
    )
    assert api("get", "/patients", "clinician_a").status_code == 200
    assert len(accesses(cast.patient_a, "triage list (API)")) == 1
    # Ben (team South) was in neither list: nothing in his access log.
    assert not people.access_log(cast.patient_b).exists()
    shown = verified_client(cast.patient_a.user).get("/sharing")
    assert b"triage list" in shown.content


def test_alert_lists_and_an_alert_page_record_the_patient_read(cast, api):
    api("post", "/me/checkins", "patient_a", {"kind": "phq9", "answers": [1] * 9})
    alert = Alert.objects.get(patient=cast.patient_a)
    lee = verified_client(cast.clinician_a)
    assert lee.get("/clinic/alerts").status_code == 200
    assert len(accesses(cast.patient_a, "alert list")) == 1
    assert lee.get(f"/clinic/alerts/{alert.id}").status_code == 200
    assert len(accesses(cast.patient_a, f"alert {alert.id} ({alert.kind})")) == 1
    assert api("get", "/alerts", "clinician_a").status_code == 200
    assert len(accesses(cast.patient_a, "alert list (API)")) == 1


def test_an_admin_opening_or_changing_a_patients_account_is_in_their_access_log(cast):
    admin = verified_client(cast.admin)
    path = f"/admin/auth/user/{cast.patient_a.user.id}/change/"
    assert admin.get(path).status_code == 200
    (opened,) = accesses(cast.patient_a, "opened the patient's account in the admin")
    assert (opened.actor, opened.role) == (cast.admin, "admin")
    admin.post(path, {"username": "ana@example.org", "email": "ana@example.org",
                      "is_active": "on", "account-TOTAL_FORMS": "1",
                      "account-INITIAL_FORMS": "1", "account-0-role": "patient",
                      "account-0-id": cast.patient_a.user.account.id,
                      "account-0-user": cast.patient_a.user.id})  # fmt: skip
    assert len(accesses(cast.patient_a, "changed the patient's account in the admin")) == 1
    # A staff member's account is nobody's patient data.
    admin.get(f"/admin/auth/user/{cast.clinician_a.id}/change/")
    assert not AuditEntry.objects.filter(what__contains="account in the admin", patient=None)


def test_a_patients_api_writes_record_what_they_wrote(cast, api):
    answer = api("post", "/me/entries", "patient_a",
                 {"substance": "kratom", "amount": 2.5, "unit": "g",
                  "taken_at": "2026-11-23T17:30:00+00:00"})  # fmt: skip
    assert answer.status_code == 201
    uid = answer.json()["entry"]["uid"]
    (wrote,) = AuditEntry.objects.filter(action="write", what__contains=uid)
    assert wrote.what == f"logged kratom 2.5 g taken 2026-11-23 17:30 UTC (entry {uid})"
    assert (wrote.actor, wrote.patient, wrote.role) == (
        cast.patient_a.user,
        cast.patient_a,
        "patient",
    )
    checkin = api("post", "/me/checkins", "patient_a", {"kind": "gad7", "answers": [1] * 7})
    (scored,) = AuditEntry.objects.filter(action="write", what__startswith="check-in gad7")
    assert scored.what == f"check-in gad7, score 7 (check-in {checkin.json()['uid']})"


def test_a_sync_records_what_it_wrote_by_kind(cast, clock):
    from django.test import Client

    from tests.clinic.test_sync_api import change_doc, entry_doc, record

    entry = entry_doc()
    body = {"records": [record("change", change_doc(entry)), record("entry", entry)]}
    key = tokens.issue(cast.patient_a.user, NOW)
    answer = Client().post("/api/v1/me/sync", data=json.dumps(body),
                           content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {key}")  # fmt: skip
    assert answer.status_code == 200, answer.content
    (wrote,) = AuditEntry.objects.filter(action="write", what__startswith="sync:")
    assert wrote.what == "sync: 1 change added, 1 entry added; 0 edited on both sides"
    assert (wrote.actor, wrote.patient) == (cast.patient_a.user, cast.patient_a)


def test_each_api_request_is_one_row_of_its_callers_chain_a_write_its_own(cast, api):
    def rows_of(user):
        return list(AuditEntry.objects.filter(actor=user).order_by("seq")
                    .values_list("action", "what"))  # fmt: skip

    before = len(rows_of(cast.patient_a.user))
    written = api("post", "/me/entries", "patient_a", {"substance": "kratom", "amount": 2})
    refused = api("post", "/me/entries", "patient_a", {"substance": "kratom", "amount": -1})
    read = api("get", "/me/entries", "patient_a")
    forbidden = api("get", "/patients", "patient_a")  # the triage list: clinicians only
    assert [written.status_code, refused.status_code, read.status_code] == [201, 422, 200]
    assert forbidden.status_code == 404
    rows = rows_of(cast.patient_a.user)[before:]
    # The write's row says what it wrote, and stands for the token's use; the refused write,
    # the read and the forbidden call are each the token's use, nothing written.
    assert [action for action, _ in rows] == ["write", "token-used", "token-used", "token-used"]
    assert rows[0][1].startswith("logged kratom 2 g taken ")
    from kratomlog.clinic import audit

    assert audit.verify()[1] is None
