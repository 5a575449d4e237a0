"""Least privilege on PostgreSQL: the app's role adds and reads audit rows and nothing more; the
server says so when it runs as the owner or a superuser."""

import pytest
from django.db import DatabaseError, connection, transaction
from typer.testing import CliRunner

from kratomlog.cli import app
from kratomlog.clinic import audit, audit_roles
from kratomlog.clinic.models import AuditEntry
from kratomlog.core.errors import InputError
from tests.clinic.helpers_audit import make_app_role

pytestmark = pytest.mark.postgres_only


@pytest.fixture(autouse=True)
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip("database roles are PostgreSQL's")


def clinic(*args, code=0):
    result = CliRunner().invoke(app, ["clinic", *map(str, args)], catch_exceptions=False)
    assert result.exit_code == code, f"exit {result.exit_code}: {result.output}"
    return result


def as_role(name, statement, params=()):
    """Run `statement` as `name` in a savepoint: a refusal rolls it back, and the role with it
    (SET ROLE inside a savepoint ends with it)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'SET ROLE "{name}"')
        cursor.execute(statement, list(params))
        rows = cursor.fetchall() if cursor.description else None
        cursor.execute("RESET ROLE")
        return rows


def test_init_grants_the_app_role_insert_and_select_on_the_audit_log_and_nothing_more(cast):
    name = f"{connection.settings_dict['NAME']}_app"[:63]
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE ROLE "{name}" NOLOGIN')
    result = clinic("init", "--app-role", name)
    assert f"The role {name} may now run the clinic" in result.stdout
    row = AuditEntry.objects.order_by("-id")[0]
    assert as_role(name, "SELECT count(*) FROM clinic_auditentry")[0][0] >= 1
    for refused in (
        f"UPDATE clinic_auditentry SET what = 'x' WHERE id = {row.id}",
        f"DELETE FROM clinic_auditentry WHERE id = {row.id}",
        "TRUNCATE clinic_auditentry",
        "ALTER TABLE clinic_auditentry DISABLE TRIGGER clinic_audit_no_change",
        "DROP TRIGGER clinic_audit_no_change ON clinic_auditentry",
        "ALTER TABLE clinic_auditentry DROP COLUMN hash",
    ):
        with pytest.raises(DatabaseError, match=r"permission denied|must be owner"):
            as_role(name, refused)
    # What the app does need: audited actions, and its other tables.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'SET ROLE "{name}"')
        assert audit_roles.owner_problem() is None
        audit.record(action="read", actor=cast.clinician_a, role="clinician",
                     patient=cast.patient_a)  # fmt: skip
        cast.patient_a.display_name = "Ana P."
        cast.patient_a.save()
        assert audit.verify()[1] is None
        cursor.execute("RESET ROLE")


def test_init_refuses_an_unknown_role_and_the_owners_own(db):
    assert (
        "there is no role nobody_here; create it first"
        in clinic("init", "--app-role", "nobody_here", code=2).stderr
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        (owner,) = cursor.fetchone()
    assert (
        "is a superuser or the audit log's owner"
        in clinic("init", "--app-role", owner, code=2).stderr
    )
    assert "is not a role name" in clinic("init", "--app-role", "x; DROP", code=2).stderr


def test_serving_as_the_owner_warns_on_loopback_and_is_refused_beyond_it(db):
    problem = audit_roles.owner_problem()
    assert problem is not None and ("superuser" in problem or "owns the audit log" in problem)
    warning = audit_roles.check_serving_role(loopback=True, allow_owner=False)
    assert warning.startswith(f"Warning: {problem}, so it could rewrite the audit log")
    assert len(warning.splitlines()) == 1
    with pytest.raises(InputError, match="or pass --allow-owner"):
        audit_roles.check_serving_role(loopback=False, allow_owner=False)
    assert audit_roles.check_serving_role(loopback=False, allow_owner=True) == warning
    name = make_app_role()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'SET ROLE "{name}"')
        assert audit_roles.check_serving_role(loopback=False, allow_owner=False) is None
        cursor.execute("RESET ROLE")


def test_clinic_serve_as_the_owner_refuses_beyond_loopback_and_warns_on_it(db, monkeypatch):
    from kratomlog.clinic import server

    served = []
    monkeypatch.setattr(server, "serve", lambda *args: served.append(args))  # not gunicorn here
    monkeypatch.setattr(server, "port_in_use", lambda host, port: False)
    monkeypatch.setenv("KRATOMLOG_ALLOWED_HOSTS", "clinic.example.org")
    monkeypatch.setenv("KRATOMLOG_SECRET_KEY", "a real secret key for this test, long enough")
    refused = clinic("serve", "--bind", "0.0.0.0:8765", code=2)
    assert (
        "so it could rewrite the audit log" in refused.stderr and "--allow-owner" in refused.stderr
    )
    assert not served
    allowed = clinic("serve", "--bind", "0.0.0.0:8765", "--allow-owner")
    loopback = clinic("serve", "--bind", "127.0.0.1:8765")
    for result in (allowed, loopback):
        (warning,) = [line for line in result.stdout.splitlines() if line.startswith("Warning:")]
        assert "so it could rewrite the audit log" in warning
    assert len(served) == 2
