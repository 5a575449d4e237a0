"""The study endpoints and the FHIR endpoint of the clinic's API, as outside tools use them."""

import json

import pytest
from django.test import Client

from tests.clinic.conftest import NOW
from tests.clinic.helpers_r11 import bearer, make_study


@pytest.fixture
def api(cast):
    return Client()


def test_a_patient_lists_joins_and_leaves_a_study(cast, api):
    from kratomlog.clinic.models import AuditEntry
    from kratomlog.research import services
    from kratomlog.research.models import ResearchConsent

    study = services.create_study(name="taper-2027", protocol_id="KL-01", now=NOW)
    headers = bearer(cast.patient_a.user)
    listed = api.get("/api/v1/studies", headers=headers).json()
    assert listed == [
        {
            "name": "taper-2027",
            "protocol": "KL-01",
            "start": None,
            "end": None,
            "version": study.consent_version,
            "text": study.consent_text,
            "joined": False,
        }
    ]
    joined = api.post(
        "/api/v1/me/studies/taper-2027/join",
        json.dumps({"consent_version": study.consent_version}),
        content_type="application/json",
        headers=headers,
    )
    assert joined.status_code == 201 and joined.json()["study"] == "taper-2027"
    assert api.get("/api/v1/studies", headers=headers).json()[0]["joined"] is True
    left = api.delete("/api/v1/me/studies/taper-2027", headers=headers)
    assert left.status_code == 204
    assert api.get("/api/v1/studies", headers=headers).json()[0]["joined"] is False
    decisions = ResearchConsent.objects.order_by("id").values_list("granted", flat=True)
    assert list(decisions) == [True, False]
    assert AuditEntry.objects.filter(what="left study taper-2027").count() == 1
    assert api.delete("/api/v1/me/studies/taper-2027", headers=headers).status_code == 404


def test_joining_under_another_consent_version_is_refused_and_writes_nothing(cast, api):
    from kratomlog.research import services
    from kratomlog.research.models import StudyParticipant

    services.create_study(name="taper-2027", now=NOW)
    answer = api.post(
        "/api/v1/me/studies/taper-2027/join",
        json.dumps({"consent_version": "an-old-one"}),
        content_type="application/json",
        headers=bearer(cast.patient_a.user),
    )
    assert answer.status_code == 422
    detail = answer.json()["detail"][0]
    assert detail["loc"] == ["body", "consent_version"] and "read version" in detail["msg"]
    assert not StudyParticipant.objects.exists()
    missing = api.post(
        "/api/v1/me/studies/no-such/join",
        json.dumps({"consent_version": "x"}),
        content_type="application/json",
        headers=bearer(cast.patient_a.user),
    )
    assert missing.status_code == 404


def test_a_study_that_is_over_is_not_offered(cast, api):
    from datetime import date

    from kratomlog.research import services

    services.create_study(name="done-2025", now=NOW, start=date(2025, 1, 1), end=date(2025, 12, 31))
    assert api.get("/api/v1/studies", headers=bearer(cast.patient_a.user)).json() == []


def test_study_endpoints_need_a_token_and_a_patient(cast, api):
    from kratomlog.research import services

    services.create_study(name="taper-2027", now=NOW)
    assert api.get("/api/v1/studies").status_code == 401
    assert api.get("/api/v1/studies", headers={"Authorization": "Bearer nope"}).status_code == 401
    for staff in (cast.clinician_a, cast.researcher, cast.admin):
        assert api.get("/api/v1/studies", headers=bearer(staff)).status_code == 404


def test_a_clinician_gets_their_patients_journal_as_fhir_and_it_is_audited(cast, api):
    from fhir.resources.R4B.bundle import Bundle

    from kratomlog.clinic.models import AuditEntry, Visit

    make_study(cast, days_a=3, days_b=2)
    Visit.objects.create(
        patient=cast.patient_a,
        clinician=cast.clinician_a,
        at=NOW,
        cows_answers=[1, 1, 2, 0, 1, 1, 2, 0, 1, 1, 0],
        cows_total=10,
        note="only for the clinic",
    )
    path = f"/api/v1/patients/{cast.patient_a.public_id}/fhir"
    answer = api.get(path, headers=bearer(cast.clinician_a))
    assert answer.status_code == 200 and answer["Content-Type"] == "application/fhir+json"
    data = answer.json()
    Bundle.model_validate(data)
    patient = data["entry"][0]["resource"]
    assert patient["identifier"][0]["value"] == str(cast.patient_a.public_id)
    assert patient["telecom"] == [{"system": "email", "value": "ana@example.org"}]
    cows = [
        e["resource"]
        for e in data["entry"]
        if e["resource"].get("code", {}).get("coding", [{}])[0].get("code") == "cows"
    ]
    assert len(cows) == 1 and cows[0]["valueInteger"] == 10 and len(cows[0]["component"]) == 11
    assert "only for the clinic" not in answer.content.decode()
    assert AuditEntry.objects.filter(action="export", patient=cast.patient_a, what=path).exists()


def test_fhir_of_another_teams_or_an_unknown_patient_is_404(cast, api):
    headers = bearer(cast.clinician_a)
    for key in (cast.patient_b.public_id, "00000000-0000-0000-0000-000000000000", "nope"):
        assert api.get(f"/api/v1/patients/{key}/fhir", headers=headers).status_code == 404
    own = f"/api/v1/patients/{cast.patient_a.public_id}/fhir"
    for user in (cast.researcher, cast.patient_a.user):
        assert api.get(own, headers=bearer(user)).status_code == 404
