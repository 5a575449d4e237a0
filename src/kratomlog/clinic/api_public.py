"""The consent text, and invitations: created by a clinician, accepted by a new patient."""

from datetime import UTC, datetime

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from kratomlog.clinic import audit, invitations
from kratomlog.clinic.api_auth import Bearer
from kratomlog.clinic.api_errors import ApiInput, Problem, answers
from kratomlog.clinic.consent import CARE_CONSENT
from kratomlog.clinic.models import CLINICIAN

router = Router(tags=["consent and invitations"])


class ConsentOut(Schema):
    version: str
    text: str


class InvitationIn(ApiInput):
    team: str | None = None
    display_name: str = ""  # the patient's name as staff see it ("Ana P.")
    record_number: str = ""
    email: str = ""


class InvitationOut(Schema):
    code: str
    url: str
    expires_at: datetime


class AcceptIn(ApiInput):
    email: str
    password: str
    timezone: str
    consent_version: str
    share_with_care_team: bool


class AcceptOut(Schema):
    patient_id: str
    token: str


@router.get("/consent", auth=None, response=answers(ConsentOut))
def consent(request: HttpRequest) -> ConsentOut:
    return ConsentOut(version=CARE_CONSENT.version, text=CARE_CONSENT.text)


@router.post("/invitations", auth=Bearer(CLINICIAN), response=answers(InvitationOut, 201))
def invite(request: HttpRequest, body: InvitationIn) -> Status:
    new = invitations.invite(
        request.user, datetime.now(UTC), body.team, audit.client_address(request),
        display_name=body.display_name, record_number=body.record_number, email=body.email,
    )  # fmt: skip
    return Status(201, InvitationOut(code=new.code, url=new.url, expires_at=new.expires_at))


@router.post(
    "/invitations/{code}/accept", auth=None, response=answers(AcceptOut, 201, s410=Problem)
)
def accept(request: HttpRequest, code: str, body: AcceptIn) -> Status:
    try:
        patient, token = invitations.accept(
            code,
            email=body.email,
            password=body.password,
            timezone=body.timezone,
            consent_version=body.consent_version,
            share_with_care_team=body.share_with_care_team,
            now=datetime.now(UTC),
            address=audit.client_address(request),
        )
    except invitations.InvitationGone as gone:
        raise HttpError(410, str(gone)) from None
    return Status(201, AcceptOut(patient_id=str(patient.public_id), token=token))
