"""The audit log: a keyed chain per actor, and erasure's pseudonym as its one permitted change.

Rows written before this migration were one plain SHA-256 chain, which anyone holding the
database could recompute. They are re-sealed here: the old chain is checked first, then every
row is put in its actor's chain (in id order) and hashed with the clinic's audit key
(KRATOMLOG_AUDIT_KEY, else the data directory's key file: run `clinic init` with the app's). A
last row in the system chain says how many rows were re-sealed and whether their old chain was
intact (or the first row where it was not): a break made before the key existed stays on record.

The trigger lets this re-sealing change the seal's own columns (chain, seq, previous_hash,
label_digest, hash), in this migration's transaction only. On PostgreSQL it now lets one
further change through, and only from
`clinic_audit_pseudonymise` (SECURITY DEFINER, run by erasure): an actor's label replaced by a
pseudonym beginning "erased ", every other column as it was.
"""

import hashlib
import json

from django.db import migrations, models
from django.utils import timezone

TRIGGER = """
CREATE OR REPLACE FUNCTION clinic_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND current_setting('kratomlog.audit_erasure', true) = 'on'
       AND NEW.actor_label LIKE 'erased %%'
       AND (to_jsonb(NEW) - 'actor_label') = (to_jsonb(OLD) - 'actor_label') THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND current_setting('kratomlog.audit_reseal', true) = 'on'
       AND (to_jsonb(NEW) - '{chain,seq,previous_hash,label_digest,hash}'::text[])
           = (to_jsonb(OLD) - '{chain,seq,previous_hash,label_digest,hash}'::text[]) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only: %% refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION clinic_audit_pseudonymise(erased_actor integer, pseudonym text)
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE changed bigint;
BEGIN
    IF pseudonym NOT LIKE 'erased %%' THEN
        RAISE EXCEPTION 'a pseudonym in the audit log begins with "erased "';
    END IF;
    PERFORM set_config('kratomlog.audit_erasure', 'on', true);
    UPDATE clinic_auditentry SET actor_label = pseudonym
        WHERE actor_id = erased_actor AND actor_label <> pseudonym;
    GET DIAGNOSTICS changed = ROW_COUNT;
    PERFORM set_config('kratomlog.audit_erasure', 'off', true);
    RETURN changed;
END;
$$;
REVOKE ALL ON FUNCTION clinic_audit_pseudonymise(integer, text) FROM PUBLIC;
"""
UNDO_TRIGGER = """
DROP FUNCTION IF EXISTS clinic_audit_pseudonymise(integer, text);
CREATE OR REPLACE FUNCTION clinic_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: %% refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""


def _plain_hash(row, previous: str) -> str:
    """The hash of the rows written before this migration (0001's plain SHA-256 chain)."""
    fields = {
        "at": row.at.isoformat(), "actor": row.actor_id, "actor_label": row.actor_label,
        "role": row.role, "action": row.action, "what": row.what,
        "patient": str(row.patient_public_id) if row.patient_public_id else None,
        "address": row.address,
    }  # fmt: skip
    payload = json.dumps(fields, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((previous + payload).encode()).hexdigest()


def reseal(apps, schema_editor):
    from kratomlog.clinic import audit

    entries = apps.get_model("clinic", "AuditEntry")
    rows = list(entries.objects.order_by("id"))
    if not rows:
        return
    secret = audit.key()
    previous, broken_at = audit.GENESIS, None
    for row in rows:
        if broken_at is None and (
            row.previous_hash != previous or _plain_hash(row, previous) != row.hash
        ):
            broken_at = row.id
        previous = row.hash
    heads: dict[str, tuple[int, str]] = {}
    for row in rows:
        row.chain = audit.chain_of(row.actor_id)
        seq, link = heads.get(row.chain, (0, audit.GENESIS))
        row.seq, row.previous_hash = seq + 1, link
        row.label_digest = audit.label_digest(secret, row.actor_label)
        row.hash = audit.row_hash(secret, row, link)
        heads[row.chain] = (row.seq, row.hash)
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:  # the trigger lets the seal's own columns change, in this transaction only
        schema_editor.execute("SELECT set_config('kratomlog.audit_reseal', 'on', true)")
    entries.objects.bulk_update(
        rows, ["chain", "seq", "previous_hash", "label_digest", "hash"], batch_size=1000
    )
    if postgres:
        schema_editor.execute("SELECT set_config('kratomlog.audit_reseal', 'off', true)")
    old = "intact" if broken_at is None else f"broken from row {broken_at} on"
    seq, link = heads.get(audit.SYSTEM_CHAIN, (0, audit.GENESIS))
    note = entries(
        chain=audit.SYSTEM_CHAIN, seq=seq + 1, at=timezone.now(), actor_id=None, actor_label="",
        label_digest=audit.label_digest(secret, ""), role="", action="audit-reseal",
        what=f"re-sealed {len(rows)} rows with the audit key; their plain SHA-256 chain was {old}",
        patient_id=None, patient_public_id=None, address=None, previous_hash=link,
    )  # fmt: skip
    note.hash = audit.row_hash(secret, note, link)
    note.save()
    if postgres:  # check the new row's keys now: the constraint added next alters the table
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER)


def undo_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNDO_TRIGGER)


class Migration(migrations.Migration):
    dependencies = [("clinic", "0007_alerts")]
    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="chain",
            field=models.CharField(default="system", max_length=40),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="seq",
            field=models.PositiveBigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="label_digest",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.RunPython(trigger, undo_trigger),
        migrations.RunPython(reseal, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="auditentry",
            constraint=models.UniqueConstraint(
                fields=("chain", "seq"), name="audit_one_row_per_link"
            ),
        ),
    ]
