"""Adding people to a clinic: staff with a set-up link, patients from an accepted invitation."""

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from kratomlog.clinic import audit
from kratomlog.clinic.consent import CARE_CONSENT
from kratomlog.clinic.models import (
    PATIENT,
    ROLES,
    STAFF_ROLES,
    Account,
    AuditEntry,
    Consent,
    Patient,
    SetupLink,
    Team,
)
from kratomlog.core.days import zone
from kratomlog.core.errors import InputError
from kratomlog.journal.models import Person

SETUP_LINK_LIFETIME = timedelta(hours=72)


class SetupLinkGone(Exception):
    """The set-up link was used already or has expired (the page answers 410)."""


def digest(secret: str) -> str:
    """How a one-time secret (link, code, token) is stored: only its SHA-256."""
    return hashlib.sha256(secret.encode()).hexdigest()


def team_named(name: str) -> Team:
    """The team called `name`, created on first use."""
    if not name.strip():
        raise InputError("--team", "a team needs a name")
    # A team's name goes into the subject of its mail: a line break there would break every
    # message of the team (and could add headers).
    if any(ord(ch) < 32 or 127 <= ord(ch) < 160 or ch in "\u2028\u2029" for ch in name):
        raise InputError(
            "--team", f"{name!r} holds a line break or another control character; one line of text"
        )
    if len(name.strip()) > 200:
        raise InputError("--team", f"a team's name is at most 200 characters ({len(name)} given)")
    team, _ = Team.objects.get_or_create(name=name.strip())
    return team


def _normal_email(email: str, field: str = "EMAIL") -> str:
    cleaned = email.strip().lower()
    if "@" not in cleaned or len(cleaned) > 254 or " " in cleaned or "\x00" in cleaned:
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
    user = users.filter(username=email).first()
    if user is not None:
        return user, _new_setup_link(user, role, teams, name, now)
    user = users.create_user(username=email, email=email, first_name=name[:150])
    user.set_unusable_password()
    user.is_staff = role == "admin"  # Django's admin serves user and team management to admins
    user.save()
    account = Account.objects.create(user=user, role=role, display_name=name)
    account.teams.set([team_named(team) for team in teams])
    audit.record(action="add-user", what=f"{role} {email}", at=now)
    return user, _setup_link(user, now)


def _setup_link(user: Any, now: datetime) -> str:
    token = secrets.token_urlsafe(32)
    SetupLink.objects.create(
        user=user, token_hash=digest(token), created_at=now, expires_at=now + SETUP_LINK_LIFETIME
    )
    return token


def _new_setup_link(user: Any, role: str, teams: list[str], name: str, now: datetime) -> str:
    """Set-up again for staff who never finished it or lost their authenticator (an admin
    deletes the lost one first): a new password and authenticator; older links stop working."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    email = user.get_username()
    account = getattr(user, "account", None)
    if account is None or account.role != role:
        held = account.role if account is not None else "no role"
        raise InputError("EMAIL", f"{email} already has an account ({held}); --role must match it")
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise InputError(
            "EMAIL",
            f"{email} has set up their account; to replace a lost authenticator, delete it in "
            "the admin (TOTP devices) and run this again",
        )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    SetupLink.objects.filter(user=user, used_at__isnull=True).update(expires_at=now)
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    account.teams.add(*(team_named(team) for team in teams))
    if name:
        account.display_name = name
        account.save(update_fields=["display_name"])
    audit.record(action="add-user", what=f"new set-up link for {role} {email}", at=now)
    return _setup_link(user, now)


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
    display_name: str = "",
    record_number: str = "",
) -> Patient:
    """A patient account with its own journal, and their first consent decision."""
    email = _normal_email(email, "email")
    display_name = check_display_name(display_name)
    record_number = check_record_number(record_number)
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
    check_password(password, users.model(username=email, email=email))
    user = users.create_user(username=email, email=email, password=password)
    Account.objects.create(user=user, role=PATIENT)
    person = Person.objects.create(name=email, timezone=timezone)
    patient = Patient.objects.create(
        person=person, user=user, team=team, joined_at=now,
        display_name=display_name, record_number=record_number,
    )  # fmt: skip
    set_sharing(patient, share_with_care_team, now, actor=user, address=address)
    from kratomlog.clinic.schedules import start_with_team_default

    start_with_team_default(patient, now)
    return patient


def _one_line(text: str, field: str, most: int, example: str) -> str:
    from kratomlog.core.text import refuse_nul

    refuse_nul(text, field)
    if "\n" in text or "\r" in text:
        raise InputError(field, f"{text!r} holds a line break; write it on one line")
    cleaned = " ".join(text.split())
    if len(cleaned) > most:
        raise InputError(field, f"{len(cleaned)} characters; at most {most}, such as {example!r}")
    return cleaned


def check_display_name(name: str, field: str = "display_name") -> str:
    """The name staff see ("Ana P."): one line of at most 200 characters; blank: the email."""
    return _one_line(name, field, 200, "Ana P.")


def check_record_number(number: str, field: str = "record_number") -> str:
    return _one_line(number, field, 64, "MRN-004711")


def normal_email(email: str, field: str = "email") -> str:
    return _normal_email(email, field)


def set_display_name(patient: Patient, name: str) -> str:
    """The patient names themselves for their care team; blank: staff see the email."""
    patient.display_name = check_display_name(name)
    patient.save(update_fields=["display_name"])
    return patient.display_name


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
    if not share:
        from kratomlog.clinic import alerts

        alerts.patient_stopped_sharing(patient, now)  # the team keeps open urgent alerts
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


def check_password(password: str, user: Any, field: str = "password") -> None:
    """Django's password validators (length, common passwords, likeness to the email)."""
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise InputError(field, " ".join(error.messages)) from None


def setup_url(token: str) -> str:
    from django.conf import settings

    return f"{settings.CLINIC_BASE_URL.rstrip('/')}/setup/{token}"


def open_setup_link(token: str, now: datetime) -> SetupLink:
    """The set-up link behind `token` if it can still be used; SetupLinkGone otherwise."""
    link = (
        SetupLink.objects.select_related("user", "user__account")
        .filter(token_hash=digest(token))
        .first()
    )
    if link is None:
        raise SetupLinkGone("this set-up link is unknown")
    if link.used_at is not None:
        raise SetupLinkGone("this set-up link has already been used")
    if now >= link.expires_at:
        raise SetupLinkGone("this set-up link has expired (a link lasts 72 hours)")
    return link


@transaction.atomic
def set_staff_password(link: SetupLink, password: str, again: str) -> None:
    """The first step of a set-up link: the password, checked by Django's validators."""
    if password != again:
        raise InputError("password", "the two passwords differ; type the same one twice")
    check_password(password, link.user)
    link.user.set_password(password)
    link.user.save(update_fields=["password"])


@transaction.atomic
def finish_setup(link: SetupLink, now: datetime, address: str | None = None) -> None:
    """Spend the link once the authenticator is confirmed: it cannot be used again."""
    spent = SetupLink.objects.filter(id=link.id, used_at__isnull=True).update(used_at=now)
    if not spent:
        raise SetupLinkGone("this set-up link has already been used")
    link.used_at = now
    account = link.user.account
    audit.record(
        action="setup", actor=link.user, role=account.role,
        what="set a password and enrolled an authenticator", address=address, at=now,
    )  # fmt: skip


def access_log(patient: Patient) -> QuerySet[AuditEntry]:
    """Every access by staff to `patient`'s data, newest first ("who has seen my data")."""
    return (
        AuditEntry.objects.filter(patient=patient, role__in=STAFF_ROLES)
        .select_related("actor__account")
        .order_by("-at", "-id")
    )


def consent_now(patient: Patient) -> Consent | None:
    """The latest sharing decision (the one in force)."""
    return patient.consents.order_by("-at", "-id").first()
