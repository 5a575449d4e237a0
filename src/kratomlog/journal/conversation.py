"""A clinic conversation in the journal's JSON export, its import and its FHIR export.

The conversation lives in the clinic (clinic.models.Message), between the patient and their
team; the export carries it whole so that it is the patient's to keep. What a journal holds of
a conversation it imports is a read-only record (Person.earlier_messages): a local journal has
no care team to write to, and a clinic never puts an imported message into a live conversation,
where a team would read words that were never written to it. The export writes the live
conversation and the earlier ones together, so export, import and export again give the same
messages, and a second import adds none (a message is known by its side, time and text).
"""

from datetime import UTC, datetime
from typing import Any

from django.apps import apps

from kratomlog.journal import document as doc
from kratomlog.journal.models import Person

LONGEST = 5000  # as clinic.messages.LONGEST: a message the clinic took is never refused here


def live_messages(person: Person) -> list[dict[str, Any]]:
    """The person's conversation with their care team, if they are a clinic's patient."""
    if not apps.is_installed("kratomlog.clinic"):
        return []
    from kratomlog.clinic.models import Message

    found = Message.objects.filter(patient__person=person).order_by("sent_at", "id")
    return [
        {
            "sent_at": message.sent_at.isoformat(),
            "from_patient": message.from_patient,
            "author": "patient" if message.from_patient else message.author_label,
            "text": message.text,
            "read_at": message.read_at.isoformat() if message.read_at else None,
        }
        for message in found
    ]


def export_messages(person: Person) -> list[dict[str, Any]]:
    """Every message the journal knows, earliest first."""
    every = live_messages(person) + list(person.earlier_messages or [])
    return sorted(every, key=lambda message: (message["sent_at"], not message["from_patient"]))


def read_messages(document: dict[str, Any], now: datetime) -> list[dict[str, Any]]:
    """The messages of an export, every value checked (an export from before has none)."""
    found = []
    for index, data in enumerate(doc.records(document, "messages", required=False)):
        where = f"messages[{index}]"
        read_at = data.get("read_at")
        found.append(
            {
                "sent_at": doc.moment(data, "sent_at", where, now).isoformat(),
                "from_patient": doc.flag(data, "from_patient", where),
                "author": doc.text(data, "author", where, 254),
                "text": doc.text(data, "text", where, LONGEST),
                "read_at": None
                if read_at is None
                else doc.moment(data, "read_at", where, now).isoformat(),
            }
        )
    return found


def _key(message: dict[str, Any]) -> tuple[str, bool, str]:
    sent = datetime.fromisoformat(message["sent_at"]).astimezone(UTC)
    return (sent.isoformat(), message["from_patient"], message["text"])


def missing_messages(person: Person, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    known = {_key(message) for message in export_messages(person)}
    fresh = []
    for message in messages:
        if _key(message) not in known:
            known.add(_key(message))
            fresh.append(message)
    return fresh


def earlier(person: Person) -> list[dict[str, Any]]:
    """The conversation an import brought, to show: its times as moments, earliest first."""
    return [
        {
            **message,
            "sent_at": datetime.fromisoformat(message["sent_at"]),
            "read_at": datetime.fromisoformat(message["read_at"]) if message["read_at"] else None,
        }
        for message in sorted(person.earlier_messages or [], key=lambda m: m["sent_at"])
    ]
