"""The clinic's outcomes: counts by category with intervals, small cells hidden, one team's
patients for its clinician, all for an admin; the page, its CSV and the API agree."""

import json
from datetime import timedelta

import pytest

from kratomlog.checkins.services import record_checkin
from kratomlog.clinic import people, tokens
from kratomlog.clinic.consent import CARE_CONSENT
from tests.clinic.conftest import NOW
from tests.clinic.helpers_ca import verified_client

BASELINE, RECOVERED, UNCHANGED = "3,2,2,2,2,2,1,1,0", "1,1,1,1,1,1,1,1,0", "2,2,2,2,2,2,1,1,0"


def _patient(n: int, team, baseline: str, latest: str):  # type: ignore[no-untyped-def]
    patient = people.add_patient(
        email=f"p{n}@example.org", password="a long patient password", timezone="Europe/Berlin",
        team=team, consent_version=CARE_CONSENT.version, share_with_care_team=True, now=NOW,
    )  # fmt: skip
    for answers, days in ((baseline, 1), (latest, 20)):
        record_checkin(
            person=patient.person, key="phq9", now=NOW + timedelta(days=21), answers=answers,
            at=(NOW + timedelta(days=days)).isoformat(),
        )  # fmt: skip
    return patient


@pytest.fixture
def clinic(cast, clock):
    for n in range(5):
        _patient(n, cast.north, BASELINE, RECOVERED)  # 15 -> 8: recovered
    _patient(5, cast.north, BASELINE, UNCHANGED)  # 15 -> 14: no reliable change
    for n in range(6, 12):
        _patient(n, cast.south, BASELINE, RECOVERED)
    clock.move_to(NOW + timedelta(days=21))
    return cast


def test_a_clinician_sees_their_teams_counts_with_intervals_and_no_cell_under_5(clinic, client):
    token = tokens.issue(clinic.clinician_a, NOW + timedelta(days=21))
    answer = client.get("/api/v1/outcomes", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert answer.status_code == 200, answer.content
    everyone = answer.json()["groups"][0]
    assert everyone["group"] == "all patients"
    assert everyone["in_care"] == 7  # six here and Ana, who has no scores yet
    phq9 = everyone["instruments"]["phq9"]
    assert phq9["with_two_scores"] == 6
    assert phq9["recovered"] == {"count": 5, "share": 0.833, "low": 0.436, "high": 0.97}
    assert phq9["no_reliable_change"]["count"] == "fewer than 5"
    assert phq9["no_reliable_change"]["share"] is None
    assert phq9["deteriorated"]["count"] == 0
    assert [g["group"] for g in answer.json()["groups"]] == [
        "all patients", "enrolled 2026-11", "team North",
    ]  # fmt: skip

    page = verified_client(clinic.clinician_a).get("/clinic/outcomes").content.decode()
    assert "5 (83%; 44% to 97%)" in page and "fewer than 5" in page
    assert "team South" not in page
    csv = verified_client(clinic.clinician_a).get("/clinic/outcomes.csv")
    assert csv["Content-Type"].startswith("text/csv")
    assert "all patients,7,phq9,recovered,5,0.833,0.436,0.97" in csv.content.decode()


def test_an_admin_sees_every_team_and_a_researcher_nothing(clinic, client):
    admin = verified_client(clinic.admin).get("/clinic/outcomes").content.decode()
    assert "team South" in admin and "team North" in admin
    assert verified_client(clinic.researcher).get("/clinic/outcomes").status_code == 404
    token = tokens.issue(clinic.patient_a.user, NOW + timedelta(days=21))
    assert client.get("/api/v1/outcomes", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 404


def test_a_bad_period_is_named_and_the_page_still_answers(clinic, client):
    page = verified_client(clinic.clinician_a).get("/clinic/outcomes", {"from": "2026-13-01"})
    assert page.status_code == 422
    assert "From: &#x27;2026-13-01&#x27; is not a date; YYYY-MM-DD" in page.content.decode()
    token = tokens.issue(clinic.clinician_a, NOW + timedelta(days=21))
    answer = client.get("/api/v1/outcomes", {"from": "2026-12-31", "to": "2026-01-01"},
                        HTTP_AUTHORIZATION=f"Bearer {token}")  # fmt: skip
    assert answer.status_code == 422 and "runs forward" in json.dumps(answer.json())
