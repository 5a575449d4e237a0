"""Access by role, team and consent now; the audit log's chain."""

import pytest
from django.http import Http404

from kratomlog.clinic import audit, people, policy
from kratomlog.clinic.models import AuditEntry
from tests.clinic.conftest import NOW


def test_a_clinician_sees_only_consenting_patients_of_their_own_teams(cast):
    assert list(policy.visible_patients(cast.clinician_a)) == [cast.patient_a]
    assert list(policy.visible_patients(cast.clinician_b)) == [cast.patient_b]
    with pytest.raises(Http404):
        policy.patient_for_clinician(cast.clinician_a, cast.patient_b.public_id)


def test_revoking_consent_hides_the_patient_at_once(cast):
    people.set_sharing(cast.patient_a, False, NOW, actor=cast.patient_a.user)
    with pytest.raises(Http404):
        policy.patient_for_clinician(cast.clinician_a, cast.patient_a.public_id)
    assert cast.patient_a.consents.latest("at").granted is False


def test_researchers_admins_and_patients_see_no_journal(cast):
    for user in (cast.researcher, cast.admin, cast.patient_a.user):
        assert not policy.visible_patients(user).exists()


def test_an_unknown_patient_and_a_malformed_id_answer_like_a_forbidden_one(cast):
    for key in ("00000000-0000-0000-0000-000000000000", "not-a-uuid"):
        with pytest.raises(Http404):
            policy.patient_for_clinician(cast.clinician_a, key)


def test_the_audit_chain_verifies_and_an_edit_behind_its_back_is_found(cast):
    audit.record(action="read", actor=cast.clinician_a, role="clinician", patient=cast.patient_a)
    checked, broken = audit.verify()
    assert broken is None and checked == AuditEntry.objects.count() >= 5
    victim = AuditEntry.objects.order_by("id")[2]
    from django.db import connection

    if connection.vendor == "postgresql":
        with pytest.raises(Exception, match="append-only"), connection.cursor() as cursor:
            cursor.execute("UPDATE clinic_auditentry SET action = 'x' WHERE id = %s", [victim.id])
        return
    AuditEntry.objects.filter(id=victim.id).update(action="edited")
    _, broken = audit.verify()
    assert broken is not None and broken.row_id == victim.id
