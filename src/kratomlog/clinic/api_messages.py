"""Secure messages through the API: a patient's own conversation, and their clinician's side."""

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status

from kratomlog.clinic import messages
from kratomlog.clinic.api_auth import OF_PATIENT, Bearer
from kratomlog.clinic.api_errors import ApiInput, answers
from kratomlog.clinic.api_staff import read_patient
from kratomlog.clinic.models import PATIENT, Message, Patient
from kratomlog.clinic.policy import own_patient, patient_for_clinician
from kratomlog.core.errors import InputError

router = Router(tags=["messages"])


class MessageIn(ApiInput):
    text: str = Field(description="plain text, at most 5,000 characters")


class MessageOut(Schema):
    id: int
    author: str  # "patient", or the clinician's name
    from_patient: bool
    text: str
    sent_at: datetime
    read_at: datetime | None  # when the other side read it


def _out(message: Message) -> dict[str, Any]:
    return {
        "id": message.id,
        "author": "patient" if message.from_patient else message.author_label,
        "from_patient": message.from_patient,
        "text": message.text,
        "sent_at": message.sent_at,
        "read_at": message.read_at,
    }


def _now() -> datetime:
    return datetime.now(UTC)


def _send(patient: Patient, user: Any, text: str) -> Status:
    if not patient.sharing:
        raise InputError("text", "you stopped sharing; share again to write to your care team")
    return Status(201, _out(messages.send(patient, user, text, _now())))


def _read_one(patient: Patient, message_id: int, by_patient: bool) -> dict[str, Any]:
    message = patient.messages.filter(id=message_id).first()
    if message is None:
        raise Http404
    if message.from_patient != by_patient and message.read_at is None:
        message.read_at = _now()
        message.save(update_fields=["read_at"])
    return _out(message)


@router.get("/me/messages", auth=Bearer(PATIENT), response=answers(list[MessageOut]))
def my_messages(request: HttpRequest) -> list[dict[str, Any]]:
    patient = own_patient(request.user)
    messages.mark_read(patient, by_patient=True, now=_now())  # listed is read, as on the page
    return [_out(m) for m in messages.conversation(patient)]


@router.post("/me/messages", auth=Bearer(PATIENT), response=answers(MessageOut, status=201))
def write_to_my_care_team(request: HttpRequest, body: MessageIn) -> Status:
    """Read in working hours, not for emergencies: Help now is for those."""
    return _send(own_patient(request.user), request.user, body.text)


@router.post("/me/messages/{message_id}/read", auth=Bearer(PATIENT), response=answers(MessageOut))
def i_read(request: HttpRequest, message_id: int) -> dict[str, Any]:
    return _read_one(own_patient(request.user), message_id, by_patient=True)


@router.get("/patients/{patient_id}/messages", auth=OF_PATIENT, response=answers(list[MessageOut]))
def patient_messages(request: HttpRequest, patient_id: UUID) -> list[dict[str, Any]]:
    patient = read_patient(request, patient_id, "messages")
    messages.mark_read(patient, by_patient=False, now=_now())
    return [_out(m) for m in messages.conversation(patient)]


@router.post("/patients/{patient_id}/messages", auth=OF_PATIENT,
             response=answers(MessageOut, status=201))  # fmt: skip
def write_to_patient(request: HttpRequest, patient_id: UUID, body: MessageIn) -> Status:
    return _send(patient_for_clinician(request.user, patient_id), request.user, body.text)


@router.post("/patients/{patient_id}/messages/{message_id}/read", auth=OF_PATIENT,
             response=answers(MessageOut))  # fmt: skip
def clinician_read(request: HttpRequest, patient_id: UUID, message_id: int) -> dict[str, Any]:
    return _read_one(read_patient(request, patient_id, "messages"), message_id, by_patient=False)
