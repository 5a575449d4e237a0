"""Secure messages: one conversation per patient with the clinicians of their team, while the
patient shares. Not for emergencies: every screen says so, with Help now beside it.

A new message is announced to the other side by a mail with no content, a minute later, so
that several messages in a row make one mail.
"""

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery

from kratomlog.clinic import audit
from kratomlog.clinic.models import CLINICIAN, PATIENT, Message, Patient
from kratomlog.clinic.policy import visible_patients
from kratomlog.core.errors import InputError
from kratomlog.core.text import NUL_PROBLEM

LONGEST = 5000
ANNOUNCE_AFTER = timedelta(minutes=1)  # messages sent within it make one mail
NOT_FOR_EMERGENCIES = (
    "Messages are read in working hours and are not for emergencies: if you need help now, use "
    "Help now."
)
STAFF_REMINDER = (
    "Patients are told on every screen that messages are read in working hours and are not for "
    "emergencies, with Help now beside it: Help now reaches you as an urgent alert, not here."
)


def checked_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InputError("text", "write a message; it is empty")
    if "\x00" in text:
        raise InputError("text", NUL_PROBLEM)
    if len(text) > LONGEST:
        raise InputError("text", f"{len(text):,} characters; a message holds at most {LONGEST:,}")
    return text


def send(patient: Patient, author: Any, text: str, now: datetime) -> Message:
    """A message from the patient (`author` is their user) or from a clinician of their team."""
    from_patient = author.id == patient.user_id
    account = getattr(author, "account", None)
    label = "" if from_patient else (account.display_name if account else "") or author.email
    with transaction.atomic():
        message = Message.objects.create(
            patient=patient, author=author, author_label=label, from_patient=from_patient,
            text=checked_text(text), sent_at=now,
        )  # fmt: skip
        audit.record(
            action="message", actor=author, role=PATIENT if from_patient else CLINICIAN,
            what=f"message {message.id}", patient=patient, at=now,
        )  # fmt: skip
        from kratomlog.clinic import message_mail

        message_id = message.id
        transaction.on_commit(
            lambda: message_mail.announce.using(run_after=now + ANNOUNCE_AFTER).enqueue(message_id)
        )
    return message


def conversation(patient: Patient) -> QuerySet[Message]:
    return patient.messages.select_related("author").order_by("sent_at", "id")


def mark_read(patient: Patient, by_patient: bool, now: datetime) -> int:
    """The other side's unread messages, read now; how many."""
    return patient.messages.filter(from_patient=not by_patient, read_at__isnull=True).update(
        read_at=now
    )


def unanswered(clinician: Any) -> QuerySet[Patient]:
    """The clinician's patients whose latest message is theirs (the team has not answered)."""
    latest = Message.objects.filter(patient=OuterRef("pk")).order_by("-sent_at", "-id")
    return (
        visible_patients(clinician)
        .annotate(
            last_from_patient=Subquery(latest.values("from_patient")[:1]),
            last_sent_at=Subquery(latest.values("sent_at")[:1]),
        )
        .filter(last_from_patient=True)
        .select_related("user", "team")
        .order_by("last_sent_at")
    )
