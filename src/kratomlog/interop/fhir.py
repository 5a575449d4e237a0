"""A journal as a FHIR R4 Bundle of type `collection`, for a health record.

- Patient: the person (a clinic's patient: their id and email).
- PHQ-9 and GAD-7: a QuestionnaireResponse (LOINC's panel as its questionnaire, each item's LOINC
  code as its linkId, answers as their scores) and an Observation of the total (LOINC 44261-6,
  70274-6) derived from it.
- The withdrawal check-in, craving and a clinician's COWS: Observations coded in kratomlog's own
  code system (no LOINC code is invented for them), items as components.
- The Brief Addiction Monitor: a QuestionnaireResponse of kratomlog's own questionnaire (no
  LOINC code is invented for it; items linked as bam-1..bam-17, item 7 the drugs as codings)
  and an Observation of its three subscales as components, derived from it; no total.
- Sleep diary nights: an Observation each, the night as its period, the measures as components.
- Kratom doses, magnesium and other substances: MedicationStatements, the substance as text,
  kratom in UCUM `g` and magnesium (elemental) in `mg`.
- Messages with the care team (journal.conversation): a Communication each, completed, the
  patient as subject and as sender or recipient, the clinician or team by name, `sent`,
  `received` when the other side read it, the text as its payload.

Plain dicts: the bundle needs no library to build; the tests validate it with fhir.resources.
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from kratomlog.checkins.models import CheckIn, SleepDiary
from kratomlog.core import bam
from kratomlog.core.instruments import INSTRUMENTS
from kratomlog.core.sleep import Night
from kratomlog.interop import loinc
from kratomlog.journal import conversation
from kratomlog.journal.models import KRATOM, MAGNESIUM, Entry, Person

CODES = "urn:kratomlog:codes"  # kratomlog's own code system (see the README's FHIR section)
UCUM = "http://unitsofmeasure.org"
CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
SURVEY = {"coding": [{"system": CATEGORY, "code": "survey", "display": "Survey"}]}
COWS_ITEMS = (
    "Resting pulse rate",
    "Sweating",
    "Restlessness",
    "Pupil size",
    "Bone or joint aches",
    "Runny nose or tearing",
    "GI upset",
    "Tremor",
    "Yawning",
    "Anxiety or irritability",
    "Gooseflesh skin",
)  # the eleven items of the COWS (Wesson & Ling 2003), rated by a clinician


@dataclass(frozen=True)
class CowsRating:
    """A clinician's COWS at a visit (the clinic's Visit, read by the caller)."""

    uid: str
    at: datetime
    answers: tuple[int, ...]
    total: int


def _urn(uid: object) -> str:
    return f"urn:uuid:{uid}"


def _when(moment: datetime, tz_name: str) -> str:
    return moment.astimezone(ZoneInfo(tz_name)).isoformat(timespec="seconds")


def _own(code: str, display: str) -> dict[str, Any]:
    return {"coding": [{"system": CODES, "code": code, "display": display}], "text": display}


def _quantity(value: float, unit: str) -> dict[str, Any]:
    return {"value": round(value, 3), "unit": unit, "system": UCUM, "code": unit}


def _entry(resource: dict[str, Any]) -> dict[str, Any]:
    return {"fullUrl": _urn(resource["id"]), "resource": resource}


def person_uuid(person: Person) -> uuid.UUID:
    """A local journal's person has no public id: one derived from it, the same every export."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"kratomlog:person:{person.id}:{person.created_at}")


def bundle(
    person: Person,
    now: datetime,
    *,
    patient_id: uuid.UUID | None = None,
    email: str = "",
    visits: Iterable[CowsRating] = (),
) -> dict[str, Any]:
    """The whole journal of `person` as of `now`, as a Bundle (a dict ready for JSON)."""
    pid = patient_id or person_uuid(person)
    patient: dict[str, Any] = {"resourceType": "Patient", "id": str(pid), "active": True}
    if patient_id is not None:
        patient["identifier"] = [{"system": "urn:kratomlog:patient", "value": str(patient_id)}]
    if email:
        patient["telecom"] = [{"system": "email", "value": email}]
    subject = {"reference": _urn(pid)}
    resources = [patient]
    entries = Entry.objects.filter(person=person, deleted=False, taken_at__lte=now)
    for entry in entries.order_by("taken_at", "id"):
        resources.append(medication_statement(entry, subject))
    checkins = CheckIn.objects.filter(person=person, deleted=False, taken_at__lte=now)
    for checkin in checkins.order_by("taken_at", "id"):
        resources.extend(checkin_resources(checkin, subject))
    nights = SleepDiary.objects.filter(person=person, deleted=False, out_of_bed__lte=now)
    for diary in nights.order_by("night", "id"):
        resources.append(sleep_observation(diary, subject))
    for visit in visits:
        resources.append(cows_observation(visit, subject, person.timezone))
    for message in conversation.export_messages(person):
        resources.append(communication(message, pid, subject, person.timezone))
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "type": "collection",
        "timestamp": now.isoformat(timespec="seconds"),
        "entry": [_entry(resource) for resource in resources],
    }


def communication(
    message: dict[str, Any], pid: uuid.UUID, subject: dict[str, Any], tz_name: str
) -> dict[str, Any]:
    """One message of the conversation (journal.conversation's shape)."""
    team = {"display": "care team" if message["from_patient"] else message["author"] or "care team"}
    sender, recipient = (subject, team) if message["from_patient"] else (team, subject)
    sent = datetime.fromisoformat(message["sent_at"])
    side = "patient" if message["from_patient"] else "team"
    resource: dict[str, Any] = {
        "resourceType": "Communication",
        "id": str(uuid.uuid5(pid, f"message-{side}-{sent.isoformat()}-{message['text']}")),
        "status": "completed",
        "subject": subject,
        "sender": sender,
        "recipient": [recipient],
        "sent": _when(sent, tz_name),
        "payload": [{"contentString": message["text"]}],
    }
    if message["read_at"]:
        resource["received"] = _when(datetime.fromisoformat(message["read_at"]), tz_name)
    return resource


def medication_statement(entry: Entry, subject: dict[str, Any]) -> dict[str, Any]:
    if entry.substance == KRATOM:
        text = "kratom" + (f" ({entry.form})" if entry.form else "")
        dose = {
            "text": f"{entry.grams:g} g",
            "doseAndRate": [{"doseQuantity": _quantity(entry.grams or 0.0, "g")}],
        }
    elif entry.substance == MAGNESIUM:
        compound = entry.compound or "elemental"
        text = f"magnesium ({compound}), as elemental magnesium"
        dose = {
            "text": f"{entry.elemental_mg:g} mg elemental",
            "doseAndRate": [{"doseQuantity": _quantity(entry.elemental_mg or 0.0, "mg")}],
        }
    else:
        text = entry.name + (f" ({entry.category})" if entry.category else "")
        amount = f"{entry.amount:g} {entry.unit}".strip() if entry.amount is not None else ""
        dose = {"text": amount or "amount not recorded"}
    statement: dict[str, Any] = {
        "resourceType": "MedicationStatement",
        "id": str(entry.uid),
        "status": "completed",
        "medicationCodeableConcept": {"text": text},
        "subject": subject,
        "effectiveDateTime": _when(entry.taken_at, entry.timezone),
        "dosage": [dose],
    }
    if entry.note:
        statement["note"] = [{"text": entry.note}]
    return statement


BAM_QUESTIONNAIRE = "urn:kratomlog:questionnaire:bam"


def bam_resources(checkin: CheckIn, subject: dict[str, Any]) -> list[dict[str, Any]]:
    """The BAM's answers and its subscales, in kratomlog's own codes."""
    scored = bam.score(checkin.answers)
    when = _when(checkin.taken_at, checkin.timezone)
    response_id = uuid.uuid5(checkin.uid, "QuestionnaireResponse")
    items = []
    for item, answer in zip(bam.ITEMS, scored.stored(), strict=True):
        entry: dict[str, Any] = {"linkId": f"bam-{item.number}", "text": item.text}
        if isinstance(answer, list):  # item 7: no answer when no drug was used
            if answer:
                entry["answer"] = [
                    {"valueCoding": {"system": CODES, "code": f"bam-drug-{key}",
                                     "display": bam.DRUGS[key]}}
                    for key in answer
                ]  # fmt: skip
        else:
            entry["answer"] = [{"valueInteger": answer}]
        items.append(entry)
    response = {
        "resourceType": "QuestionnaireResponse",
        "id": str(response_id),
        "questionnaire": BAM_QUESTIONNAIRE,
        "status": "completed",
        "subject": subject,
        "authored": when,
        "item": items,
    }
    observation: dict[str, Any] = {
        "resourceType": "Observation",
        "id": str(checkin.uid),
        "status": "final",
        "category": [SURVEY],
        "code": _own("bam-subscales", "Brief Addiction Monitor subscales (no total)"),
        "subject": subject,
        "effectiveDateTime": when,
        "derivedFrom": [{"reference": _urn(response_id)}],
        "component": [
            {"code": _own(f"bam-{key}", f"BAM {bam.SUBSCALE_NAMES[key]}"), "valueInteger": value}
            for key, value in scored.subscales.items()
        ],
    }
    if checkin.note:
        observation["note"] = [{"text": checkin.note}]
    return [response, observation]


def checkin_resources(checkin: CheckIn, subject: dict[str, Any]) -> list[dict[str, Any]]:
    if checkin.instrument == bam.KEY:
        return bam_resources(checkin, subject)
    instrument = INSTRUMENTS[checkin.instrument]
    when = _when(checkin.taken_at, checkin.timezone)
    observation: dict[str, Any] = {
        "resourceType": "Observation",
        "id": str(checkin.uid),
        "status": "final",
        "category": [SURVEY],
        "subject": subject,
        "effectiveDateTime": when,
        "valueInteger": checkin.total,
    }
    if checkin.note:
        observation["note"] = [{"text": checkin.note}]
    if checkin.instrument not in loinc.PANEL:
        code = "withdrawal-checkin" if checkin.instrument == "withdrawal" else "craving"
        observation["code"] = _own(code, instrument.name)
        if len(instrument.items) > 1:
            observation["component"] = [
                {"code": _own(f"{code}-item-{n}", item), "valueInteger": answer}
                for n, (item, answer) in enumerate(
                    zip(instrument.items, checkin.answers, strict=True), start=1
                )
            ]
        return [observation]
    response_id = uuid.uuid5(checkin.uid, "QuestionnaireResponse")
    response = {
        "resourceType": "QuestionnaireResponse",
        "id": str(response_id),
        "questionnaire": f"http://loinc.org/q/{loinc.PANEL[checkin.instrument]}",
        "status": "completed",
        "subject": subject,
        "authored": when,
        "item": [
            {"linkId": code, "text": item, "answer": [{"valueInteger": answer}]}
            for code, item, answer in zip(
                loinc.ITEMS[checkin.instrument], instrument.items, checkin.answers, strict=True
            )
        ],
    }
    total = loinc.TOTAL[checkin.instrument]
    observation["code"] = {
        "coding": [{"system": loinc.LOINC, "code": total, "display": loinc.DISPLAY[total]}],
        "text": f"{instrument.name} total score",
    }
    observation["derivedFrom"] = [{"reference": _urn(response_id)}]
    if checkin.band:
        observation["interpretation"] = [{"text": checkin.band}]
    return [response, observation]


def sleep_observation(diary: SleepDiary, subject: dict[str, Any]) -> dict[str, Any]:
    night = Night(
        diary.night,
        diary.into_bed,
        diary.tried_to_sleep,
        diary.sol_minutes,
        diary.awakenings,
        diary.waso_minutes,
        diary.final_awakening,
        diary.out_of_bed,
        diary.quality,
    )
    measures = (
        ("time-in-bed", "Time in bed", _quantity(night.time_in_bed_minutes, "min")),
        ("total-sleep-time", "Total sleep time", _quantity(night.total_sleep_minutes, "min")),
        ("sleep-onset-latency", "Sleep onset latency", _quantity(night.sol_minutes, "min")),
        ("wake-after-sleep-onset", "Wake after sleep onset", _quantity(night.waso_minutes, "min")),
        ("sleep-efficiency", "Sleep efficiency", _quantity(night.sleep_efficiency, "%")),
    )
    components: list[dict[str, Any]] = [
        {"code": _own(code, name), "valueQuantity": value} for code, name, value in measures
    ]
    components.append({"code": _own("awakenings", "Awakenings"), "valueInteger": night.awakenings})
    components.append(
        {
            "code": _own("sleep-quality", "Sleep quality, 1 very poor to 5 very good"),
            "valueInteger": night.quality,
        }
    )
    observation: dict[str, Any] = {
        "resourceType": "Observation",
        "id": str(diary.uid),
        "status": "final",
        "category": [SURVEY],
        "code": _own("sleep-diary", "Sleep diary night (Consensus Sleep Diary, Carney 2012)"),
        "subject": subject,
        "effectivePeriod": {
            "start": _when(diary.into_bed, diary.timezone),
            "end": _when(diary.out_of_bed, diary.timezone),
        },
        "component": components,
    }
    if diary.note:
        observation["note"] = [{"text": diary.note}]
    return observation


def cows_observation(visit: CowsRating, subject: dict[str, Any], tz_name: str) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": visit.uid,
        "status": "final",
        "category": [SURVEY],
        "code": _own("cows", "Clinical Opiate Withdrawal Scale (COWS) total, clinician-rated"),
        "subject": subject,
        "effectiveDateTime": _when(visit.at, tz_name),
        "valueInteger": visit.total,
        "component": [
            {"code": _own(f"cows-item-{n}", item), "valueInteger": answer}
            for n, (item, answer) in enumerate(zip(COWS_ITEMS, visit.answers, strict=False), 1)
        ],
    }
