"""The audit log against someone who holds the database but not the clinic's audit key:
keyed chains, one per actor, and checkpoints written outside the database."""

import itertools
import json
import os
import stat

import pytest
from typer.testing import CliRunner

from kratomlog.cli import app
from kratomlog.clinic import audit, audit_checkpoint
from kratomlog.clinic.models import AuditEntry
from tests.clinic.helpers_audit import run_as_app_role, tamper  # noqa: F401 (a fixture)


def clinic(*args, code=0):
    result = CliRunner().invoke(app, ["clinic", *map(str, args)], catch_exceptions=False)
    assert result.exit_code == code, f"exit {result.exit_code}: {result.output}"
    return result


def reads(cast, n):
    for _ in range(n):
        audit.record(action="read", actor=cast.clinician_a, role="clinician",
                     what="patient page", patient=cast.patient_a)  # fmt: skip
        audit.record(action="read", actor=cast.clinician_b, role="clinician",
                     what="patient page", patient=cast.patient_b)  # fmt: skip


def test_each_actor_has_a_chain_of_their_own_each_row_linked_to_their_row_before(cast):
    reads(cast, 3)
    lee = list(AuditEntry.objects.filter(actor=cast.clinician_a).order_by("id"))
    okafor = list(AuditEntry.objects.filter(actor=cast.clinician_b).order_by("id"))
    assert {r.chain for r in lee} == {f"actor:{cast.clinician_a.pk}"}
    assert [r.seq for r in lee] == list(range(lee[0].seq, lee[0].seq + len(lee)))
    for before, row in itertools.pairwise(lee):
        assert row.previous_hash == before.hash
    assert not {r.previous_hash for r in okafor} & {r.hash for r in lee}
    seen, broken = audit.verify()
    assert broken is None and seen.rows == AuditEntry.objects.count()
    assert seen.heads[lee[-1].chain][1:] == (lee[-1].id, lee[-1].hash)


def test_an_edit_with_the_chain_recomputed_without_the_key_is_found(cast):
    reads(cast, 2)
    rows = list(AuditEntry.objects.filter(actor=cast.clinician_a).order_by("seq"))
    victim = rows[1]
    # Someone who holds the database edits a row and recomputes its chain as the code does,
    # but with a key of their own (they do not have the clinic's).
    victim.what = "nothing to see"
    previous = victim.previous_hash
    for row in rows[1:]:
        row.previous_hash = previous
        row.hash = previous = audit.row_hash(b"a guess at the clinic's key", row, previous)
        tamper("UPDATE clinic_auditentry SET what = %s, previous_hash = %s, hash = %s "
               "WHERE id = %s", [row.what, row.previous_hash, row.hash, row.id])  # fmt: skip
    _, broken = audit.verify()
    assert broken == audit.Broken(victim.id, "its contents do not match its hash")
    result = clinic("audit", "verify", code=1)
    assert f"audit log broken at row {victim.id:,}: its contents do not match" in result.stderr


def test_a_row_deleted_inside_a_chain_is_named_by_the_link_it_breaks(cast):
    reads(cast, 3)
    lee = list(AuditEntry.objects.filter(actor=cast.clinician_a).order_by("seq"))
    tamper("DELETE FROM clinic_auditentry WHERE id = %s", [lee[1].id])
    _, broken = audit.verify()
    assert broken is not None and broken.row_id == lee[2].id
    assert f"rows {lee[1].seq}-{lee[1].seq} of it are missing" in broken.reason


def test_verifying_needs_the_key_that_wrote_the_log(cast, monkeypatch):
    reads(cast, 1)
    monkeypatch.setenv(audit.KEY_VARIABLE, "another clinic's key, long enough to be one")
    _, broken = audit.verify()
    assert broken is not None and broken.row_id == AuditEntry.objects.order_by("id")[0].id
    monkeypatch.setenv(audit.KEY_VARIABLE, "short")
    assert "KRATOMLOG_AUDIT_KEY: it is shorter than 32" in clinic("audit", "verify", code=2).stderr


def test_the_key_file_is_made_once_private_in_the_data_directory(settings, tmp_path, monkeypatch):
    monkeypatch.delenv(audit.KEY_VARIABLE, raising=False)
    settings.DATA_DIR = tmp_path
    with pytest.raises(Exception, match="there is no key file"):
        audit.key(create=False)
    made = audit.key()
    assert audit.key() == made and len(made) >= 48
    assert stat.S_IMODE(os.stat(tmp_path / "audit_key").st_mode) == 0o600


def checkpoint_now(tmp_path, monkeypatch):
    monkeypatch.setenv(audit_checkpoint.DIRECTORY_VARIABLE, str(tmp_path / "checkpoints"))
    written = clinic("audit", "checkpoint").stdout
    (path,) = (tmp_path / "checkpoints").glob("audit-checkpoint-*.json")
    assert str(path) in written
    return path


def test_a_checkpoint_holds_the_rows_last_id_and_every_head_keyed(cast, tmp_path, monkeypatch):
    reads(cast, 2)
    path = checkpoint_now(tmp_path, monkeypatch)
    document = json.loads(path.read_text())["checkpoint"]
    last = AuditEntry.objects.order_by("-id")[0]
    assert (document["rows"], document["last_id"]) == (AuditEntry.objects.count(), last.id)
    assert document["heads"][last.chain] == [last.seq, last.id, last.hash]
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert (
        "holds all that the checkpoint of 2026-11-23 18:00 UTC holds"
        in clinic("audit", "verify").stdout
    )
    path.write_text(path.read_text().replace(f'"rows": {document["rows"]}', '"rows": 1'))
    assert (
        "is not a checkpoint signed with this clinic's audit key"
        in clinic("audit", "verify", code=2).stderr
    )


def test_verify_names_a_deleted_tail_from_the_checkpoint(cast, tmp_path, monkeypatch):
    reads(cast, 3)
    checkpoint_now(tmp_path, monkeypatch)
    ids = list(AuditEntry.objects.order_by("id").values_list("id", flat=True))
    tamper("DELETE FROM clinic_auditentry WHERE id >= %s", [ids[-3]])
    assert audit.verify()[1] is None  # what is left is whole: only the checkpoint knows more
    result = clinic("audit", "verify", code=1)
    assert (
        f"rows {ids[-3]:,}-{ids[-1]:,} are missing; "
        f"the checkpoint of 2026-11-23 18:00 UTC holds {ids[-1]:,}"
    ) in result.stderr


def test_verify_names_a_chain_whose_end_was_deleted_and_a_truncation(cast, tmp_path, monkeypatch):
    reads(cast, 2)
    checkpoint_now(tmp_path, monkeypatch)
    lee = AuditEntry.objects.filter(actor=cast.clinician_a).order_by("-seq")[0]
    tamper("DELETE FROM clinic_auditentry WHERE id = %s", [lee.id])
    assert (
        f"the end of chain {lee.chain} is missing: the checkpoint of 2026-11-23 18:00 UTC has "
        f"it at row {lee.id:,}" in clinic("audit", "verify", code=1).stderr
    )
    tamper("DELETE FROM clinic_auditentry")
    assert "all rows are missing (the log is empty)" in clinic("audit", "verify", code=1).stderr


def test_a_checkpoint_is_also_mailed_when_an_address_is_set(cast, tmp_path, monkeypatch):
    from django.core import mail

    monkeypatch.setenv(audit_checkpoint.MAIL_VARIABLE, "audit@clinic.test")
    path = checkpoint_now(tmp_path, monkeypatch)
    (sent,) = mail.outbox
    rows = AuditEntry.objects.count()
    assert sent.to == ["audit@clinic.test"]
    assert sent.subject == f"kratomlog audit checkpoint 2026-11-23 18:00 UTC: {rows:,} rows"
    assert path.read_text().strip() in sent.body


def test_the_worker_writes_a_checkpoint(cast, tmp_path, monkeypatch):
    from kratomlog.cli import clinic_worker

    reads(cast, 1)
    monkeypatch.setenv(audit_checkpoint.DIRECTORY_VARIABLE, str(tmp_path))
    clinic_worker.write_audit_checkpoint()
    (path,) = tmp_path.glob("audit-checkpoint-*.json")
    assert json.loads(path.read_text())["checkpoint"]["rows"] == AuditEntry.objects.count()


def test_a_checkpoint_the_worker_cannot_write_is_said_and_the_worker_goes_on(
    cast, tmp_path, monkeypatch, capsys
):
    from kratomlog.cli import clinic_worker

    blocked = tmp_path / "a file, not a directory"
    blocked.write_text("")
    monkeypatch.setenv(audit_checkpoint.DIRECTORY_VARIABLE, str(blocked))
    clinic_worker.write_audit_checkpoint()
    assert capsys.readouterr().err.startswith("audit checkpoint not written: ")


def test_in_the_roles_step_these_tests_run_as_the_apps_role(db):
    import os

    from django.db import connection

    from tests.clinic.helpers_audit import APP_ROLE_VARIABLE

    if connection.vendor != "postgresql" or not os.environ.get(APP_ROLE_VARIABLE):
        pytest.skip("the roles step only (make test)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == os.environ[APP_ROLE_VARIABLE]
