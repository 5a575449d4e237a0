"""The patient's Sharing page: the care team, who has seen the data, and revoking consent."""

from datetime import timedelta

import pytest

from kratomlog.clinic import audit
from kratomlog.clinic.models import AuditEntry
from tests.clinic.conftest import NOW
from tests.clinic.helpers_ca import patient_client, verified_client


def test_the_sharing_page_names_the_clinicians_who_can_see_the_journal(cast):
    page = patient_client(cast.patient_a).get("/sharing")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Your care team <strong>North</strong> can see your journal" in html
    assert "Dr Lee" in html and "Dr Okafor" not in html  # the other team's clinician
    assert "Mon 23 Nov 2026 19:00" in html  # when she agreed, in Berlin
    assert 'aria-current="page">Sharing' in html


def test_who_has_seen_my_data_lists_staff_accesses_newest_first_in_pages(cast):
    for n in range(30):
        audit.record(
            action="read", actor=cast.clinician_a, role="clinician", what=f"review {n}",
            patient=cast.patient_a, at=NOW + timedelta(minutes=n),
        )  # fmt: skip
    audit.record(action="plan", actor=cast.clinician_a, role="clinician", what="set plan 'x'",
                 patient=cast.patient_a, at=NOW + timedelta(hours=2))  # fmt: skip
    audit.record(action="read", actor=cast.clinician_b, role="clinician", patient=cast.patient_b)
    audit.record(action="read", actor=cast.clinician_a, role="clinician", patient=cast.patient_a,
                 what=f"/clinic/patients/{cast.patient_a.public_id}", at=NOW + timedelta(hours=3))  # fmt: skip
    client = patient_client(cast.patient_a)
    first = client.get("/sharing").content.decode()
    rows = first.split("<tbody>", 1)[1].split("</tbody>", 1)[0].count("<tr>")
    assert rows == 25
    # The newest: a page of the clinic, said in words (its address means nothing to a patient).
    assert "looked at your journal</td>" in first and "/clinic/patients/" not in first
    assert first.index("set a plan") < first.index("(review 29)") < first.index("(review 10)")
    assert "Mon 23 Nov 2026 21:00" in first  # the plan, at 20:00 UTC, in Berlin
    assert "(review 5)" not in first and "Page 1 of 2" in first
    second = client.get("/sharing?page=2").content.decode()
    assert "(review 5)" in second and "(review 0)" in second and "Okafor" not in second
    # The patient's own sign-ins and writes are not "someone who has seen my data".
    assert "sign" not in first.split("<tbody>", 1)[1]


@pytest.mark.urls("tests.clinic.urls_ca")
def test_revoking_takes_effect_at_the_clinicians_next_request_and_is_audited(cast, clock):
    clinician = verified_client(cast.clinician_a)
    patient_page = f"/clinic/test-patient/{cast.patient_a.public_id}"
    assert clinician.get(patient_page).status_code == 200
    client = patient_client(cast.patient_a)
    revoked = client.post("/sharing", {"share": "no"})
    assert revoked.status_code == 302
    assert clinician.get(patient_page).status_code == 404  # the same answer as an unknown patient
    page = client.get("/sharing").content.decode()
    assert "Sharing stopped" in page and "sees nothing of it" in page
    assert "I agree: share my journal" in page and "not an emergency service" in page
    consent = AuditEntry.objects.filter(action="consent", patient=cast.patient_a).latest("id")
    assert (consent.actor, consent.what) == (cast.patient_a.user, "revoked sharing")
    assert cast.patient_a.consents.latest("id").granted is False
    assert not AuditEntry.objects.filter(action="write", what="/sharing").exists()  # once only

    clock.shift(timedelta(minutes=1))
    client.post("/sharing", {"share": "yes"})
    assert clinician.get(patient_page).status_code == 200
    assert cast.patient_a.consents.latest("id").granted is True
    assert "can see your journal again" in client.get("/sharing").content.decode()


def test_only_patients_have_a_sharing_page(cast):
    assert verified_client(cast.clinician_a).get("/sharing")["Location"] == "/clinic/"
    from django.test import Client

    assert Client().get("/sharing")["Location"] == "/accounts/login?next=/sharing"
