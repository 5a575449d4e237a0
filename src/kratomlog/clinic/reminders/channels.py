"""The channels a reminder can go by. Each takes (patient, occurrence, round) and returns the
answers to record (the mail server's acceptance, a push service's status per subscription).

Web Push joins with one entry here once kratomlog.clinic.push exists (it is built apart);
until then `has_push` is False for everyone, so every patient who wants reminders gets mail.
"""

import importlib
from collections.abc import Callable
from typing import Any

from django.conf import settings

from kratomlog.clinic import mail
from kratomlog.clinic.models import ClinicSettings, Occurrence, Patient

Channel = Callable[[Patient, Occurrence, int], list[str]]
DEFAULT_TITLE = "Reminder"


def title() -> str:
    """The clinic's display name, else "Reminder": never the app's name, which says kratom."""
    row = ClinicSettings.objects.first()
    return (row.contact_name if row else "") or DEFAULT_TITLE


def due_link(occurrence: Occurrence) -> str:
    return f"{settings.CLINIC_BASE_URL.rstrip('/')}/due/{occurrence.uid}"


def reminder_text(occurrence: Occurrence) -> tuple[str, str]:
    """Title and body: only that a check-in is due and where; no instrument, no score, nothing
    that says what the clinic treats (a lock screen shows it to anyone nearby)."""
    body = (
        "A check-in is due.\n\n"
        f"Open it here:\n{due_link(occurrence)}\n\n"
        "You can change how you are reminded in Settings."
    )
    return title(), body


def send_mail_reminder(patient: Patient, occurrence: Occurrence, round_: int) -> list[str]:
    subject, body = reminder_text(occurrence)
    mail.send(
        subject, body, [patient.user.email], about=f"reminder {occurrence.id}, round {round_}"
    )
    return ["accepted by the mail server"]


def _push_module() -> Any:
    try:
        return importlib.import_module("kratomlog.clinic.push")
    except ImportError:
        return None


def has_push(user: Any) -> bool:
    """Whether the patient has a push subscription: False until kratomlog.clinic.push exists
    with has_subscription(user)."""
    module = _push_module()
    check = getattr(module, "has_subscription", None)
    return bool(check(user)) if check else False


CHANNELS: dict[str, Channel] = {"mail": send_mail_reminder}


def chosen(patient: Patient, wanted: list[str]) -> list[str]:
    """The channels this patient's reminder goes by: push where they have a subscription and
    chose it; mail when they chose it too, or chose push and have no subscription. None when
    they chose none."""
    pushed = "push" in wanted and has_push(patient.user) and "push" in CHANNELS
    found = ["push"] if pushed else []
    if ("mail" in wanted or ("push" in wanted and not pushed)) and patient.user.email:
        found.append("mail")
    return found
