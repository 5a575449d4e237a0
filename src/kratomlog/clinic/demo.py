"""A throwaway demo clinic (`kratomlog clinic demo`): two teams, a dozen patients with a few
months of journal each, and staff to sign in as.

The patients differ on purpose: a taper with some days over the allowance, a PHQ-9 with item 9
answered, limits broken, escalating use, a stop with withdrawal check-ins, one silent for 10 days.
Their alerts are not made up: the standing is judged from the finished journals, as of now, and
raises what the clinic's own rules find. The same seed gives the same clinic.
"""

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models.signals import post_save

from kratomlog.checkins.services import record_checkin
from kratomlog.clinic import audit, care_plans, people, standing
from kratomlog.clinic.consent import CARE_CONSENT
from kratomlog.clinic.models import ALERT_RESOLVED, Alert, Patient
from kratomlog.core.days import local_day, zone
from kratomlog.core.formats import Reading
from kratomlog.core.plan import preset_plan
from kratomlog.journal.demo import load_demo
from kratomlog.journal.models import Change
from kratomlog.journal.transfer import read_rows_as, store_rows

STANDING_HOOK = "clinic-standing"  # the dispatch_uid kratomlog.clinic.apps connects it under
PASSWORD = "demo clinic password"  # a throwaway clinic on this computer only
PHQ9_CALM = (1, 1, 1, 0, 0, 1, 0, 0, 0)
PHQ9_LOW = (2, 2, 1, 2, 1, 2, 1, 0, 0)


@dataclass(frozen=True)
class DemoClinic:
    clinician: Any  # the demo clinician (team North), with a confirmed authenticator
    other_clinician: Any
    admin: Any
    patient: Patient  # the demo patient (North: a taper)
    authenticator_secret: str  # base32, to add the clinician to an authenticator app
    patients: int
    open_alerts: int


# Each story fills one journal: (patient, clinician of the team, now, random).
Story = Callable[[Patient, Any, datetime, random.Random], None]


def _doses(
    patient: Patient, now: datetime, rng: random.Random, grams_on: Callable[[int], float],
    days: int = 100, until: datetime | None = None,
) -> None:  # fmt: skip
    """Kratom doses for `days` days up to `until` (default: now); grams_on(day index) a day."""
    person, end = patient.person, until or now
    tz = zone(person.timezone)
    first = local_day(end, tz) - timedelta(days=days - 1)
    rows = []
    for offset in range(days):
        daily = grams_on(offset)
        count = 3 if daily > 8 else 2 if daily > 3 else 1 if daily > 0 else 0
        for number in range(count):
            grams = max(0.5, round(daily / count * 2) / 2)
            moment = datetime.combine(first + timedelta(days=offset), time(0), tzinfo=tz)
            moment += timedelta(hours=8 + number * 5 + rng.uniform(0, 2))
            if moment <= end:
                rows.append(
                    read_rows_as(
                        len(rows) + 1,
                        moment,
                        f"clinic-demo:{patient.public_id}:{len(rows)}",
                        substance="kratom",
                        name="kratom",
                        amount=grams,
                        unit="g",
                        grams=grams,
                        form="powder",
                        product="Green Malay",
                    )
                )
    store_rows(person, Reading(rows=rows), "demo", "demo", now, None)


def _checkin(
    patient: Patient, now: datetime, key: str, answers: tuple[int, ...], ago: float
) -> None:
    at = (now - timedelta(days=ago)).isoformat(timespec="minutes")
    record_checkin(person=patient.person, key=key, now=now, answers=list(answers), at=at)


def _start(patient: Patient, now: datetime, days_ago: int) -> date:
    """The patient's day `days_ago` days before `now`: the day of that moment in their zone, not
    today's date less the days (across a change of summer time the two differ in the hour
    before local midnight, and a plan set then would start the day before its own today)."""
    return local_day(now - timedelta(days=days_ago), zone(patient.person.timezone))


def taper(seed: int, silent_days: int = 0) -> Story:
    def story(patient: Patient, clinician: Any, now: datetime, rng: random.Random) -> None:
        load_demo(person=patient.person, now=now - timedelta(days=silent_days), seed=seed)
        for weeks in (10, 6, 2):
            if weeks * 7 > silent_days:
                _checkin(patient, now, "phq9", PHQ9_CALM, weeks * 7)

    return story


def self_harm(patient: Patient, clinician: Any, now: datetime, rng: random.Random) -> None:
    _doses(patient, now, rng, lambda day: rng.uniform(9, 15))
    _checkin(patient, now, "phq9", PHQ9_LOW, 30)
    _checkin(patient, now, "phq9", (2, 3, 2, 2, 1, 2, 2, 1, 1), 1)  # item 9 answered 1


def limits_broken(preset: str, grams: tuple[float, float], use_chance: float) -> Story:
    def story(patient: Patient, clinician: Any, now: datetime, rng: random.Random) -> None:
        plan_from = now - timedelta(days=60)
        care_plans.set_for_patient(
            clinician, patient, preset_plan(preset, _start(patient, now, 60)), plan_from
        )
        _doses(
            patient, now, rng, lambda day: rng.uniform(*grams) if rng.random() < use_chance else 0
        )
        _checkin(patient, now, "phq9", PHQ9_CALM, 20)

    return story


def within(preset: str, grams: tuple[float, float], use_chance: float) -> Story:
    def story(patient: Patient, clinician: Any, now: datetime, rng: random.Random) -> None:
        plan = preset_plan(preset, _start(patient, now, 90))
        care_plans.set_for_patient(clinician, patient, plan, now - timedelta(days=90))
        _doses(
            patient, now, rng, lambda day: rng.uniform(*grams) if rng.random() < use_chance else 0
        )
        _checkin(patient, now, "gad7", (1, 1, 0, 1, 0, 1, 0), 9)

    return story


def escalating(patient: Patient, clinician: Any, now: datetime, rng: random.Random) -> None:
    def grams(day: int) -> float:  # of 100: some days a week, then daily, then more a day
        if day < 72:
            return rng.uniform(3, 4) if rng.random() < 0.55 else 0
        return rng.uniform(4, 5) if day < 86 else rng.uniform(7, 9)

    _doses(patient, now, rng, grams)
    _checkin(patient, now, "craving", (7,), 3)


def stopped(patient: Patient, clinician: Any, now: datetime, rng: random.Random) -> None:
    stop = now - timedelta(days=21)
    _doses(patient, now, rng, lambda day: rng.uniform(6, 10), days=80, until=stop)
    care_plans.set_for_patient(
        clinician, patient, preset_plan("break-90", _start(patient, now, 20)), stop
    )
    # Withdrawal that persists: three weeks on, the latest total is still over half its peak.
    for ago, level in ((20, 3), (18, 4), (15, 3), (12, 3), (8, 3), (4, 3), (1, 3)):
        _checkin(
            patient,
            now,
            "withdrawal",
            tuple(min(4, level + rng.randint(-1, 1)) for _ in range(11)),
            ago,
        )


# (email, team, time zone, story); the first is the demo patient.
PATIENTS: list[tuple[str, str, str, Story]] = [
    ("ana@demo.test", "North", "Europe/Berlin", taper(7)),
    ("ben@demo.test", "North", "America/New_York", self_harm),
    ("cleo@demo.test", "North", "Europe/London", limits_broken("occasional", (2, 4), 0.5)),
    ("dev@demo.test", "North", "Asia/Kolkata", taper(11, silent_days=10)),
    ("eli@demo.test", "North", "Europe/Berlin", stopped),
    ("fay@demo.test", "North", "America/Chicago", within("ceiling-3g-a-dose", (2, 5), 0.9)),
    ("gus@demo.test", "South", "America/Los_Angeles", taper(23)),
    ("hana@demo.test", "South", "Asia/Tokyo", escalating),
    ("ivo@demo.test", "South", "Europe/Rome", within("occasional", (2, 3), 0.1)),
    ("jo@demo.test", "South", "Australia/Sydney", limits_broken("ceiling-3g-a-dose", (5, 9), 0.8)),
    ("kim@demo.test", "South", "America/Toronto", stopped),
    ("lu@demo.test", "South", "Europe/Madrid", taper(31)),
]


@contextmanager
def standing_judged_at_the_end() -> Iterator[None]:
    """Months of history are written at once: judging the standing at every step would raise
    alerts for moments that never were (a plan set before its doses, say). The refresh on each
    journal change is paused while the demo writes, and each standing is judged once, after."""
    from kratomlog.clinic import hooks

    post_save.disconnect(sender=Change, dispatch_uid=STANDING_HOOK)
    try:
        yield
    finally:
        post_save.connect(hooks.journal_changed, sender=Change, dispatch_uid=STANDING_HOOK)


def _staff(email: str, role: str, teams: list[str], name: str, now: datetime) -> Any:
    user, _ = people.add_staff(email=email, role=role, now=now, teams=teams, name=name)
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user


def _study(now: datetime, patients: list[Any]) -> None:
    """A study the demo's patients may join on their Sharing page; two of them have, and a
    researcher (rao@demo.test) reads it."""
    from kratomlog.research import services as research

    study = research.create_study(
        name="taper-outcomes-2027", protocol_id="KL-DEMO-01", now=now - timedelta(days=60),
        start=(now - timedelta(days=60)).date(), end=(now + timedelta(days=300)).date(),
    )  # fmt: skip
    rao = _staff("rao@demo.test", "researcher", [], "Rao (research)", now)
    research.add_researcher(study, rao, now)
    for patient in patients[1:3]:
        research.join(
            user=patient.user, name=study.name, consent_version=study.consent_version,
            now=now - timedelta(days=50),
        )  # fmt: skip


@transaction.atomic
def build(now: datetime, seed: int = 2026) -> DemoClinic:
    """Fill an empty clinic database with the demo clinic."""
    from kratomlog.clinic.accounts.authenticator import enrolment

    rng = random.Random(seed)
    lee = _staff("lee@demo.test", "clinician", ["North"], "Dr Lee", now)
    okafor = _staff("okafor@demo.test", "clinician", ["South"], "Dr Okafor", now)
    admin = _staff("admin@demo.test", "admin", [], "Clinic admin", now)
    secrets = {}
    for user in (lee, okafor, admin):
        enrolling = enrolment(user)
        enrolling.device.confirmed = True
        enrolling.device.save(update_fields=["confirmed"])
        secrets[user.pk] = enrolling.secret
    patients = []
    for email, team, tz, story in PATIENTS:
        clinician = lee if team == "North" else okafor
        patient = people.add_patient(
            email=email, password=PASSWORD, timezone=tz, team=people.team_named(team),
            consent_version=CARE_CONSENT.version, share_with_care_team=True,
            now=now - timedelta(days=100),
        )  # fmt: skip
        with standing_judged_at_the_end():
            story(patient, clinician, now, rng)
        standing.refresh(patient, now)  # raises the alerts the clinic's rules find now
        for days_ago in (30, 9, 2):  # the clinician looked: the patient's Sharing page shows it
            audit.record(
                action="read", actor=clinician, role="clinician",
                what=f"/clinic/patients/{patient.public_id}", patient=patient,
                at=now - timedelta(days=days_ago, hours=rng.uniform(0, 6)),
            )  # fmt: skip
        patients.append(patient)
    _study(now, patients)
    return DemoClinic(
        clinician=lee,
        other_clinician=okafor,
        admin=admin,
        patient=patients[0],
        authenticator_secret=secrets[lee.pk],
        patients=len(patients),
        open_alerts=Alert.objects.exclude(state=ALERT_RESOLVED).count(),
    )
