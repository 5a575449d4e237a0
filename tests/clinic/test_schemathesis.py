"""schemathesis against the OpenAPI document, at length: a few hundred generated requests for a
clinician's token and as many for a patient's, each answer checked against what the document
declares (status, headers, body), none a server error.

Bounded and repeatable: 15 examples an operation (about 300 a token), a fixed seed, derandomized.
Marked `fuzz`: it runs once, in the PostgreSQL clinic step of `make test` (the quick per-
operation check is test_api_schema.py).
"""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, seed, settings
from schemathesis.checks import negative_data_rejection, positive_data_acceptance

from kratomlog.clinic import tokens
from tests.clinic.conftest import NOW

pytestmark = [pytest.mark.fuzz, pytest.mark.postgres_only]

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
AT_LENGTH = settings(
    max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
)
SEED = 18


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


@pytest.fixture
def bearer(cast):
    return {
        "clinician": {"Authorization": f"Bearer {tokens.issue(cast.clinician_a, NOW)}"},
        "patient": {"Authorization": f"Bearer {tokens.issue(cast.patient_a.user, NOW)}"},
    }


def _call(case, headers) -> None:
    # Not asserted: that valid-looking data is accepted (an unknown invitation code is rightly
    # 410, another team's patient 404) or that unknown query parameters are refused (ignored).
    case.call_and_validate(
        headers=headers, excluded_checks=[positive_data_acceptance, negative_data_rejection]
    )


@schema.parametrize()
@seed(SEED)
@AT_LENGTH
def test_with_a_clinicians_token_every_answer_is_as_documented(case, bearer):
    _call(case, bearer["clinician"])


@schema.parametrize()
@seed(SEED)
@AT_LENGTH
def test_with_a_patients_token_every_answer_is_as_documented(case, bearer):
    _call(case, bearer["patient"])
