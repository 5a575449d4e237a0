"""schemathesis against the OpenAPI document: no server error, no answer that breaks the schema.

Generated requests go to the real Django app (WSGI) on the test database, authenticated as a
patient and as a clinician. Bounded: a few examples an operation, so it runs in seconds.
"""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import negative_data_rejection, positive_data_acceptance

from kratomlog.clinic import tokens
from tests.clinic.conftest import NOW

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
FUZZ = settings(
    max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
)


@pytest.fixture(autouse=True)
def keep_the_test_transaction():
    """As Django's test client does: a request must not close the test's open transaction."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _call(case, user) -> None:
    # What is asserted: no server error, and every answer (status, headers, body) as documented.
    # Not asserted: that valid-looking data is accepted (an unknown invitation code is rightly
    # 410, another team's patient 404) or that unknown query parameters are refused (ignored,
    # as HTTP APIs do).
    case.call_and_validate(
        headers={"Authorization": f"Bearer {tokens.issue(user, NOW)}"},
        excluded_checks=[positive_data_acceptance, negative_data_rejection],
    )


@schema.parametrize()
@FUZZ
def test_as_a_patient_the_api_keeps_its_schema_and_never_fails(case, cast):
    _call(case, cast.patient_a.user)


@schema.parametrize()
@FUZZ
def test_as_a_clinician_the_api_keeps_its_schema_and_never_fails(case, cast):
    _call(case, cast.clinician_a)


def test_the_document_declares_the_fhir_media_type_and_the_answers_it_checks():
    document = schema.raw_schema
    fhir = document["paths"]["/api/v1/patients/{patient_id}/fhir"]["get"]["responses"]["200"]
    assert "application/fhir+json" in fhir["content"]
    declared = {
        ("get", "/api/v1/patients"), ("post", "/api/v1/me/checkins"),
        ("post", "/api/v1/me/consent"), ("get", "/api/v1/me/access-log"),
    }  # fmt: skip
    for method, path in declared:
        answers = document["paths"][path][method]["responses"]
        ok = answers.get("200") or answers["201"]
        body = ok["content"]["application/json"]["schema"]
        assert "$ref" in body or "$ref" in body.get("items", {}), (method, path, body)
