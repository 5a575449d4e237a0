"""Announcing messages to the other side of the conversation, with no content: a mail to each
clinician of the team or to the patient, and a push to the patient's installed app.

Several messages in a row make one announcement: the task of a message that a later unread one
follows does nothing, and the later one's task announces them all.

Each announcement is sent at least once: it is claimed under the key (message, recipient,
channel) first (claims.claim), sent, then marked sent, and the messages are marked announced
only once every announcement is sent. A worker that dies in between leaves its task RUNNING;
worker_lease queues it again, and the run that follows sends what is still unsent and nothing
twice. The one case that sends twice: a worker killed after the mail server (or the push
service) accepted the announcement and before its row was marked sent.
"""

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from kratomlog.clinic import claims, mail, push
from kratomlog.clinic.models import Message, MessageAnnouncement
from kratomlog.clinic.policy import clinicians_of

FROM_CARE_TEAM = "You have a new message from your care team"


def _announce(message: Message, recipient: object, channel: str) -> MessageAnnouncement | None:
    key = {"message": message, "recipient": recipient, "channel": channel}
    claim: MessageAnnouncement | None = claims.claim(MessageAnnouncement, key, timezone.now())
    return claim


def _sent(claim: MessageAnnouncement) -> None:
    MessageAnnouncement.objects.filter(id=claim.id).update(sent_at=timezone.now())


def announce_now(message_id: int) -> int:
    """Tell the other side once about this message and every unread, unannounced one before it;
    the number of announcements sent (mails, and pushes a push service accepted): 0 when it was
    read or announced already, or a later message will be announced with it."""
    base = settings.CLINIC_BASE_URL.rstrip("/")
    message = (
        Message.objects.select_related("patient__user", "patient__team")
        .filter(id=message_id, read_at__isnull=True, announced_at__isnull=True)
        .first()
    )
    if message is None:
        return 0
    patient = message.patient
    if message.from_patient and not patient.sharing:
        return 0
    batch = Message.objects.filter(
        patient=patient, from_patient=message.from_patient, read_at__isnull=True,
        announced_at__isnull=True,
    )  # fmt: skip
    if batch.filter(id__gt=message.id).exists():
        return 0  # the later message's task announces this one too
    if message.from_patient:
        recipients = list(clinicians_of(patient).exclude(email=""))
        subject = f"A patient of {patient.team.name} sent a message"
        link = f"{base}/clinic/patients/{patient.public_id}/messages"
    else:
        recipients = [patient.user] if patient.user.email else []
        subject = FROM_CARE_TEAM
        link = f"{base}/messages"
    body = (
        f"{subject}.\n\nSign in to read it:\n{link}\n\nThis mail holds no message text on purpose."
    )
    sent = 0
    for user in recipients:
        claim = _announce(message, user, "mail")
        if claim is None:
            continue
        # A mail that still fails raises (mail.MailNotSent): the claim stays unsent, the
        # messages unannounced, and the task fails visibly.
        mail.send(subject, body, [user.email], about=f"message {message_id}")
        _sent(claim)
        sent += 1
    if not message.from_patient and push.enabled() and push.has_subscription(patient.user):
        claim = _announce(message, patient.user, "push")
        if claim is not None:
            deliveries = push.send(
                patient.user, title=push.notification_title(), body=FROM_CARE_TEAM, url=link
            )
            # Marked sent whatever the push services answered: each was tried a few times
            # already (push.TRIES_APART), its answer is logged and kept on the subscription,
            # and the mail carries the same news.
            _sent(claim)
            sent += sum(1 for d in deliveries if d.status is not None and d.status < 300)
    # Announced once nothing is left unsent: a claim another worker holds is theirs to finish
    # (and, lost with them, this task's to take over when it runs again).
    if not message.announcements.filter(sent_at__isnull=True).exists():
        batch.filter(id__lte=message.id).update(announced_at=timezone.now())
    return sent


@task()
def announce(message_id: int) -> int:
    return announce_now(message_id)
