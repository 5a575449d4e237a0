"""Change since enrolment through the API: the patient's own and their clinician's view."""

import json
from datetime import timedelta

import pytest

from kratomlog.clinic import tokens
from kratomlog.clinic.models import AuditEntry
from tests.clinic.conftest import NOW


@pytest.fixture
def call(client, cast):
    keys = {
        "patient_a": tokens.issue(cast.patient_a.user, NOW),
        "clinician_a": tokens.issue(cast.clinician_a, NOW),
        "clinician_b": tokens.issue(cast.clinician_b, NOW),
    }

    def run(method, path, who, body=None):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {keys[who]}"}
        if body is None:
            return getattr(client, method)(f"/api/v1{path}", **headers)
        return getattr(client, method)(
            f"/api/v1{path}", data=json.dumps(body), content_type="application/json", **headers
        )

    return run


def _phq9(call, total_of_8_items: list[int], at: str):
    answer = call(
        "post", "/me/checkins", "patient_a",
        {"kind": "phq9", "answers": [*total_of_8_items, 0], "taken_at": at},
    )  # fmt: skip
    assert answer.status_code == 201, answer.content


def test_the_baseline_is_the_first_score_since_enrolment_and_the_category_follows(
    call, cast, clock
):
    clock.move_to(NOW + timedelta(days=28))
    _phq9(call, [3] * 8, (NOW - timedelta(days=2)).isoformat())  # 24, before joining
    _phq9(call, [2] * 8, (NOW + timedelta(days=1)).isoformat())  # 16: the baseline
    _phq9(call, [1, 1, 1, 1, 1, 1, 1, 0], (NOW + timedelta(days=27)).isoformat())  # 7

    mine = call("get", "/me/outcomes", "patient_a")
    assert mine.status_code == 200
    phq9 = mine.json()["phq9"]
    assert (phq9["baseline"]["total"], phq9["latest"]["total"], phq9["change"]) == (16, 7, -9)
    assert (phq9["category"], phq9["threshold"], phq9["cutoff"]) == ("recovered", 6, 10)
    assert "NHS Talking Therapies" in phq9["source"]
    assert mine.json()["gad7"] is None

    theirs = call("get", f"/patients/{cast.patient_a.public_id}/outcomes", "clinician_a")
    assert theirs.json() == mine.json()
    assert AuditEntry.objects.filter(
        actor=cast.clinician_a, what="outcomes", patient=cast.patient_a
    ).exists()
    other_team = call("get", f"/patients/{cast.patient_a.public_id}/outcomes", "clinician_b")
    assert other_team.status_code == 404


def test_the_taper_review_by_api_for_the_patient_and_their_clinician(call, cast, clock):
    set_plan = call(
        "put", f"/patients/{cast.patient_a.public_id}/plan", "clinician_a",
        {"name": "taper", "start": "2026-11-24", "rule": [
            {"kind": "taper", "start_grams_per_day": 4, "step": "1", "every_days": 2,
             "floor_grams": 0},
        ]},
    )  # fmt: skip
    assert set_plan.status_code == 200, set_plan.content
    clock.move_to(NOW + timedelta(days=4))  # Friday 27 November: the second step's last day
    for when, grams in (("2026-11-24T09:00", 4), ("2026-11-25T09:00", 5), ("2026-11-26T09:00", 3)):
        answer = call(
            "post", "/me/entries", "patient_a",
            {"substance": "kratom", "amount": grams, "taken_at": f"{when}+01:00"},
        )  # fmt: skip
        assert answer.status_code == 201, answer.content

    mine = call("get", "/me/taper-review", "patient_a").json()
    assert "NIDA Clinical Trials Network" in mine["source"]
    first, second = mine["steps"][:2]
    assert (first["from"], first["to"], first["allowance_grams"]) == ("2026-11-24", "2026-11-25", 4)
    assert (first["days"], first["days_within"], first["grams_max"], first["state"]) == (
        2,
        1,
        5,
        "done",
    )
    assert (second["allowance_grams"], second["current"], second["days"]) == (3, True, 2)
    assert [s["state"] for s in mine["steps"][2:]] == ["to come"] * 3
    theirs = call("get", f"/patients/{cast.patient_a.public_id}/taper-review", "clinician_a")
    assert theirs.json() == mine
