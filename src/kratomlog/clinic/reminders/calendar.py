"""A patient's private calendar subscription: their schedule as iCalendar at a secret URL.

The secret is random, shown once, stored as its SHA-256 (as an API token is); one feed is live
at a time: renewing revokes the old one, and a revoked or unknown secret answers 404. The feed
is neutral, as a reminder is: every event is a "Check-in" in a calendar named for the clinic,
with no instrument, no score and not the app's name, since a calendar shows on a lock screen.
Calendars fetch a subscription a few times a day, so it holds fixed times only.
"""

import hashlib
import secrets
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from kratomlog.checkins.schedule import schedule_items_ics
from kratomlog.checkins.schedules import current
from kratomlog.clinic import audit, people
from kratomlog.clinic.models import PATIENT, CalendarFeed, Patient
from kratomlog.clinic.reminders.channels import title

EVENT_TITLE = "Check-in"


def live(patient: Patient) -> CalendarFeed | None:
    return patient.calendar_feeds.filter(revoked_at__isnull=True).order_by("-created_at").first()


def url(secret: str) -> str:
    base = settings.CLINIC_BASE_URL.rstrip("/")
    return base + reverse("calendar-feed", args=[secret])


@transaction.atomic
def issue(patient: Patient, now: datetime, address: str | None = None) -> str:
    """A new subscription URL, the old one (if any) revoked; the URL is returned once."""
    renewed = _revoke(patient, now)
    secret = secrets.token_urlsafe(32)
    CalendarFeed.objects.create(patient=patient, token_hash=people.digest(secret), created_at=now)
    audit.record(
        action="calendar-feed-renewed" if renewed else "calendar-feed-made", actor=patient.user,
        role=PATIENT, patient=patient, address=address, at=now,
    )  # fmt: skip
    return url(secret)


def _revoke(patient: Patient, now: datetime) -> int:
    return patient.calendar_feeds.filter(revoked_at__isnull=True).update(revoked_at=now)


@transaction.atomic
def revoke(patient: Patient, now: datetime, address: str | None = None) -> bool:
    """Stop the subscription: its URL answers 404 from the next fetch on; whether one was live."""
    if not _revoke(patient, now):
        return False
    audit.record(action="calendar-feed-revoked", actor=patient.user, role=PATIENT,
                 patient=patient, address=address, at=now)  # fmt: skip
    return True


def patient_for(secret: str) -> Patient | None:
    """The patient of a live feed, or None (unknown, revoked, or their account deactivated)."""
    found = (
        CalendarFeed.objects.select_related("patient__person", "patient__user")
        .filter(token_hash=people.digest(secret), revoked_at__isnull=True)
        .first()
    )
    if found is None or not found.patient.user.is_active:
        return None
    return found.patient


def feed(patient: Patient, now: datetime) -> bytes:
    """The patient's schedule as a calendar, every event only a "Check-in"."""
    person = patient.person
    calendar = schedule_items_ics(current(person), person.timezone, now, lambda _: EVENT_TITLE)
    calendar.add("x-wr-calname", title())
    for event in calendar.walk("VEVENT"):
        # The builder's UIDs name the instrument and the app: a stable opaque one instead.
        event.add("uid", _opaque(patient, str(event.pop("uid"))))
    return calendar.to_ical()  # type: ignore[no-any-return]


def _opaque(patient: Patient, uid: str) -> str:
    digest = hashlib.sha256(f"{patient.public_id}:{uid}".encode()).hexdigest()[:32]
    return f"{digest}@calendar"


def state(patient: Patient) -> dict[str, Any]:
    found = live(patient)
    return {"subscribed": found is not None, "since": found.created_at if found else None}
