"""The sync endpoints' rules, through Django's test client: upsert by uid, conflicts, bad input."""

import json
import uuid
from datetime import timedelta

import pytest

from kratomlog.checkins.models import CheckIn
from kratomlog.clinic import care_plans, stale, tokens
from kratomlog.clinic.models import Alert, Standing
from kratomlog.core.instruments import instrument, score
from kratomlog.core.plan import preset_plan
from kratomlog.journal import services
from kratomlog.journal.models import Change, Entry
from kratomlog.plans.models import PlanVersion
from kratomlog.sync import records
from tests.clinic.conftest import NOW

BERLIN = "Europe/Berlin"


@pytest.fixture
def send(client, cast):
    keys = {
        "patient_a": tokens.issue(cast.patient_a.user, NOW),
        "patient_b": tokens.issue(cast.patient_b.user, NOW),
        "clinician_a": tokens.issue(cast.clinician_a, NOW),
    }

    def run(body=None, who="patient_a", method="post", since=None):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {keys[who]}"}
        if method == "get":
            query = {"since": since} if since is not None else None
            return client.get("/api/v1/me/sync", data=query, **headers)
        return client.post(
            "/api/v1/me/sync", data=json.dumps(body), content_type="application/json", **headers
        )

    return run


def entry_doc(grams=2.0, at=NOW - timedelta(hours=3), note=""):
    return {
        "uid": str(uuid.uuid4()), "substance": "kratom", "name": "kratom", "category": "",
        "amount": grams, "unit": "g", "grams": grams, "elemental_mg": None, "compound": "",
        "form": "powder", "purpose": "", "note": note, "timezone": BERLIN, "source": "manual",
        "source_key": None, "deleted": False, "taken_at": at.isoformat(),
        "local_day": at.date().isoformat(), "product": None, "imported_by": None,
    }  # fmt: skip


def change_doc(entry, at=NOW - timedelta(hours=3)):
    return {
        "uid": str(uuid.uuid4()), "at": at.isoformat(), "action": "log",
        "summary": f"logged {entry['grams']:g} g kratom", "entry": entry["uid"], "before": None,
        "after": {k: v for k, v in entry.items() if k not in ("uid", "imported_by")},
        "undone": False,
    }  # fmt: skip


def phq9_doc(answers):
    scored = score(instrument("phq9"), answers)
    return {
        "uid": str(uuid.uuid4()), "taken_at": (NOW - timedelta(hours=1)).isoformat(),
        "local_day": NOW.date().isoformat(), "instrument": "phq9", "timezone": BERLIN,
        "answers": answers, "total": scored.total, "band": scored.band, "self_harm": scored.self_harm,
        "note": "", "deleted": False,
    }  # fmt: skip


def record(kind, data, base=None, edited_at=NOW - timedelta(hours=2)):
    return {"kind": kind, "uid": data["uid"], "base": base, "edited_at": edited_at.isoformat(),
            "data": data}  # fmt: skip


def test_a_batch_is_added_once_and_the_same_batch_again_adds_nothing(send, cast, clock):
    entry = entry_doc()
    phq9 = phq9_doc([1, 1, 1, 1, 1, 1, 1, 1, 1])
    body = {"records": [record("change", change_doc(entry)), record("entry", entry),
                        record("checkin", phq9)]}  # fmt: skip
    first = send(body)
    assert first.status_code == 200, first.content
    assert [r["outcome"] for r in first.json()["results"]] == ["added"] * 3
    person = cast.patient_a.person
    stored = Entry.objects.get(uid=entry["uid"])
    assert stored.person == person and stored.grams == 2.0
    # The journal's own history came along, its change pointing at its entry.
    assert Change.objects.get(uid=body["records"][0]["uid"]).entry == stored
    # The clinic's standing and alerts follow a sync as any other write: item 9 above 0.
    assert Alert.objects.filter(patient=cast.patient_a, kind="self_harm_risk").count() == 1
    standing = Standing.objects.get(patient=cast.patient_a)
    assert standing.grams_28 == 2.0 and standing.phq9_latest == 9
    changes = Change.objects.filter(person=person).count()
    again = send(body)
    assert [r["outcome"] for r in again.json()["results"]] == ["same"] * 3
    assert Entry.objects.filter(person=person).count() == 1
    assert CheckIn.objects.filter(person=person).count() == 1
    assert Change.objects.filter(person=person).count() == changes  # nothing to record
    digests = {r["uid"]: r["digest"] for r in first.json()["results"]}
    assert digests[entry["uid"]] == records.digest(records.document("entry", stored))


def test_a_synced_phq9_alerts_in_its_batch_and_synced_doses_wait_for_the_worker(send, cast, clock):
    services.log_kratom(person=cast.patient_a.person, amount="1g", now=NOW)  # her standing made
    entry = entry_doc()
    doses = send({"records": [record("change", change_doc(entry)), record("entry", entry)]})
    assert doses.status_code == 200, doses.content
    assert Standing.objects.get(patient=cast.patient_a).stale_since == NOW  # the worker's turn
    phq9 = send({"records": [record("checkin", phq9_doc([1, 1, 1, 1, 1, 1, 1, 1, 1]))]})
    assert phq9.status_code == 200, phq9.content
    # Raised in the batch's own transaction: the urgent alert is there before any worker runs;
    # the standing, the doses before it counted too, is the worker's turn.
    assert Alert.objects.filter(patient=cast.patient_a, kind="self_harm_risk").count() == 1
    assert Standing.objects.get(patient=cast.patient_a).stale_since == NOW
    assert stale.bring_up_to_date(NOW, wait=False) == 1
    standing = Standing.objects.get(patient=cast.patient_a)
    assert standing.grams_28 == 3.0 and standing.reasons[0] == "self_harm_risk"
    assert Alert.objects.filter(patient=cast.patient_a, kind="self_harm_risk").count() == 1


def test_an_edit_on_both_sides_keeps_both_versions_and_the_later_edit_wins(send, cast, clock):
    person = cast.patient_a.person
    entry = entry_doc(grams=2.0)
    base = send({"records": [record("entry", entry)]}).json()["results"][0]["digest"]
    stored = Entry.objects.get(uid=entry["uid"])
    clock.move_to(NOW + timedelta(hours=1))  # the patient edits it on the clinic's pages
    services.edit_entry(person=person, entry_id=stored.id, now=NOW + timedelta(hours=1),
                        note="edited on the phone")  # fmt: skip
    clock.move_to(NOW + timedelta(hours=2))
    mine = {**entry, "amount": 3.0, "grams": 3.0}  # edited earlier, on the laptop
    earlier = send({"records": [record("entry", mine, base, NOW + timedelta(minutes=30))]}).json()
    assert earlier["results"][0]["outcome"] == "kept_clinic"
    assert earlier["results"][0]["data"]["note"] == "edited on the phone"
    assert earlier["conflicts"][0]["winner"] == "clinic"
    stored.refresh_from_db()
    assert stored.grams == 2.0 and stored.note == "edited on the phone"
    history = Change.objects.filter(entry=stored).order_by("id")
    assert any(c.before and c.before.get("grams") == 3.0 for c in history)  # the laptop's version
    # Edited again on the laptop, after the phone: the laptop's version wins, the phone's kept.
    later = {**mine, "note": "edited on the laptop"}
    answer = send({"records": [record("entry", later, base, NOW + timedelta(hours=2))]}).json()
    assert answer["results"][0]["outcome"] == "updated"
    assert answer["conflicts"][0]["winner"] == "journal"
    stored.refresh_from_db()
    assert stored.grams == 3.0 and stored.note == "edited on the laptop"
    latest = Change.objects.filter(entry=stored).order_by("-id").first()
    assert latest.before["note"] == "edited on the phone" and latest.after["grams"] == 3.0
    # An edit made only on the laptop (its base is the clinic's version) is simply taken.
    now_base = answer["results"][0]["digest"]
    plain = {**later, "purpose": "sleep"}
    taken = send({"records": [record("entry", plain, now_base, NOW + timedelta(hours=2))]}).json()
    assert taken["results"][0]["outcome"] == "updated" and taken["conflicts"] == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda b: b["records"][0]["data"].update(grams=-1), "records[0].data.grams"),
        (lambda b: b["records"][0]["data"].pop("taken_at"), "records[0].data.taken_at"),
        (lambda b: b["records"][0].update(uid=str(uuid.uuid4())), "records[0].uid"),
        (lambda b: b["records"][0].update(edited_at="yesterday"), "records[0].edited_at"),
        (lambda b: b["records"].append(dict(b["records"][0])), "records[1].uid"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_writes_nothing(send, cast, clock, change, field):
    body = {"records": [record("entry", entry_doc())]}
    change(body)
    answer = send(body)
    assert answer.status_code == 422, answer.content
    assert field in json.dumps(answer.json()["detail"])
    assert not Entry.objects.filter(person=cast.patient_a.person).exists()


def test_a_batch_is_at_most_500_records_of_known_kinds(send, cast, clock):
    entry = entry_doc()
    assert send({"records": [record("entry", entry)] * 501}).status_code == 422
    assert send({"records": [{**record("entry", entry), "kind": "visit"}]}).status_code == 422
    assert send({"records": [record("entry", entry)], "extra": 1}).status_code in (200, 422)


def test_a_uid_of_another_patients_journal_is_refused(send, cast, clock):
    entry = entry_doc()
    assert send({"records": [record("entry", entry)]}, who="patient_b").status_code == 200
    answer = send({"records": [record("entry", entry)]})
    assert answer.status_code == 422 and "another journal" in answer.content.decode()
    assert Entry.objects.get(uid=entry["uid"]).person == cast.patient_b.person


def test_the_plans_a_clinician_set_come_back_once_each_by_cursor(send, cast, clock):
    person = cast.patient_a.person
    from kratomlog.plans.services import set_preset

    set_preset(person=person, name="occasional", now=NOW)  # the patient's own: not sent back
    plan = preset_plan("ceiling-3g-a-dose", NOW.date())
    care_plans.set_for_patient(cast.clinician_a, cast.patient_a, plan, NOW)
    answer = send(method="get").json()
    assert [p["data"]["name"] for p in answer["plans"]] == ["ceiling-3g-a-dose"]
    assert answer["plans"][0]["set_by"] == "Dr Lee" and answer["more"] is False
    version = PlanVersion.objects.get(name="ceiling-3g-a-dose")
    assert answer["plans"][0]["digest"] == records.digest(records.plan_document(version))
    assert send(method="get", since=answer["cursor"]).json()["plans"] == []
    assert send(method="get", who="patient_b").json()["plans"] == []
    assert send(method="get", who="clinician_a").status_code == 404
    assert send(method="get", since="-1").status_code == 422
