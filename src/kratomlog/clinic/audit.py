"""The audit log: append-only, each row hashed with the one before it.

`record` is the one way in. The chain is extended under a lock (PostgreSQL: an advisory lock
held to the end of the transaction; SQLite: its single writer), so two processes never fork it.
`verify` recomputes every hash and names the first row that does not match.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from kratomlog.clinic.models import AuditEntry, Patient

GENESIS = "0" * 64
_CHAIN_LOCK = 7_302_026  # any constant: the advisory lock that serialises the chain


def _fields(entry: AuditEntry) -> dict[str, Any]:
    return {
        "at": entry.at.isoformat(),
        "actor": entry.actor_id,
        "actor_label": entry.actor_label,
        "role": entry.role,
        "action": entry.action,
        "what": entry.what,
        "patient": str(entry.patient_public_id) if entry.patient_public_id else None,
        "address": entry.address,
    }


def row_hash(entry: AuditEntry, previous_hash: str) -> str:
    payload = json.dumps(_fields(entry), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((previous_hash + payload).encode()).hexdigest()


def client_address(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


@transaction.atomic
def record(
    *,
    action: str,
    actor: Any = None,
    role: str = "",
    what: str = "",
    patient: Patient | None = None,
    address: str | None = None,
    at: datetime | None = None,
) -> AuditEntry:
    """Append one row: who (`actor`, a user or None for the system), did what, to whom."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])
    last = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first()
    entry = AuditEntry(
        at=at or timezone.now(),
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=(actor.get_username() if actor is not None and actor.is_authenticated else ""),
        role=role,
        action=action,
        what=what[:300],
        patient=patient,
        patient_public_id=patient.public_id if patient is not None else None,
        address=address,
        previous_hash=last or GENESIS,
    )
    entry.hash = row_hash(entry, entry.previous_hash)
    entry.save()
    return entry


@dataclass(frozen=True)
class Broken:
    row_id: int
    reason: str


def verify() -> tuple[int, Broken | None]:
    """(rows checked, the first broken row or None)."""
    previous = GENESIS
    checked = 0
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        if entry.previous_hash != previous:
            return checked, Broken(entry.id, "its link to the row before does not match")
        if row_hash(entry, previous) != entry.hash:
            return checked, Broken(entry.id, "its contents do not match its hash")
        previous = entry.hash
        checked += 1
    return checked, None
