"""Who gets in beyond the matrix's sample objects: people who left, tokens taken back, filters that
name another team, and a second researcher with a study of their own.

The matrix (test_authorisation_matrix) asks every URL as every role; these tests ask the routes
again for the cases where the right answer changes after the fact: an account deactivated, a token
revoked. Each asserts what the person would meet, the way they would meet it.
"""

from html import unescape

import pytest
from django.test import Client

from kratomlog.clinic import people, tokens
from kratomlog.clinic.models import Alert
from kratomlog.research import services as research
from tests.clinic.conftest import NOW
from tests.clinic.helpers_ca import verified_client
from tests.clinic.test_authorisation_matrix import (
    API_METHODS,
    _ask,
    _reached,
    browser,
    concrete_paths,
    fill,
    rule_for,
)
from tests.clinic.test_authorisation_matrix import world as matrix_world

world = matrix_world  # the matrix's sample objects and ways in, as a fixture here too

SIGNED_IN_ROLES = ("patient_a", "clinician_a", "researcher", "admin")


def _paths_for(role: str, samples: dict[str, str]) -> list[tuple[str, str]]:
    """(kind, path) of every route `role` may reach with the sample objects, GET only."""
    found = []
    for route in concrete_paths():
        path = fill(route, samples)
        rule = rule_for(path)
        if rule is None or rule.open or path.startswith("/static/"):
            continue
        if role in rule.allowed and not rule.may_not_exist and not rule.skip_allowed:
            found.append((rule.kind, path))
    return found


def _not_401(path: str, token: str, whose: str) -> list[str]:
    """Each method of `path` that answers anything but 401 with this token (405: no such method)."""
    found = []
    for method in API_METHODS:
        status = _ask(Client(), method, path, token).status_code
        if status not in (401, 405):
            found.append(f"{method.upper()} {path} with {whose}: {status}")
    return found


def _user(cast, role):  # type: ignore[no-untyped-def]
    return getattr(cast, role).user if role.startswith("patient") else getattr(cast, role)


def test_each_role_does_get_into_what_it_may_reach(world):
    # The refusals below mean something only if the same request got in before.
    samples, web, bearer = world
    for role in SIGNED_IN_ROLES:
        paths = _paths_for(role, samples)
        assert paths, role
        for kind, path in paths:
            if kind == "api":
                response = _ask(Client(), "get", path, bearer[role])
            else:
                response = _ask(browser(web, role), "get", path, None)
            assert _reached(response) or response.status_code == 405, (role, path)


@pytest.mark.postgres_only  # a few hundred requests: once, on the clinic's real database
def test_a_deactivated_account_is_signed_out_everywhere_and_its_tokens_answer_401(world, cast):
    samples, web, bearer = world
    for role in SIGNED_IN_ROLES:
        user = _user(cast, role)
        user.is_active = False
        user.save()
    problems = []
    for role in SIGNED_IN_ROLES:
        for kind, path in _paths_for(role, samples):
            if kind == "api":
                problems += _not_401(path, bearer[role], f"{role}'s token")
            else:
                response = _ask(browser(web, role), "get", path, None)
                if not (response.status_code == 302 and "/accounts/login" in response["Location"]):
                    problems.append(f"GET {path} as deactivated {role}: {response.status_code}")
    assert problems == [], "\n".join(problems)


@pytest.mark.postgres_only
def test_a_revoked_token_answers_401_on_every_endpoint_its_owner_could_call(world, cast):
    samples, _, bearer = world
    for role in SIGNED_IN_ROLES:
        tokens.revoke_all(_user(cast, role), NOW)
    problems = [
        problem
        for role in SIGNED_IN_ROLES
        for kind, path in _paths_for(role, samples)
        if kind == "api"
        for problem in _not_401(path, bearer[role], f"{role}'s revoked token")
    ]
    assert problems == [], "\n".join(problems)


def test_naming_another_team_in_a_filter_shows_a_clinician_nothing_of_it(cast):
    Alert.objects.create(patient=cast.patient_b, kind="escalation", raised_at=NOW, updated_at=NOW)
    Alert.objects.create(patient=cast.patient_a, kind="escalation", raised_at=NOW, updated_at=NOW)
    token = tokens.issue(cast.clinician_a, NOW)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    assert api.get("/api/v1/patients", {"team": "South"}).json() == []
    assert api.get("/api/v1/alerts", {"team": "South"}).json() == []
    (own,) = api.get("/api/v1/patients", {"team": "North"}).json()
    assert own["patient_id"] == str(cast.patient_a.public_id)
    assert len(api.get("/api/v1/alerts", {"team": "North"}).json()) == 1

    # On the pages another team's name is refused in words, and nothing of theirs is shown.
    page = verified_client(cast.clinician_a).get("/clinic/", {"team": "South"})
    assert page.status_code == 400 and "is not one of your teams" in unescape(page.content.decode())
    assert "ben@example.org" not in page.content.decode()
    alerts = verified_client(cast.clinician_a).get("/clinic/alerts", {"team": "South"})
    assert alerts.status_code == 400 and "ben@example.org" not in alerts.content.decode()


def test_a_researcher_reaches_their_own_study_and_not_another_researchers(cast):
    first = research.create_study(name="taper-2027", now=NOW)
    research.add_researcher(first, cast.researcher, NOW)
    second_researcher, _ = people.add_staff(
        email="kim@clinic.test", role="researcher", now=NOW, name="Kim"
    )
    second = research.create_study(name="sleep-2027", now=NOW)
    research.add_researcher(second, second_researcher, NOW)

    rao, kim = verified_client(cast.researcher), verified_client(second_researcher)
    assert rao.get("/research/taper-2027/").status_code == 200
    assert kim.get("/research/sleep-2027/").status_code == 200
    assert rao.get("/research/sleep-2027/").status_code == 404
    assert kim.get("/research/taper-2027/").status_code == 404
    assert kim.post("/research/taper-2027/exports").status_code == 404
    listing = kim.get("/research/").content.decode()
    assert "sleep-2027" in listing and "taper-2027" not in listing
