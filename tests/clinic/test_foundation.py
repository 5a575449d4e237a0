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
    seen, broken = audit.verify()
    assert broken is None and seen.rows == AuditEntry.objects.count() >= 5
    victim = AuditEntry.objects.order_by("id")[2]
    from django.db import connection

    if connection.vendor == "postgresql":
        with pytest.raises(Exception, match="append-only"), connection.cursor() as cursor:
            cursor.execute("UPDATE clinic_auditentry SET action = 'x' WHERE id = %s", [victim.id])
        return
    AuditEntry.objects.filter(id=victim.id).update(action="edited")
    _, broken = audit.verify()
    assert broken is not None and broken.row_id == victim.id


def test_an_invitation_works_once_and_expires_after_14_days(cast, clock):
    from datetime import timedelta

    from kratomlog.clinic import invitations, tokens
    from kratomlog.clinic.consent import CARE_CONSENT

    new = invitations.invite(cast.clinician_a, NOW)
    assert new.team == cast.north and new.url.endswith(new.code)
    details = {
        "email": "cy@example.org", "password": "cy's long password", "timezone": "Europe/Paris",
        "consent_version": CARE_CONSENT.version, "share_with_care_team": True, "now": NOW,
    }  # fmt: skip
    patient, token = invitations.accept(new.code.lower().replace("-", ""), **details)
    assert patient.team == cast.north and patient.sharing
    assert tokens.user_for(token, NOW) == patient.user
    with pytest.raises(invitations.InvitationGone, match="already been used"):
        invitations.accept(new.code, **{**details, "email": "dee@example.org"})
    late = invitations.invite(cast.clinician_a, NOW)
    with pytest.raises(invitations.InvitationGone, match="expired"):
        invitations.accept(
            late.code, **{**details, "email": "eve@example.org", "now": NOW + timedelta(days=15)}
        )


def test_a_clinician_can_invite_only_to_their_own_teams(cast):
    from kratomlog.clinic import invitations
    from kratomlog.core.errors import InputError

    with pytest.raises(InputError, match="not one of your teams"):
        invitations.invite(cast.clinician_a, NOW, team_name="South")
    with pytest.raises(Http404):
        invitations.invite(cast.researcher, NOW)
