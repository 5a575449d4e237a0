"""Announcing messages: one mail with no content to the other side of the conversation."""

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from kratomlog.clinic import mail
from kratomlog.clinic.models import Message
from kratomlog.clinic.policy import clinicians_of


def announce_now(message_id: int) -> int:
    """Mail the other side once about this message and every unread, unannounced one before it;
    the number of mails sent (0 when it was read or announced already)."""
    base = settings.CLINIC_BASE_URL.rstrip("/")
    with transaction.atomic():
        message = (
            Message.objects.select_related("patient__user", "patient__team")
            .filter(id=message_id)
            .first()
        )
        if message is None:
            return 0
        pending = Message.objects.select_for_update().filter(
            patient=message.patient, from_patient=message.from_patient,
            read_at__isnull=True, announced_at__isnull=True, id__lte=message.id,
        )  # fmt: skip
        if not pending.exists() or (message.from_patient and not message.patient.sharing):
            return 0
        pending.update(announced_at=timezone.now())
    patient = message.patient
    if message.from_patient:
        recipients = list(clinicians_of(patient).exclude(email="").values_list("email", flat=True))
        subject = f"A patient of {patient.team.name} sent a message"
        link = f"{base}/clinic/patients/{patient.public_id}/messages"
    else:
        recipients = [patient.user.email] if patient.user.email else []
        subject = "You have a new message from your care team"
        link = f"{base}/messages"
    body = (
        f"{subject}.\n\nSign in to read it:\n{link}\n\nThis mail holds no message text on purpose."
    )
    for address in recipients:
        mail.send(subject, body, [address], about=f"message {message_id}")
    return len(recipients)


@task()
def announce(message_id: int) -> int:
    return announce_now(message_id)
