"""Inviting a patient: a one-time code (and link) valid 14 days, spent when accepted."""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction

from kratomlog.clinic import audit, people, tokens
from kratomlog.clinic.models import CLINICIAN, Invitation, Patient, Team
from kratomlog.clinic.policy import require_role
from kratomlog.core.errors import InputError

INVITATION_LIFETIME = timedelta(days=14)
# Letters and digits that cannot be misread for one another when read out or typed from paper.
_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"


class InvitationGone(Exception):
    """The code was spent or has expired (the API answers 410)."""


@dataclass(frozen=True)
class NewInvitation:
    code: str  # shown once; only its hash is kept
    url: str
    expires_at: datetime
    team: Team
    display_name: str = ""
    email: str = ""


def _new_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normal_code(code: str) -> str:
    """The code as stored: upper case, with its dashes, whatever way it was typed."""
    raw = "".join(ch for ch in code.upper() if ch.isalnum())
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}" if len(raw) == 12 else code.strip().upper()


def invitation_url(code: str) -> str:
    return f"{settings.CLINIC_BASE_URL.rstrip('/')}/invite/{code}"


@transaction.atomic
def invite(
    clinician: Any,
    now: datetime,
    team_name: str | None = None,
    address: str | None = None,
    *,
    display_name: str = "",
    record_number: str = "",
    email: str = "",
) -> NewInvitation:
    """A new invitation to one of the clinician's teams (their first team when none is named),
    for the patient named (their name and record number go onto their account)."""
    require_role(clinician, CLINICIAN)
    display_name = people.check_display_name(display_name)
    record_number = people.check_record_number(record_number)
    email = people.normal_email(email) if email.strip() else ""
    teams = clinician.account.teams.order_by("name")
    if team_name is None:
        team = teams.first()
        if team is None:
            raise InputError("team", "you belong to no care team; an admin must add you to one")
    else:
        team = teams.filter(name=team_name).first()
        if team is None:
            names = ", ".join(t.name for t in teams) or "none"
            raise InputError("team", f"{team_name!r} is not one of your teams ({names})")
    code = _new_code()
    Invitation.objects.create(
        code_hash=people.digest(code),
        team=team,
        invited_by=clinician,
        created_at=now,
        expires_at=now + INVITATION_LIFETIME,
        display_name=display_name,
        record_number=record_number,
        email=email,
    )
    audit.record(
        action="invite", actor=clinician, role=CLINICIAN, what=f"team {team.name}",
        address=address, at=now,
    )  # fmt: skip
    return NewInvitation(
        code, invitation_url(code), now + INVITATION_LIFETIME, team, display_name, email
    )


def mail_invitation(new: NewInvitation, clinician: Any) -> None:
    """The invitation link by mail to the email given (raises OSError when it cannot be sent)."""
    from django.core.mail import send_mail

    if not new.email:
        raise InputError("email", "give the patient's email to send the invitation by mail")
    sender = getattr(getattr(clinician, "account", None), "display_name", "") or "Your clinician"
    greeting = f"Dear {new.display_name}," if new.display_name else "Hello,"
    body = (
        f"{greeting}\n\n{sender} invites you to keep your kratomlog journal with the care team "
        f"{new.team.name}. Open this link to read what sharing means and make your account:\n\n"
        f"{new.url}\n\nThe link works once, for 14 days. If you did not expect this, ignore "
        "this mail.\n"
    )
    send_mail(f"Your invitation to {new.team.name}", body, None, [new.email])


def open_invitation(code: str, now: datetime) -> Invitation:
    """The invitation behind `code` if it can still be accepted; InvitationGone otherwise."""
    invitation = Invitation.objects.filter(code_hash=people.digest(normal_code(code))).first()
    if invitation is None:
        raise InvitationGone("this invitation code is unknown")
    if invitation.accepted_at is not None:
        raise InvitationGone("this invitation has already been used")
    if now > invitation.expires_at:
        raise InvitationGone("this invitation has expired; ask your clinician for a new one")
    return invitation


@transaction.atomic
def join(
    code: str,
    *,
    email: str,
    password: str,
    timezone: str,
    consent_version: str,
    share_with_care_team: bool,
    now: datetime,
    address: str | None = None,
) -> Patient:
    """Spend the invitation: a new patient of its team, with their first consent decision."""
    invitation = open_invitation(code, now)
    # Lock the row: two accepts of the same code at once, and only one gets an account.
    invitation = Invitation.objects.select_for_update().get(id=invitation.id)
    if invitation.accepted_at is not None:
        raise InvitationGone("this invitation has already been used")
    patient = people.add_patient(
        email=email,
        password=password,
        timezone=timezone,
        team=invitation.team,
        consent_version=consent_version,
        share_with_care_team=share_with_care_team,
        now=now,
        address=address,
        display_name=invitation.display_name,
        record_number=invitation.record_number,
    )
    invitation.accepted_at = now
    invitation.patient = patient
    invitation.save(update_fields=["accepted_at", "patient"])
    return patient


@transaction.atomic
def accept(
    code: str,
    *,
    email: str,
    password: str,
    timezone: str,
    consent_version: str,
    share_with_care_team: bool,
    now: datetime,
    address: str | None = None,
) -> tuple[Patient, str]:
    """The new patient and an API token for them (for a local journal that will sync).

    The web page uses `join` instead: it signs the patient in with a session, no token.
    """
    patient = join(
        code,
        email=email,
        password=password,
        timezone=timezone,
        consent_version=consent_version,
        share_with_care_team=share_with_care_team,
        now=now,
        address=address,
    )
    return patient, tokens.issue(patient.user, now, days=365, address=address)
