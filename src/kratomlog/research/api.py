"""The study endpoints of the clinic's API (django-ninja): a patient lists, joins and leaves
studies; a clinician downloads a patient's journal as FHIR R4. Registered on the clinic's
NinjaAPI in kratomlog.clinic.api; access is decided by kratomlog.clinic.policy."""

import uuid
from datetime import UTC, date, datetime
from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import Router, Schema, Status

from kratomlog.clinic import audit
from kratomlog.clinic.api_auth import OF_PATIENT, Bearer
from kratomlog.clinic.api_errors import ApiInput, answers
from kratomlog.clinic.models import CLINICIAN, PATIENT
from kratomlog.clinic.policy import patient_for_clinician
from kratomlog.research import services

# A bearer token of the right role (clinic.api_auth); the 422 naming a field: the clinic API.
router = Router(tags=["studies"], auth=Bearer(PATIENT))


class StudyOut(Schema):
    name: str
    protocol: str
    start: date | None
    end: date | None
    version: str
    text: str
    joined: bool


class JoinIn(ApiInput):
    consent_version: str


class JoinedOut(Schema):
    study: str
    version: str
    joined_at: datetime


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


@router.get("/studies", response=answers(list[StudyOut]))
def list_studies(request: HttpRequest) -> list[StudyOut]:
    """A patient: the studies they may join, each with its research consent text and version."""
    found = services.studies_for_patient(_user(request), datetime.now(UTC))
    return [
        StudyOut(
            name=s.name,
            protocol=s.protocol_id,
            start=s.start,
            end=s.end,
            version=s.consent_version,
            text=s.consent_text,
            joined=joined,
        )
        for s, joined in found
    ]


@router.post("/me/studies/{name}/join", response=answers(JoinedOut, 201))
def join_study(request: HttpRequest, name: str, body: JoinIn) -> Status[JoinedOut]:
    """A patient joins a study under the research consent version they read."""
    now = datetime.now(UTC)
    services.join(  # another consent version: InputError, a 422 naming consent_version
        user=_user(request),
        name=name,
        consent_version=body.consent_version,
        now=now,
        address=audit.client_address(request),
    )
    return Status(201, JoinedOut(study=name, version=body.consent_version, joined_at=now))


@router.delete("/me/studies/{name}", response=answers(None, 204))
def leave_study(request: HttpRequest, name: str) -> Status[None]:
    """A patient leaves a study: research consent revoked, left out of every later export."""
    services.leave(
        user=_user(request), name=name, now=datetime.now(UTC), address=audit.client_address(request)
    )
    return Status(204, None)


fhir_router = Router(tags=["fhir"], auth=Bearer(CLINICIAN))


# The Bundle is answered as application/fhir+json (FHIR's own media type), and documented so.
FHIR_BUNDLE = {
    "responses": {
        200: {
            "description": "A FHIR R4 Bundle of type collection",
            "content": {
                "application/fhir+json": {
                    "schema": {
                        "type": "object",
                        "required": ["resourceType", "type"],
                        "properties": {
                            "resourceType": {"type": "string", "enum": ["Bundle"]},
                            "type": {"type": "string", "enum": ["collection"]},
                            "entry": {"type": "array", "items": {"type": "object"}},
                        },
                    }
                }
            },
        }
    }
}


@fhir_router.get(
    "/patients/{patient_id}/fhir",
    auth=OF_PATIENT,
    response=answers(dict[str, Any]),
    openapi_extra=FHIR_BUNDLE,
)
def patient_fhir(request: HttpRequest, patient_id: str) -> JsonResponse:
    """A clinician: the patient's journal as a FHIR R4 Bundle (collection); audited."""
    from kratomlog.clinic.models import Visit
    from kratomlog.interop.fhir import CowsRating, bundle

    user = _user(request)
    patient = patient_for_clinician(user, patient_id)
    now = datetime.now(UTC)
    visits = [
        CowsRating(
            str(uuid.uuid5(patient.public_id, f"visit-{v.id}")),
            v.at,
            tuple(v.cows_answers or ()),
            v.cows_total,
        )
        for v in Visit.objects.filter(
            patient=patient, cows_total__isnull=False, at__lte=now
        ).order_by("at", "id")
    ]
    data = bundle(
        patient.person, now, patient_id=patient.public_id, email=patient.user.email, visits=visits
    )
    audit.record(
        action="export",
        actor=user,
        role=CLINICIAN,
        what=request.path[:300],
        patient=patient,
        address=audit.client_address(request),
        at=now,
    )
    return JsonResponse(data, content_type="application/fhir+json")
