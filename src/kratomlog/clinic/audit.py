"""The audit log: append-only, one keyed hash chain per actor.

`record` (and `record_reads`, one row per patient a list showed) is the one way in. Each actor
has a chain of their own (`chain`, numbered by `seq`): a row's `hash` is an HMAC-SHA256, under
the clinic's audit key, of its fields and the previous row of the same chain. The key is not in
the database (KRATOMLOG_AUDIT_KEY, else a key file made once in the data directory), so someone
who holds the database cannot recompute the chain after an edit. Only rows of the same chain
wait for each other (a PostgreSQL advisory lock keyed by the chain, and a unique (chain, seq)),
so the clinic is not serialised: each person's requests are sequential anyway.

`verify` recomputes every chain and names the first row that does not match; a deleted tail or
a truncation is found by comparing with the checkpoints written outside the database
(kratomlog.clinic.audit_checkpoint).
"""

import hashlib
import hmac
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from kratomlog.clinic.models import AuditEntry, Patient
from kratomlog.core.errors import InputError

GENESIS = "0" * 64
SYSTEM_CHAIN = "system"
ERASED_LABEL_PREFIX = "erased "  # a pseudonym put in place of an erased person's email
KEY_VARIABLE = "KRATOMLOG_AUDIT_KEY"
KEY_FILE = "audit_key"
_CHAIN_LOCKS = 7_302_026  # the advisory-lock namespace of the chains (the second key: the chain)
MIN_KEY_LENGTH = 32


def key_path() -> Path:
    return Path(settings.DATA_DIR) / KEY_FILE


def key(*, create: bool = True) -> bytes:
    """The audit key: KRATOMLOG_AUDIT_KEY, else the data directory's key file (made once, 0600).

    Verifying needs the key that wrote the rows; it never makes a new one."""
    given = os.environ.get(KEY_VARIABLE, "").strip()
    if given:
        if len(given) < MIN_KEY_LENGTH:
            raise InputError(KEY_VARIABLE, f"it is shorter than {MIN_KEY_LENGTH} characters")
        return given.encode()
    path = key_path()
    if not path.exists():
        if not create:
            raise InputError(
                KEY_VARIABLE,
                f"not set, and there is no key file {path}: verifying needs the key that "
                "wrote the log (set KRATOMLOG_AUDIT_KEY or KRATOMLOG_HOME as the app has it)",
            )
        import secrets

        draft = path.with_name(f"{KEY_FILE}.{os.getpid()}")
        draft.write_text(secrets.token_urlsafe(48))
        draft.chmod(0o600)
        try:
            os.link(draft, path)  # whole or not at all: processes may start at once
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip().encode()


def mac(secret: bytes, text: str) -> str:
    return hmac.new(secret, text.encode(), hashlib.sha256).hexdigest()


def label_digest(secret: bytes, label: str) -> str:
    """The actor's label as the chain covers it: erasure may replace the label by a pseudonym
    and the row still verifies, while any other edit of the label is found."""
    return mac(secret, "label:" + label)


def chain_of(actor_id: int | None) -> str:
    return f"actor:{actor_id}" if actor_id is not None else SYSTEM_CHAIN


def fields_of(row: Any) -> dict[str, Any]:
    """What a row's hash covers (`row`: an AuditEntry, or its historical model in a migration)."""
    return {
        "chain": row.chain,
        "seq": row.seq,
        "at": row.at.isoformat(),
        "actor": row.actor_id,
        "label": row.label_digest,
        "role": row.role,
        "action": row.action,
        "what": row.what,
        "patient": str(row.patient_public_id) if row.patient_public_id else None,
        "address": row.address,
    }


def row_hash(secret: bytes, row: Any, previous_hash: str) -> str:
    payload = json.dumps(fields_of(row), sort_keys=True, separators=(",", ":"))
    return mac(secret, previous_hash + payload)


def client_address(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _chain_head(chain: str) -> tuple[int, str]:
    """(seq, hash) of the chain's last row, after waiting for that chain's other writers."""
    last = AuditEntry.objects.filter(chain=chain).order_by("-seq").values_list("seq", "hash")[:1]
    if connection.vendor != "postgresql":  # SQLite: one writer at a time already
        head = last.first()
        return head if head is not None else (0, GENESIS)
    # The lock and the head in one round trip (every audited action pays for it): two
    # statements, and in READ COMMITTED each sees what was committed before it began, so the
    # head is read once the lock is held, never from before another writer's commit.
    sql, params = last.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT pg_advisory_xact_lock(%s, hashtext(%s)); {sql}",
                       [_CHAIN_LOCKS, chain, *params])  # fmt: skip
        cursor.nextset()
        found = cursor.fetchone()
    return (found[0], found[1]) if found is not None else (0, GENESIS)


def _rows(
    *, action: str, actor: Any, role: str, what: str, patients: Iterable[Patient | None],
    address: str | None, at: datetime | None,
) -> list[AuditEntry]:  # fmt: skip
    secret = key()
    signed_in = actor is not None and actor.is_authenticated
    actor_id = actor.pk if signed_in else None
    label = actor.get_username() if signed_in else ""
    chain = chain_of(actor_id)
    seq, previous = _chain_head(chain)
    rows = []
    for patient in patients:
        seq += 1
        row = AuditEntry(
            chain=chain, seq=seq, at=at or timezone.now(), actor_id=actor_id,
            actor_label=label, label_digest=label_digest(secret, label), role=role,
            action=action, what=what[:300], patient=patient,
            patient_public_id=patient.public_id if patient is not None else None,
            address=address, previous_hash=previous,
        )  # fmt: skip
        row.hash = previous = row_hash(secret, row, previous)
        rows.append(row)
    return rows


# Inside a write's transaction, no savepoint of its own: a row that cannot be written fails the
# write with it (two round trips fewer on every audited write).
@transaction.atomic(savepoint=False)
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
    (row,) = _rows(
        action=action, actor=actor, role=role, what=what, patients=[patient],
        address=address, at=at,
    )  # fmt: skip
    row.save()
    return row


@transaction.atomic
def record_reads(
    *,
    actor: Any,
    role: str,
    what: str,
    patients: Iterable[Patient],
    address: str | None = None,
    at: datetime | None = None,
) -> list[AuditEntry]:
    """One "read" row for each patient a list showed (in each one's access log), in one insert."""
    shown = list({patient.id: patient for patient in patients}.values())
    if not shown:
        return []
    rows = _rows(
        action="read", actor=actor, role=role, what=what, patients=shown, address=address, at=at
    )
    return AuditEntry.objects.bulk_create(rows)


@dataclass(frozen=True)
class Broken:
    row_id: int
    reason: str


@dataclass
class Chains:
    """What `verify` saw: rows checked, each chain's head (seq, id, hash), the largest id."""

    rows: int = 0
    last_id: int = 0
    heads: dict[str, tuple[int, int, str]] = field(default_factory=dict)


def verify() -> tuple[Chains, Broken | None]:
    """Recompute every chain in id order: (what was checked, the first broken row or None)."""
    secret = key(create=False)
    seen = Chains()
    for row in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        seq, _, previous = seen.heads.get(row.chain, (0, 0, GENESIS))
        if row.seq != seq + 1 or row.previous_hash != previous:
            gap = row.seq > seq + 1
            missing = f" (rows {seq + 1}-{row.seq - 1} of it are missing)" if gap else ""
            return seen, Broken(
                row.id, f"its link to the row before in chain {row.chain} does not match{missing}"
            )
        if not row.actor_label.startswith(ERASED_LABEL_PREFIX) and not hmac.compare_digest(
            label_digest(secret, row.actor_label), row.label_digest
        ):
            return seen, Broken(row.id, "its actor's label was changed")
        if not hmac.compare_digest(row_hash(secret, row, previous), row.hash):
            return seen, Broken(row.id, "its contents do not match its hash")
        seen.heads[row.chain] = (row.seq, row.id, row.hash)
        seen.rows += 1
        seen.last_id = row.id
    return seen, None
