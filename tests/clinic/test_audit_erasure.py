"""Erasure: an admin deleting a user with audit rows erases them; the audit log still verifies."""

from django.contrib.auth import get_user_model

from kratomlog.clinic import audit, people, tokens
from kratomlog.clinic.models import ApiToken, AuditEntry, Patient
from kratomlog.journal import services
from kratomlog.journal.models import Entry
from tests.clinic.conftest import NOW
from tests.clinic.helpers_audit import run_as_app_role  # noqa: F401 (a fixture)
from tests.clinic.helpers_ca import verified_client


def test_deleting_a_patient_in_the_admin_erases_them_and_the_log_still_verifies(cast):
    ana = cast.patient_a
    services.log_kratom(person=ana.person, amount="2 g", now=NOW)
    token = tokens.issue(ana.user, NOW)
    tokens.user_for(token, NOW)  # an audit row of her own
    audit.record(action="read", actor=cast.clinician_a, role="clinician", patient=ana)
    Patient.objects.filter(id=ana.id).update(display_name="Ana P.", record_number="R-17",
                                             phone="+49 30 1234567")  # fmt: skip
    admin = verified_client(cast.admin)
    path = f"/admin/auth/user/{ana.user.id}/delete/"
    page = admin.get(path)
    assert page.status_code == 200 and b"Erase Ana P." in page.content
    assert b"asked for their journal to be deleted too (1 entries" in page.content
    answer = admin.post(path, {"journal": "1"})
    assert answer.status_code == 302
    user = get_user_model().objects.get(id=ana.user.id)
    assert (user.is_active, user.username, user.email) == (False, f"erased-{user.id}", "")
    assert not user.has_usable_password()
    ana.refresh_from_db()
    assert (ana.display_name, ana.record_number, ana.phone, ana.sharing) == ("", "", "", False)
    assert not Entry.objects.filter(person=ana.person).exists()
    assert not ApiToken.objects.filter(user=user, revoked_at__isnull=True).exists()
    assert tokens.user_for(token, NOW) is None
    her_rows = AuditEntry.objects.filter(actor=user)
    assert her_rows.exists()
    assert set(her_rows.values_list("actor_label", flat=True)) == {f"erased user {user.id}"}
    assert not AuditEntry.objects.filter(actor_label="ana@example.org").exists()
    erased = AuditEntry.objects.get(action="erase")
    assert (erased.actor, erased.patient) == (cast.admin, ana)
    assert erased.what.startswith(
        f"erased this person (now erased user {user.id}), and their journal"
    )
    # The clinician's read of her data is still in the log, and the log verifies.
    assert AuditEntry.objects.filter(actor=cast.clinician_a, patient=ana).exists()
    seen, broken = audit.verify()
    assert broken is None and seen.rows == AuditEntry.objects.count()


def test_erasing_a_clinician_keeps_their_rows_under_a_pseudonym_and_the_journals_kept(cast):
    audit.record(action="read", actor=cast.clinician_a, role="clinician", patient=cast.patient_a)
    admin = verified_client(cast.admin)
    answer = admin.post(f"/admin/auth/user/{cast.clinician_a.id}/delete/", {"journal": "1"})
    assert answer.status_code == 302
    row = AuditEntry.objects.filter(actor_id=cast.clinician_a.id).order_by("-id")[0]
    assert row.actor_label == f"erased user {cast.clinician_a.id}"
    assert people.access_log(cast.patient_a).filter(id=row.id).exists()
    assert audit.verify()[1] is None


def test_a_label_changed_otherwise_than_by_erasure_is_found(cast):
    from tests.clinic.helpers_audit import tamper

    row = audit.record(action="read", actor=cast.clinician_a, role="clinician")
    tamper("UPDATE clinic_auditentry SET actor_label = %s WHERE id = %s",
           ["okafor@clinic.test", row.id])  # fmt: skip
    assert audit.verify()[1] == audit.Broken(row.id, "its actor's label was changed")


def test_the_list_has_no_bulk_delete_and_posting_one_erases_nobody(cast):
    # People are erased one at a time, from their own page, with the journal question asked.
    ben = cast.patient_b
    services.log_kratom(person=ben.person, amount="1 g", now=NOW)
    admin = verified_client(cast.admin)
    answer = admin.post("/admin/auth/user/", {"action": "delete_selected", "post": "yes",
                                              "_selected_action": [ben.user.id]})  # fmt: skip
    assert answer.status_code == 200  # the list again: no such action
    user = get_user_model().objects.get(id=ben.user.id)
    assert user.is_active and user.email == "ben@example.org"
    assert Entry.objects.filter(person=ben.person).exists()
    assert audit.verify()[1] is None
