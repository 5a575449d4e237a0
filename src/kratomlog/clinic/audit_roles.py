"""Two PostgreSQL roles: the owner, which migrates, and the app's, which may not rewrite the log.

`grant_app_role` (run by `clinic init --app-role NAME` as the owner) gives the app's role what
`clinic serve` and `clinic worker` need: reading and writing the clinic's tables and using their
sequences; on the audit log INSERT and SELECT only. Not owning the table, the app's role cannot
TRUNCATE it, ALTER it or disable its trigger. `owner_problem` says when the running app holds
more than that (it owns the audit table, or is a superuser).
"""

import re

from django.db import connection

from kratomlog.core.errors import InputError

AUDIT_TABLE = "clinic_auditentry"
_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _postgres(field: str) -> None:
    if connection.vendor != "postgresql":
        raise InputError(field, "needs the clinic's PostgreSQL (set DATABASE_URL)")


def grant_app_role(name: str) -> None:
    """Give the role `name` the app's rights, and on the audit log INSERT and SELECT only."""
    from psycopg import sql

    _postgres("--app-role")
    if not _ROLE_NAME.match(name):
        raise InputError("--app-role", f"{name!r} is not a role name (lower case, a-z 0-9 _)")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolsuper, pg_has_role(%s, tableowner, 'MEMBER') FROM pg_roles, pg_tables"
            " WHERE rolname = %s AND tablename = %s AND schemaname = current_schema()",
            [name, name, AUDIT_TABLE],
        )
        found = cursor.fetchone()
        if found is None:
            raise InputError(
                "--app-role",
                f"there is no role {name}; create it first as the owner or a superuser "
                f"(CREATE ROLE {name} LOGIN PASSWORD '...')",
            )
        if found[0] or found[1]:
            raise InputError(
                "--app-role",
                f"{name} is a superuser or the audit log's owner; the app's role must be another",
            )
        role = sql.Identifier(name)
        for statement in (
            "GRANT USAGE ON SCHEMA public TO {role}",
            "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
            "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
            f"REVOKE ALL ON {AUDIT_TABLE} FROM {{role}}",
            f"GRANT SELECT, INSERT ON {AUDIT_TABLE} TO {{role}}",
            "GRANT EXECUTE ON FUNCTION clinic_audit_pseudonymise(integer, text) TO {role}",
        ):
            cursor.execute(sql.SQL(statement).format(role=role))


def owner_problem() -> str | None:
    """Why the connected role could rewrite the audit log, or None (SQLite: nothing to say)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user, rolsuper, pg_has_role(current_user, tableowner, 'MEMBER')"
            " FROM pg_roles, pg_tables WHERE rolname = current_user AND tablename = %s"
            " AND schemaname = current_schema()",
            [AUDIT_TABLE],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    user, superuser, owner = row
    if superuser:
        return f"the database role {user} is a superuser"
    if owner:
        return f"the database role {user} owns the audit log"
    return None


def check_serving_role(loopback: bool, allow_owner: bool) -> str | None:
    """A one-line warning to print, None when the role is the app's; beyond loopback an owner
    or a superuser is refused unless `allow_owner`."""
    problem = owner_problem()
    if problem is None:
        return None
    advice = "run the app as the role `clinic init --app-role NAME` prepared"
    if not loopback and not allow_owner:
        raise InputError(
            "DATABASE_URL",
            f"{problem}, so it could rewrite the audit log; {advice}, or pass --allow-owner",
        )
    return f"Warning: {problem}, so it could rewrite the audit log; {advice}."
