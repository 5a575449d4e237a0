"""Upgrading: rows of the old plain SHA-256 chain are re-sealed with the audit key (0008_audit)."""

import importlib
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection

from kratomlog.clinic import audit
from kratomlog.clinic.models import AuditEntry
from tests.clinic.conftest import NOW
from tests.clinic.helpers_audit import as_owner, run_as_app_role  # noqa: F401 (a fixture)

upgrade = importlib.import_module("kratomlog.clinic.migrations.0008_audit")


def old_rows(actors, edit_at=None):
    """Rows as the plain chain wrote them (one chain, SHA-256 with no key)."""
    previous = audit.GENESIS
    rows = []
    for n, actor in enumerate(actors):
        row = AuditEntry(chain=f"before the upgrade {n}", seq=0, at=NOW + timedelta(minutes=n),
                         actor=actor, actor_label=actor.username if actor else "",
                         role="clinician" if actor else "", action="read", what=f"page {n}",
                         previous_hash=previous)  # fmt: skip
        row.hash = previous = upgrade._plain_hash(row, previous)
        if n == edit_at:
            row.what = "edited before the upgrade"
        row.save()
        rows.append(row)
    return rows


@pytest.mark.parametrize("edit_at", [None, 1])
def test_the_upgrade_reseals_the_old_chain_per_actor_and_says_whether_it_was_intact(
    db, clock, edit_at
):
    users = get_user_model().objects
    lee, rao = users.create(username="lee@clinic.test"), users.create(username="rao@clinic.test")
    rows = old_rows([lee, None, lee, rao], edit_at)
    with as_owner(), connection.cursor() as cursor:  # the upgrade runs as the owner
        # What reseal uses of a schema editor (SQLite's cannot open inside a test's transaction).
        editor = SimpleNamespace(connection=connection, execute=cursor.execute)
        upgrade.reseal(apps, editor)
    seen, broken = audit.verify()
    assert broken is None and seen.rows == len(rows) + 1
    lee_rows = AuditEntry.objects.filter(actor=lee).order_by("seq")
    assert [r.seq for r in lee_rows] == [1, 2] and lee_rows[1].previous_hash == lee_rows[0].hash
    note = AuditEntry.objects.get(action="audit-reseal")
    was = "intact" if edit_at is None else f"broken from row {rows[edit_at].id} on"
    assert note.what == f"re-sealed 4 rows with the audit key; their plain SHA-256 chain was {was}"
