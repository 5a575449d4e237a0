"""Erasing a person from the clinic, the audit log kept whole.

A user with audit rows is never deleted (the log is append-only and names who acted): they are
erased. The account is deactivated, its tokens revoked and its password unusable; their name,
email (the sign-in name becomes `erased-ID`), a patient's display name, record number and phone
are removed, and, when the patient asks, their journal too (every entry, check-in, plan and
product; the journal's empty shell stays, so the rows that name the patient still point
somewhere). In the audit log their label becomes the pseudonym "erased user ID": the one change
the log allows (PostgreSQL: `clinic_audit_pseudonymise`, see migration 0008_audit), which the
keyed chain still verifies.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection, transaction

from kratomlog.clinic import audit, people, tokens
from kratomlog.clinic.models import ADMIN, AuditEntry, Patient, SetupLink
from kratomlog.journal.models import Person


@dataclass(frozen=True)
class Erased:
    pseudonym: str
    audit_rows_relabelled: int
    journal_records_deleted: int


def pseudonym_of(user: Any) -> str:
    return f"{audit.ERASED_LABEL_PREFIX}user {user.pk}"


def _delete_journal(person: Person) -> int:
    """Every record of the journal, the Person row itself kept (the patient points to it)."""
    deleted = 0
    for relation in Person._meta.related_objects:
        if relation.related_model is Patient:
            continue
        manager = relation.related_model._default_manager  # type: ignore[union-attr]
        count, _ = manager.filter(**{relation.field.name: person}).delete()
        deleted += count
    return deleted


def _relabel(user: Any, pseudonym: str) -> int:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT clinic_audit_pseudonymise(%s, %s)", [user.pk, pseudonym])
            return int(cursor.fetchone()[0])
    return (
        AuditEntry.objects.filter(actor=user)
        .exclude(actor_label=pseudonym)
        .update(actor_label=pseudonym)
    )


@transaction.atomic
def erase_user(
    user: Any, *, by: Any, now: datetime, journal: bool = False, address: str | None = None
) -> Erased:
    """Erase `user` (see the module); `journal`: the patient asked for their journal to go too."""
    pseudonym = pseudonym_of(user)
    patient = Patient.objects.filter(user=user).select_related("person").first()
    if patient is not None and patient.sharing:
        people.set_sharing(patient, False, now, actor=by, address=address)
    tokens.revoke_all(user, now)
    SetupLink.objects.filter(user=user).delete()
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=user).delete()
    user.username = f"erased-{user.pk}"
    user.email = user.first_name = user.last_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    account = getattr(user, "account", None)
    if account is not None:
        account.display_name = ""
        account.save(update_fields=["display_name"])
    deleted = 0
    if patient is not None:
        patient.display_name = patient.record_number = patient.phone = ""
        patient.save(update_fields=["display_name", "record_number", "phone"])
        patient.calendar_feeds.all().delete()  # its address names when their check-ins fall
        if journal:
            deleted = _delete_journal(patient.person)
    relabelled = _relabel(user, pseudonym)
    audit.record(
        action="erase", actor=by, role=ADMIN, patient=patient, address=address, at=now,
        what=f"erased this person (now {pseudonym})"
        + (f", and their journal ({deleted} records, its history included)" if journal else ""),
    )  # fmt: skip
    return Erased(pseudonym, relabelled, deleted)
