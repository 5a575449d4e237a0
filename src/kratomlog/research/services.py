"""Studies: an admin creates one, a patient joins or leaves it, researchers are named to it.

Every decision is audited; a study is found by its name, and a name that is not a study the
caller may see answers 404 like one that does not exist.
"""

import hashlib
import hmac
import re
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404

from kratomlog.clinic import audit
from kratomlog.clinic.models import RESEARCHER, Patient
from kratomlog.clinic.policy import own_patient, require_role, role_of
from kratomlog.core.days import local_day, zone
from kratomlog.core.errors import InputError
from kratomlog.research.models import (
    BASELINE_MOST,
    ResearchConsent,
    Study,
    StudyParticipant,
    StudyResearcher,
)

_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")
DEFAULT_CONSENT = (
    "Taking part in the study {name}\n\n"
    "If you join, a copy of your journal from today on{before} (doses, magnesium, the category "
    "of other substances, check-ins, sleep diaries, plans and where you stood against them) "
    "goes into the study's data under a code instead of your name. Your name, email address, "
    "notes, purposes, product vendors and batches are never part of it, times are counted in days "
    "since you joined{negative}, and your time zone is left out. The study's researchers see "
    "only that coded data, never your journal.\n\n"
    "Taking part is your choice and separate from sharing with your care team. You can leave "
    "at any time: from then on your data is left out of every new export of the study (copies "
    "already made cannot be called back)."
)


def baseline_sentence(days: int) -> str:
    """What a study's consent says of its baseline window, appended to a text of its own."""
    return (
        f"The study also takes your journal from the {days} days before you joined, under the "
        f"same code: those days are counted as day -{days} to day -1."
    )


def research_consent(name: str, text: str | None, baseline_days: int) -> str:
    """The study's consent text: its own or kratomlog's, always stating the baseline window, so
    a window changes the text and with it the version a participant agrees to."""
    if text is None:
        return DEFAULT_CONSENT.format(
            name=name,
            before=f" and the {baseline_days} days before you joined" if baseline_days else "",
            negative=" (the days before as negative numbers)" if baseline_days else "",
        )
    text = text.strip()
    if baseline_days and text:
        text += "\n\n" + baseline_sentence(baseline_days)
    return text


def pseudonym(study: Study, patient: Patient) -> str:
    """The participant's code in `study`: HMAC-SHA256 of their id with the study's secret, the
    first 16 hex digits (64 bits: no collision to expect among millions of participants)."""
    digest = hmac.new(
        study.pseudonym_secret.encode(), str(patient.public_id).encode(), hashlib.sha256
    )
    return "p" + digest.hexdigest()[:16]


# How exact an export's local times of day are: the quarter hour unless the study needs more.
TIME_OF_DAY = {"quarter-hour": 900, "minute": 60, "second": 1}


@transaction.atomic
def create_study(
    *,
    name: str,
    now: datetime,
    protocol_id: str = "",
    consent_text: str | None = None,
    start: date | None = None,
    end: date | None = None,
    actor: Any = None,
    time_of_day: str = "quarter-hour",
    baseline_days: int = 0,
) -> Study:
    name = name.strip().lower()
    if not 0 <= baseline_days <= BASELINE_MOST:
        raise InputError(
            "--baseline-days",
            f"{baseline_days}; a whole number of days from 0 (none) to {BASELINE_MOST}",
        )
    if time_of_day not in TIME_OF_DAY:
        raise InputError(
            "--time-of-day",
            f"{time_of_day!r}; use {', '.join(TIME_OF_DAY)} (quarter-hour unless "
            "the protocol needs more)",
        )
    if not _NAME.match(name):
        raise InputError(
            "NAME", f"{name!r}: a study name is lower-case letters, digits and dashes (taper-2027)"
        )
    if Study.objects.filter(name=name).exists():
        raise InputError("NAME", f"a study called {name} already exists")
    if start and end and end < start:
        raise InputError("--end", f"{end} is before the start {start}; the end comes after it")
    text = research_consent(name, consent_text, baseline_days).strip()
    if not text:
        raise InputError("--consent-file", "the research consent text is empty")
    study = Study.objects.create(
        name=name,
        protocol_id=protocol_id.strip(),
        consent_text=text,
        consent_version=consent_version_of(text),
        start=start,
        end=end,
        created_at=now,
        time_of_day_seconds=TIME_OF_DAY[time_of_day],
        baseline_days=baseline_days,
    )
    audit.record(
        action="study",
        actor=actor,
        role=role_of(actor) or "",
        what=f"created {name}" + (f", baseline {baseline_days} days" if baseline_days else ""),
        at=now,
    )
    return study


def consent_version_of(text: str) -> str:
    """A text's version: the start of its SHA-256, so a changed text is a new version."""
    return hashlib.sha256(text.encode()).hexdigest()[:12]


@transaction.atomic
def add_researcher(study: Study, user: Any, now: datetime, actor: Any = None) -> None:
    if role_of(user) != RESEARCHER:
        raise InputError("EMAIL", f"{user.get_username()} is not a researcher")
    StudyResearcher.objects.get_or_create(study=study, user=user)
    audit.record(
        action="study",
        actor=actor,
        role=role_of(actor) or "",
        what=f"researcher {user.get_username()} added to {study.name}",
        at=now,
    )


def open_studies(today: date) -> QuerySet[Study]:
    """Studies a patient may join on `today`: those not yet over."""
    from django.db.models import Q

    return Study.objects.filter(Q(end__isnull=True) | Q(end__gte=today)).order_by("name")


def studies_for_patient(user: Any, now: datetime) -> list[tuple[Study, bool]]:
    """The studies the patient may join, each with whether they take part now."""
    patient = own_patient(user)
    today = local_day(now, zone(patient.person.timezone))
    active = set(
        StudyParticipant.objects.filter(patient=patient, active=True).values_list(
            "study_id", flat=True
        )
    )
    return [(study, study.id in active) for study in open_studies(today)]


def _open_study(name: str, patient: Patient, now: datetime) -> Study:
    today = local_day(now, zone(patient.person.timezone))
    study = open_studies(today).filter(name=name).first()
    if study is None:
        raise Http404
    return study


@transaction.atomic
def join(
    *, user: Any, name: str, consent_version: str, now: datetime, address: str | None = None
) -> StudyParticipant:
    """The patient joins `name` under the research consent they read (its version)."""
    patient = own_patient(user)
    study = _open_study(name, patient, now)
    if consent_version != study.consent_version:
        raise InputError(
            "consent_version",
            f"{consent_version!r} is not the study's research consent; read version "
            f"{study.consent_version} and agree to it",
        )
    participant, created = StudyParticipant.objects.get_or_create(
        study=study, patient=patient, defaults={"enrolled_at": now, "active": True}
    )
    if not created and not participant.active:
        participant.active = True
        participant.save(update_fields=["active"])
    ResearchConsent.objects.create(
        participant=participant,
        version=study.consent_version,
        baseline_days=study.baseline_days,
        granted=True,
        at=now,
        address=address,
    )
    audit.record(
        action="consent",
        actor=user,
        role="patient",
        what=f"joined study {study.name}",
        patient=patient,
        address=address,
        at=now,
    )
    return participant


@transaction.atomic
def leave(*, user: Any, name: str, now: datetime, address: str | None = None) -> None:
    """The patient leaves `name`: research consent revoked; later exports leave them out."""
    patient = own_patient(user)
    participant = (
        StudyParticipant.objects.select_related("study")
        .filter(study__name=name, patient=patient, active=True)
        .first()
    )
    if participant is None:
        raise Http404
    participant.active = False
    participant.save(update_fields=["active"])
    # Archives written while they took part hold their data: removed once this is committed.
    from kratomlog.research.tasks import remove_archives

    study = participant.study
    transaction.on_commit(
        lambda: remove_archives(study.exports.all(), "removed: a participant left the study")
    )
    ResearchConsent.objects.create(
        participant=participant,
        version=participant.study.consent_version,
        granted=False,
        at=now,
        address=address,
    )
    audit.record(
        action="consent",
        actor=user,
        role="patient",
        what=f"left study {participant.study.name}",
        patient=patient,
        address=address,
        at=now,
    )


def study_for_researcher(user: Any, name: str) -> Study:
    """The study `name` if `user` is one of its researchers; otherwise 404 (unknown or not)."""
    require_role(user, RESEARCHER)
    study = Study.objects.filter(name=name, researchers__user=user).first()
    if study is None:
        raise Http404
    return study


def studies_of_researcher(user: Any) -> QuerySet[Study]:
    require_role(user, RESEARCHER)
    return Study.objects.filter(researchers__user=user).order_by("name")


def active_participants(study: Study) -> QuerySet[StudyParticipant]:
    """Those whose research consent holds now: the only ones any export or page shows."""
    return StudyParticipant.objects.filter(study=study, active=True).select_related(
        "patient", "patient__person"
    )


def study_named(name: str) -> Study:
    study = Study.objects.filter(name=name.strip().lower()).first()
    if study is None:
        raise InputError("NAME", f"no study called {name!r}")
    return study
