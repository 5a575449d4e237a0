"""On PostgreSQL the audit log refuses UPDATE and DELETE: it is append-only.

TRUNCATE stays with the table's owner (the test suite empties databases with it); the clinic's
application role need not own its tables.
"""

from django.db import migrations

FORBID = """
CREATE OR REPLACE FUNCTION clinic_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: %% refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER clinic_audit_no_change BEFORE UPDATE OR DELETE ON clinic_auditentry
    FOR EACH ROW EXECUTE FUNCTION clinic_audit_append_only();
"""
ALLOW = """
DROP TRIGGER IF EXISTS clinic_audit_no_change ON clinic_auditentry;
DROP FUNCTION IF EXISTS clinic_audit_append_only();
"""


def forbid(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORBID)


def allow(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ALLOW)


class Migration(migrations.Migration):
    dependencies = [("clinic", "0001_initial")]
    operations = [migrations.RunPython(forbid, allow)]
