"""A study with participants whose journals hold everything an export covers, and the secrets
(names, emails, notes, purposes, vendors, batches) that must never leave in one."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tests.clinic.conftest import NOW

ENROLLED_A = NOW - timedelta(days=28)  # patient A joins 4 weeks ago (Berlin)
ENROLLED_B = NOW - timedelta(days=14)  # patient B joins 2 weeks ago (New York)
SECRETS = (
    "Vendor Secret Trading",
    "BATCH-7731-Q",
    "a note only Ana wrote",
    "for my back pain",
    "Ana Marquez",
    "Xanor Retard",
    "slept badly after the party",
    "Ben's own words",
    "gold reserve blend",
)


@dataclass
class Study:
    study: object
    other: object  # a second study, to compare pseudonyms
    doses: dict[str, list[tuple[datetime, float]]] = field(default_factory=dict)


def iso(moment: datetime) -> str:
    return moment.isoformat()


def fill_journal(person, start: datetime, days: int, seed: int) -> list[tuple[datetime, float]]:
    """A dose or two a day, magnesium, a sedative now and then, check-ins and sleep diaries."""
    from kratomlog.checkins import services as checkins
    from kratomlog.journal import services as journal
    from kratomlog.plans.services import build_taper

    journal.set_product(
        person=person,
        name="gold reserve blend",
        form="powder",
        vendor="Vendor Secret Trading",
        batch="BATCH-7731-Q",
    )
    build_taper(
        person=person,
        start_grams=6,
        step="0.5",
        every_days=7,
        floor_grams=None,
        now=start,
        start=start.date().isoformat(),
    )
    doses = []
    for day in range(days):
        morning = start + timedelta(days=day, hours=2)
        grams = 2.0 + (day + seed) % 3  # 2, 3 or 4 g
        journal.log_kratom(
            person=person,
            amount=f"{grams}g",
            at=iso(morning),
            now=NOW,
            product="gold reserve blend",
            purpose="for my back pain",
            note="a note only Ana wrote",
        )
        doses.append((morning, grams))
        if day % 2 == 0:
            evening = morning + timedelta(hours=9)
            journal.log_kratom(person=person, amount="1.5g", at=iso(evening), now=NOW)
            doses.append((evening, 1.5))
        journal.log_magnesium(
            person=person,
            amount="200mg",
            form="elemental",
            at=iso(morning + timedelta(hours=1)),
            now=NOW,
        )
        if day % 5 == 0:
            journal.log_other(
                person=person,
                name="Xanor Retard",
                category="benzodiazepine",
                amount="1 tablet",
                at=iso(morning + timedelta(hours=3)),
                now=NOW,
                note="slept badly after the party",
            )
        checkins.record_checkin(
            person=person,
            key="withdrawal",
            now=NOW,
            answers=[day % 5] * 11,
            at=iso(morning + timedelta(hours=8)),
            note="Ben's own words",
        )
        checkins.record_checkin(
            person=person,
            key="craving",
            now=NOW,
            answers=[day % 11],
            at=iso(morning + timedelta(hours=8, minutes=5)),
        )
        if day % 7 == 0:
            phq = [1, 1, 2, 1, 0, 1, 0, 0, 0] if day < 14 else [0, 1, 1, 0, 0, 0, 0, 0, 0]
            checkins.record_checkin(
                person=person,
                key="phq9",
                now=NOW,
                answers=phq,
                at=iso(morning + timedelta(hours=9)),
            )
            checkins.record_checkin(
                person=person,
                key="gad7",
                now=NOW,
                answers=[1] * 7,
                at=iso(morning + timedelta(hours=9, minutes=5)),
            )
        if day >= 1:
            checkins.record_sleep(
                person=person,
                now=morning + timedelta(hours=10),
                bed="23:10",
                tried="23:30",
                sol=20,
                wakes=2,
                waso=30,
                final="06:40",
                up="07:00",
                quality=3,
                note="slept badly after the party",
                night=(start + timedelta(days=day - 1)).date().isoformat(),
            )
    return doses


def make_study(cast, days_a: int = 28, days_b: int = 14) -> Study:
    """Study `taper-2027` with patients A and B enrolled, and C who joined and left."""
    from kratomlog.clinic import people
    from kratomlog.clinic.consent import CARE_CONSENT
    from kratomlog.research import services

    study = services.create_study(
        name="taper-2027", protocol_id="KL-01", now=NOW - timedelta(days=60)
    )
    other = services.create_study(name="sleep-2027", now=NOW - timedelta(days=60))
    services.add_researcher(study, cast.researcher, NOW)
    made = Study(study, other)
    cast.patient_a.person.name = "Ana Marquez"
    cast.patient_a.person.save()
    for patient, enrolled, days, seed in (
        (cast.patient_a, ENROLLED_A, days_a, 0),
        (cast.patient_b, ENROLLED_B, days_b, 1),
    ):
        for each in (study, other):
            services.join(
                user=patient.user,
                name=each.name,
                consent_version=each.consent_version,
                now=enrolled,
            )
        made.doses[patient.user.email] = fill_journal(patient.person, enrolled, days, seed)
    cast.patient_c = people.add_patient(
        email="cy@example.org",
        password="cy's long password",
        timezone="Europe/Paris",
        team=cast.north,
        consent_version=CARE_CONSENT.version,
        share_with_care_team=True,
        now=NOW - timedelta(days=30),
    )
    services.join(
        user=cast.patient_c.user,
        name=study.name,
        consent_version=study.consent_version,
        now=NOW - timedelta(days=20),
    )
    fill_journal(cast.patient_c.person, NOW - timedelta(days=20), 5, 2)
    services.leave(user=cast.patient_c.user, name=study.name, now=NOW - timedelta(days=2))
    return made


def signed_in(client, user):
    """`client` signed in as `user`, with a TOTP device verified as staff must be."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def bearer(user) -> dict[str, str]:
    """The header of a fresh API token for `user`."""
    from kratomlog.clinic import tokens

    return {"Authorization": f"Bearer {tokens.issue(user, NOW)}"}
