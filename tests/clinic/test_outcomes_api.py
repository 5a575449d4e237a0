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
