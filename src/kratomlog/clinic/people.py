"""Adding people to a clinic: staff with a set-up link, patients from an accepted invitation."""

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from kratomlog.clinic import audit
from kratomlog.clinic.consent import CARE_CONSENT
from kratomlog.clinic.models import (
    PATIENT,
    ROLES,
    Account,
    Consent,
    Patient,
    SetupLink,
    Team,
)
from kratomlog.core.days import zone
from kratomlog.core.errors import InputError
from kratomlog.journal.models import Person

SETUP_LINK_LIFETIME = timedelta(hours=72)


def digest(secret: str) -> str:
    """How a one-time secret (link, code, token) is stored: only its SHA-256."""
    return hashlib.sha256(secret.encode()).hexdigest()


def team_named(name: str) -> Team:
    """The team called `name`, created on first use."""
    if not name.strip():
        raise InputError("--team", "a team needs a name")
    team, _ = Team.objects.get_or_create(name=name.strip())
    return team


def _normal_email(email: str, field: str = "EMAIL") -> str:
    cleaned = email.strip().lower()
    if "@" not in cleaned or len(cleaned) > 254 or " " in cleaned:
        raise InputError(field, f"{email!r} is not an email address (name@example.org)")
    return cleaned


@transaction.atomic
def add_staff(
    *,
    email: str,
    role: str,
    now: datetime,
    teams: list[str] = (),
    name: str = "",  # type: ignore[assignment]
) -> tuple[Any, str]:
    """A staff user (no password yet) and the token of their one-time set-up link (72 hours)."""
    if role not in ROLES or role == PATIENT:
        raise InputError(
            "--role", f"{role!r} is not a staff role; use admin, clinician or researcher"
        )
    email = _normal_email(email)
    users = get_user_model().objects
    if users.filter(username=email).exists():
        raise InputError("EMAIL", f"{email} already has an account")
    user = users.create_user(username=email, email=email, first_name=name[:150])
    user.set_unusable_password()
    user.is_staff = role == "admin"  # Django's admin serves user and team management to admins
    user.save()
    account = Account.objects.create(user=user, role=role, display_name=name)
    account.teams.set([team_named(team) for team in teams])
    token = secrets.token_urlsafe(32)
    SetupLink.objects.create(
        user=user, token_hash=digest(token), created_at=now, expires_at=now + SETUP_LINK_LIFETIME
    )
    audit.record(action="add-user", what=f"{role} {email}", at=now)
    return user, token


@transaction.atomic
def add_patient(
    *,
    email: str,
    password: str,
    timezone: str,
    team: Team,
    consent_version: str,
    share_with_care_team: bool,
    now: datetime,
    address: str | None = None,
) -> Patient:
    """A patient account with its own journal, and their first consent decision."""
    email = _normal_email(email, "email")
    zone(timezone)  # an unknown zone is an InputError naming it
    if consent_version != CARE_CONSENT.version:
        raise InputError(
            "consent_version",
            f"{consent_version!r} is not the current consent text; read version "
            f"{CARE_CONSENT.version} and agree to it",
        )
    users = get_user_model().objects
    if users.filter(username=email).exists():
        raise InputError("email", f"{email} already has an account")
    user = users.create_user(username=email, email=email, password=password)
    Account.objects.create(user=user, role=PATIENT)
    person = Person.objects.create(name=email, timezone=timezone)
    patient = Patient.objects.create(person=person, user=user, team=team, joined_at=now)
    set_sharing(patient, share_with_care_team, now, actor=user, address=address)
    return patient


@transaction.atomic
def set_sharing(
    patient: Patient, share: bool, now: datetime, actor: Any = None, address: str | None = None
) -> Consent:
    """Grant or revoke sharing with the care team: a new Consent row, in force at once."""
    consent = Consent.objects.create(
        patient=patient, version=CARE_CONSENT.version, granted=share, at=now, address=address
    )
    Patient.objects.filter(id=patient.id).update(sharing=share)
    patient.sharing = share
    audit.record(
        action="consent",
        actor=actor,
        role=PATIENT,
        what="granted sharing" if share else "revoked sharing",
        patient=patient,
        address=address,
        at=now,
    )
    return consent
