"""The channels a reminder can go by. Each takes (patient, occurrence, round) and returns the
answers to record (the mail server's acceptance, a push service's status per subscription).

Push goes to each of the patient's subscriptions (kratomlog.clinic.push); mail goes through
the clinic's mail settings; SMS through the clinic's gateway (a django-sms backend named by
KRATOMLOG_SMS_BACKEND; none by default, and then SMS is off), to the phone number the clinic
keeps for the patient.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings

from kratomlog.clinic import mail, push
from kratomlog.clinic.models import ClinicSettings, Occurrence, Patient, PushSubscription

DEFAULT_TITLE = "Reminder"


@dataclass(frozen=True)
class Batch:
    """What the reminders sent together share, read once for all of them: the title, and the
    push subscriptions of each user (by user id; None: each send reads its patient's own)."""

    title: str
    subscriptions: dict[int, list[PushSubscription]] | None = field(default=None)


Channel = Callable[[Patient, Occurrence, int, Batch], list[str]]


def title() -> str:
    """The clinic's display name (KRATOMLOG_CLINIC_NAME, as on every push), else its contact's
    name, else "Reminder": never the app's name, which says kratom."""
    if getattr(settings, "CLINIC_NAME", ""):
        return push.notification_title()
    row = ClinicSettings.objects.first()
    return (row.contact_name if row else "") or DEFAULT_TITLE


def due_link(occurrence: Occurrence) -> str:
    return f"{settings.CLINIC_BASE_URL.rstrip('/')}/due/{occurrence.uid}"


def reminder_text(occurrence: Occurrence, heading: str | None = None) -> tuple[str, str]:
    """Title and body: only that a check-in is due and where; no instrument, no score, nothing
    that says what the clinic treats (a lock screen shows it to anyone nearby)."""
    body = (
        "A check-in is due.\n\n"
        f"Open it here:\n{due_link(occurrence)}\n\n"
        "You can change how you are reminded in Settings."
    )
    return heading or title(), body


def send_mail_reminder(
    patient: Patient, occurrence: Occurrence, round_: int, batch: Batch
) -> list[str]:
    subject, body = reminder_text(occurrence, batch.title)
    mail.send(
        subject, body, [patient.user.email], about=f"reminder {occurrence.id}, round {round_}"
    )
    return ["accepted by the mail server"]


def send_push_reminder(
    patient: Patient, occurrence: Occurrence, round_: int, batch: Batch
) -> list[str]:
    """One push to each subscription; what each push service answered is the ledger's record
    (a 404 or 410 has already removed that subscription)."""
    subscriptions = None if batch.subscriptions is None else (
        batch.subscriptions.get(patient.user_id, [])
    )  # fmt: skip
    deliveries = push.send(
        patient.user, title=batch.title, body="A check-in is due.", url=due_link(occurrence),
        subscriptions=subscriptions,
    )  # fmt: skip
    return [
        f"{d.status if d.status is not None else 'no answer'}"
        + (" (subscription removed)" if d.removed else "")
        + (f" {d.error}" if d.error else "")
        for d in deliveries
    ] or ["no subscription"]


def sms_enabled() -> bool:
    """Whether this clinic has an SMS gateway (KRATOMLOG_SMS_BACKEND)."""
    return bool(getattr(settings, "SMS_BACKEND", ""))


def sms_text(occurrence: Occurrence, heading: str | None = None) -> str:
    """The mail's words, short: a text message is paid for by the segment."""
    return f"{heading or title()}: a check-in is due. Open it here: {due_link(occurrence)}"


def send_sms_reminder(
    patient: Patient, occurrence: Occurrence, round_: int, batch: Batch
) -> list[str]:
    import sms

    sent = sms.send_sms(sms_text(occurrence, batch.title), recipients=[patient.phone])
    if not sent:  # refused: the claim stays, for the next run to try again
        raise RuntimeError("the SMS gateway accepted no message")
    return ["accepted by the SMS gateway"]


CHANNELS: dict[str, Channel] = {
    "mail": send_mail_reminder,
    "push": send_push_reminder,
    "sms": send_sms_reminder,
}


def chosen(patient: Patient, wanted: list[str], subscribed: bool | None = None) -> list[str]:
    """The channels this patient's reminder goes by: push where they have a subscription and
    chose it; mail when they chose it too, or chose push and have no subscription. None when
    they chose none. SMS as well when they chose it, the clinic has a gateway and a number for
    them. `subscribed`: whether they have a push subscription, when the caller read it."""
    if subscribed is None:
        subscribed = push.has_subscription(patient.user)
    pushed = "push" in wanted and push.enabled() and subscribed and "push" in CHANNELS
    found = ["push"] if pushed else []
    if ("mail" in wanted or ("push" in wanted and not pushed)) and patient.user.email:
        found.append("mail")
    if "sms" in wanted and sms_enabled() and patient.phone:
        found.append("sms")
    return found
