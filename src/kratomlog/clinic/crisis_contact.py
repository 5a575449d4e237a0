"""The clinic's crisis resources and contact: set once, shown to every patient of the clinic.

A patient's own list still comes first (they chose it); the clinic's replaces the default.
"""

from datetime import datetime

from django.db import transaction

from kratomlog.clinic import audit
from kratomlog.clinic.models import ClinicSettings, Patient
from kratomlog.core import crisis
from kratomlog.journal.models import Person


def clinic_settings() -> ClinicSettings:
    """The one row of settings (made blank on first use)."""
    found, _ = ClinicSettings.objects.get_or_create(pk=1)
    return found


@transaction.atomic
def set_crisis_resources(text: str, now: datetime) -> tuple[crisis.Resource, ...]:
    """Replace the clinic's list, one "name | contact" a line (an empty list is refused; the
    admin pages can blank it, going back to each patient's default)."""
    parsed = crisis.parse_resources(text)
    row = clinic_settings()
    row.crisis_resources = text.strip()
    row.updated_at = now
    row.save(update_fields=["crisis_resources", "updated_at"])
    audit.record(action="settings", what=f"crisis resources: {len(parsed)} lines", at=now)
    return parsed


@transaction.atomic
def set_contact(*, name: str, phone: str, hours: str, now: datetime) -> ClinicSettings:
    row = clinic_settings()
    row.contact_name, row.contact_phone, row.contact_hours = crisis.check_contact(
        name, phone, hours
    )
    row.updated_at = now
    row.save()
    audit.record(action="settings", what=f"crisis contact: {row.contact_phone}", at=now)
    return row


def clinic_resources() -> tuple[crisis.Resource, ...]:
    row = ClinicSettings.objects.filter(pk=1).first()
    if row is None or not row.crisis_resources.strip():
        return ()
    return crisis.parse_resources(row.crisis_resources)


def care_team(person: Person) -> crisis.CareTeam | None:
    """The clinic's contact for a patient's crisis box; alerted: their team sees the alert."""
    patient = Patient.objects.filter(person=person).only("sharing").first()
    if patient is None:
        return None
    row = ClinicSettings.objects.filter(pk=1).first()
    if row is None:
        return crisis.CareTeam(name="", phone="", hours="", alerted=patient.sharing)
    return crisis.CareTeam(
        name=row.contact_name,
        phone=row.contact_phone,
        hours=row.contact_hours,
        alerted=patient.sharing,
    )
