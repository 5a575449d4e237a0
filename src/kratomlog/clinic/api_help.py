"""Help now and the plan for hard moments through the API, for a patient of the clinic."""

from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from kratomlog.checkins import coping
from kratomlog.clinic import alerts
from kratomlog.clinic.api_auth import Bearer
from kratomlog.clinic.api_errors import ApiInput, answers
from kratomlog.clinic.models import PATIENT
from kratomlog.clinic.policy import own_patient
from kratomlog.core.coping import plan_from_document

router = Router(tags=["a patient's own journal"], auth=Bearer(PATIENT))


class PersonToCall(Schema):
    name: str
    phone: str


class CopingPlanIO(ApiInput):
    warning_signs: list[str] = Field(default_factory=list)
    what_helps: list[str] = Field(default_factory=list)
    people: list[PersonToCall] = Field(default_factory=list)
    reasons: list[str] = Field(default_factory=list)


class CopingPlanOut(Schema):
    warning_signs: list[str]
    what_helps: list[str]
    people: list[PersonToCall]
    reasons: list[str]


class ResourceOut(Schema):
    name: str
    contact: str


class HelpNowOut(Schema):
    crisis_resources: list[ResourceOut]
    coping_plan: CopingPlanOut
    care_team_alerted: bool


@router.post("/me/help-now", response=answers(HelpNowOut, status=201))
def help_now(request: HttpRequest) -> Status:
    """Tell my care team now: an urgent alert, mailed to the team at once; answers the crisis
    resources and the patient's own plan for hard moments."""
    patient = own_patient(request.user)
    alerted = alerts.help_requested(patient, datetime.now(UTC)) is not None
    return Status(201, {**coping.help_now(patient.person).as_dict(), "care_team_alerted": alerted})


@router.get("/me/coping-plan", response=answers(CopingPlanOut))
def get_coping_plan(request: HttpRequest) -> dict[str, Any]:
    return coping.coping_plan(own_patient(request.user).person).as_dict()


@router.put("/me/coping-plan", response=answers(CopingPlanOut))
def put_coping_plan(request: HttpRequest, body: CopingPlanIO) -> dict[str, Any]:
    """The whole plan, replaced; each item one line of at most 500 characters, at most 20 a
    list; a person's phone in digits, spaces and + ( ) - . /."""
    plan = plan_from_document(body.model_dump())
    return coping.set_coping_plan(own_patient(request.user).person, plan).as_dict()
