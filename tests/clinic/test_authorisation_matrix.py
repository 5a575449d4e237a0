"""Every URL and method of the clinic against every kind of user, read from the URL configuration.

A new page or endpoint that no rule below covers fails `test_every_url_has_a_rule`, so none can
be forgotten. The rules say who may reach what; for everyone else the answer must be exactly what
an unknown address gets: 404 (401 for the API without a token, the sign-in page for a browser that
is not signed in). Each request runs in a transaction that is rolled back, so a POST that is
allowed (delete everything, sign out) does not change what the next request meets.
"""

import re
from dataclasses import dataclass

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django_otp.plugins.otp_totp.models import TOTPDevice

from kratomlog.clinic import invitations, people, tokens
from kratomlog.clinic.consent import CARE_CONSENT
from kratomlog.journal.services import log_kratom
from tests.clinic.conftest import NOW
from tests.clinic.helpers_ca import verified_client

ROLES = ("anonymous", "patient_a", "patient_b", "clinician_a", "clinician_b", "researcher", "admin")
API_METHODS = ("get", "post", "put", "delete")
WEB_METHODS = ("get", "post")


@dataclass(frozen=True)
class Rule:
    prefix: str  # a regular expression the concrete path must match from its start
    allowed: frozenset[str]  # roles that reach it; everyone else meets 404 / 401 / sign-in
    kind: str = "web"  # web (sessions) or api (bearer tokens)
    open: bool = False  # reachable by anyone, signed in or not
    # The sample object may not exist for an allowed role (no taper to export, a study not
    # joined, the admin's own object ids): their 403/404 is the view's own answer, not access
    # control. Refusing everyone else alike is still asserted.
    may_not_exist: bool = False
    skip_allowed: bool = False

    def matches(self, path: str) -> bool:
        return re.match(self.prefix, path) is not None


def roles(*names: str) -> frozenset[str]:
    return frozenset(names)


PATIENTS = roles("patient_a")  # the paths are filled with patient A's own objects
CLINICIAN_OF_A = roles("clinician_a")
CLINICIANS = roles("clinician_a", "clinician_b")
RULES = (
    # Open: the consent text, accepting an invitation, signing in, set-up links, static files.
    Rule(r"/api/v1/(consent|invitations/[^/]+/accept)$", frozenset(ROLES), "api", open=True),
    Rule(r"/api/v1/(openapi\.json|docs)?$", frozenset(ROLES), "api", open=True),
    Rule(r"/(invite|setup)/", frozenset(ROLES), open=True),
    Rule(r"/accounts/(login|verify|logout|demo/|password-reset)", frozenset(ROLES), open=True),
    Rule(r"/(manifest\.webmanifest|sw\.js)$", frozenset(ROLES), open=True),
    # A calendar subscription: its secret in the path is the only key (the sample is none: 404).
    Rule(r"/calendar/[^/]+\.ics$", frozenset(ROLES), open=True),
    # The API: a patient's own journal; a clinician's patients; the audit log for admins.
    Rule(r"/api/v1/me/studies/", PATIENTS | roles("patient_b"), "api", may_not_exist=True),
    # The sample message is patient A's: patient B's own 404 for it is the endpoint's answer.
    Rule(r"/api/v1/me/messages/", PATIENTS | roles("patient_b"), "api", may_not_exist=True),
    # A patient's Web Push subscriptions (DELETE without a body: their 422 is reaching it).
    Rule(r"/api/v1/me/push-subscriptions$", PATIENTS | roles("patient_b"), "api"),
    Rule(r"/api/v1/me/", PATIENTS | roles("patient_b"), "api"),
    Rule(r"/api/v1/studies$", PATIENTS | roles("patient_b"), "api"),
    Rule(r"/api/v1/invitations$", CLINICIANS, "api"),
    Rule(r"/api/v1/patients$", CLINICIANS, "api"),
    # Hold a taper step or step back: the clinician of the patient only.
    Rule(r"/api/v1/patients/[^/]+/plan/(hold|step-back)$", CLINICIAN_OF_A, "api"),
    Rule(r"/api/v1/patients/", CLINICIAN_OF_A, "api"),
    Rule(r"/api/v1/alerts$", CLINICIANS, "api"),
    Rule(r"/api/v1/alerts/", CLINICIAN_OF_A, "api"),
    Rule(r"/api/v1/audit$", roles("admin"), "api"),
    Rule(r"/api/v1/outcomes$", CLINICIANS | roles("admin"), "api"),
    # Staff pages.
    Rule(r"/accounts/invite-patient$", CLINICIANS),
    Rule(r"/accounts/$", roles("clinician_a", "clinician_b", "researcher", "admin")),
    Rule(r"/clinic/$", CLINICIANS),
    Rule(r"/clinic/alerts$", CLINICIANS),
    Rule(r"/clinic/messages$", CLINICIANS),
    Rule(r"/clinic/outcomes(\.csv)?$", CLINICIANS | roles("admin")),
    Rule(r"/clinic/patients/[^/]+/plan/(hold|step-back)$", CLINICIAN_OF_A),
    Rule(r"/clinic/(patients|alerts)/", CLINICIAN_OF_A),
    # A team's default schedule: its own clinicians (the sample is team North, patient A's).
    Rule(r"/clinic/teams/", CLINICIAN_OF_A),
    Rule(r"/research/$", roles("researcher")),
    Rule(r"/research/[^/]+/$", roles("researcher")),
    Rule(r"/research/", roles("researcher"), may_not_exist=True),
    Rule(r"/admin/$", roles("admin")),
    # Django's own autocomplete needs query parameters the matrix does not send: only its
    # refusal of everyone but admins is checked.
    Rule(r"/admin/autocomplete/", roles("admin"), may_not_exist=True, skip_allowed=True),
    Rule(r"/admin/", roles("admin"), may_not_exist=True),
    Rule(r"/plan/taper\.ics$", PATIENTS | roles("patient_b"), may_not_exist=True),
    # A patient's own hold or step back (their journal's taper; none is a 400 of the view's).
    Rule(r"/plan/(hold|step-back)$", PATIENTS | roles("patient_b")),
    # The sources behind every number: the footer links them on every page, staff pages too.
    Rule(r"/sources$", PATIENTS | roles("patient_b", "clinician_a", "clinician_b", "researcher",
                                        "admin")),
    # The patient's own journal pages (the local app's), filled with patient A's objects.
    Rule(r"/entries/", PATIENTS),
    # A reminder's link: the sample id is no occurrence, so the allowed answer is the view's 404.
    Rule(r"/due/", PATIENTS | roles("patient_b"), may_not_exist=True),
    Rule(r"/account$", PATIENTS | roles("patient_b")),
    # The Settings page's notifications switch (a patient's own subscription).
    Rule(r"/settings/notifications/(on|off)$", PATIENTS | roles("patient_b")),
    Rule(r"/(sharing|$|log/|undo|history|plan|transfer|export|delete-everything|settings"
         r"|checkins|checkin/|sleep|activity|sources|help|messages)", PATIENTS | roles("patient_b")),
)  # fmt: skip


def concrete_paths() -> list[str]:
    """Every URL pattern of the clinic, as a path with sample values for its parameters."""
    found: list[str] = []

    def walk(patterns, prefix: str) -> None:  # type: ignore[no-untyped-def]
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                found.append(route)

    walk(get_resolver().url_patterns, "/")
    return sorted(set(found))


def fill(route: str, samples: dict[str, str]) -> str:
    route = route.replace("^", "").replace("$", "").replace("\\Z", "")
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", route)  # admin's regex patterns
    return re.sub(
        r"<(?:\w+:)?(\w+)>",
        lambda m: samples.get(m.group(1), samples.get("*", "1")),
        route,
    )


def rule_for(path: str) -> Rule | None:
    return next((rule for rule in RULES if rule.matches(path)), None)


def test_every_url_has_a_rule(settings):
    missing = [route for route in concrete_paths() if rule_for(fill(route, {})) is None]
    assert missing == [], f"URLs with no authorisation rule: {missing}"


@pytest.fixture
def world(cast):
    """Patient A's own objects to fill the paths with, and a way in for each role."""
    from kratomlog.clinic.models import Alert, Message
    from kratomlog.research import services as research

    entry = log_kratom(person=cast.patient_a.person, amount="2g", now=NOW).entry
    alert = Alert.objects.create(
        patient=cast.patient_a, kind="escalation", raised_at=NOW, updated_at=NOW
    )
    message = Message.objects.create(
        patient=cast.patient_a, author=cast.patient_a.user, from_patient=True, text="hello",
        sent_at=NOW,
    )  # fmt: skip
    study = research.create_study(name="taper-2027", now=NOW)
    research.add_researcher(study, cast.researcher, NOW)
    code = invitations.invite(cast.clinician_a, NOW).code
    _, setup_token = people.add_staff(email="new@clinic.test", role="clinician", now=NOW)
    samples = {
        "patient_id": str(cast.patient_a.public_id),
        "entry_id": str(entry.id),
        "alert_id": str(alert.id),
        "message_id": str(message.id),
        "name": study.name,
        "code": code,
        "token": setup_token,
        "kind": "phq9",
        "key": "phq9",
        "export_id": "1",
        "team_id": str(cast.north.id),
        # The admin's object ids: an authenticator that exists (its QR page has no 404 of its
        # own); filled in below, once the staff have enrolled theirs.
        "*": "1",
    }
    users = {
        "patient_a": cast.patient_a.user,
        "patient_b": cast.patient_b.user,
        **{r: getattr(cast, r) for r in ("clinician_a", "clinician_b", "researcher", "admin")},
    }
    sessions = {"anonymous": None}  # a session cookie a role: each request gets a fresh client
    for role, user in users.items():
        if role.startswith("patient"):
            client = Client()
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        else:
            client = verified_client(user)
        sessions[role] = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    bearer = {role: tokens.issue(user, NOW) for role, user in users.items()}
    device = str(TOTPDevice.objects.order_by("id").values_list("id", flat=True).first())
    samples["object_id"] = samples["pk"] = device
    return samples, sessions, bearer


def browser(sessions: dict[str, str | None], role: str) -> Client:
    """A client signed in as `role` (the session rolls back with each request, sign-out too)."""
    client = Client()
    if sessions[role]:
        client.cookies[django_settings.SESSION_COOKIE_NAME] = sessions[role]
    return client


def _ask(client: Client, method: str, path: str, token: str | None):  # type: ignore[no-untyped-def]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    with transaction.atomic():
        response = getattr(client, method)(path, **headers)
        transaction.set_rollback(True)
    return response


def _reached(response) -> bool:  # type: ignore[no-untyped-def]
    """The request got past access control: anything but 401, 403, 404 or the sign-in page."""
    if response.status_code in (401, 403, 404):
        return False
    location = response.get("Location", "")
    return not (response.status_code == 302 and "/accounts/login" in location)


def _refused_as_unknown(response, role: str, kind: str, path: str) -> bool:  # type: ignore[no-untyped-def]
    if role == "anonymous":
        if kind == "api":
            return response.status_code == 401
        return response.status_code == 302 and "/accounts/login" in response["Location"]
    if kind == "web" and response.status_code == 302:
        # Staff who open a patient's journal page are sent to their own home; patients who open
        # a staff page get 404. Either way nothing of the page is served.
        return not response["Location"].startswith("/accounts/login")
    return response.status_code == 404


@pytest.mark.postgres_only  # ~2,000 requests: once, on the clinic's real database
def test_every_url_and_method_answers_each_role_as_its_rule_says(world):
    samples, web, bearer = world
    problems = []
    for route in concrete_paths():
        path = fill(route, samples)
        rule = rule_for(path)
        assert rule is not None, path
        if path.startswith("/static/"):
            continue
        methods = API_METHODS if rule.kind == "api" else WEB_METHODS
        for method in methods:
            for role in ROLES:
                if rule.skip_allowed and role in rule.allowed:
                    continue
                if rule.kind == "api":
                    token = None if role == "anonymous" else bearer[role]
                    response = _ask(Client(), method, path, token)
                else:
                    response = _ask(browser(web, role), method, path, None)
                if response.status_code == 405:
                    continue  # the method does not exist here, for anyone
                if rule.open:
                    if response.status_code >= 500:
                        problems.append(f"{method.upper()} {path} as {role}: server error")
                    continue
                allowed = role in rule.allowed
                if allowed and rule.may_not_exist:
                    continue
                if allowed and not _reached(response):
                    problems.append(f"{method.upper()} {path} as {role}: refused "
                                    f"({response.status_code})")  # fmt: skip
                if not allowed and not _refused_as_unknown(response, role, rule.kind, path):
                    problems.append(f"{method.upper()} {path} as {role}: answered "
                                    f"{response.status_code}, not as an unknown address")  # fmt: skip
    assert problems == [], "\n".join(problems)


def test_a_revoked_patient_is_unknown_to_their_clinician_everywhere(world, cast):
    samples, web, bearer = world
    people.set_sharing(cast.patient_a, False, NOW, actor=cast.patient_a.user)
    for route in concrete_paths():
        path = fill(route, samples)
        if "patients/" not in path:
            continue
        rule = rule_for(path)
        for method in API_METHODS if rule.kind == "api" else WEB_METHODS:
            if rule.kind == "api":
                response = _ask(Client(), method, path, bearer["clinician_a"])
            else:
                response = _ask(browser(web, "clinician_a"), method, path, None)
            assert response.status_code in (404, 405), f"{method} {path}: {response.status_code}"


def test_the_consent_text_version_is_the_one_agreed_to(cast):
    assert cast.patient_a.consents.latest("at").version == CARE_CONSENT.version
