"""The clinicians' pages: triage, a patient's course, plans, visits, the PDF report, the inbox."""

import io
from datetime import timedelta

import pytest
from django.test import Client

from kratomlog.checkins.services import record_checkin
from kratomlog.clinic.models import Alert, AuditEntry, Visit
from kratomlog.journal.services import log_kratom
from tests.clinic.conftest import NOW
from tests.clinic.helpers_ca import verified_client as verified

UNKNOWN = "00000000-0000-0000-0000-000000000000"


@pytest.fixture
def lee(cast):
    return verified(cast.clinician_a)


def _course(person):
    for days_ago, grams in [(1, 4.0), (2, 3.5), (5, 5.0)]:
        log_kratom(person=person, amount=f"{grams}g", now=NOW,
                   at=(NOW - timedelta(days=days_ago)).isoformat())  # fmt: skip
    record_checkin(person=person, key="phq9", now=NOW, answers="2,1,1,1,0,1,1,0,0")


def test_triage_puts_self_harm_first_and_shows_each_patients_numbers(cast, lee):
    from kratomlog.clinic import people
    from kratomlog.clinic.consent import CARE_CONSENT

    calm = people.add_patient(email="cy@example.org", password="cy long password", timezone="UTC",
                              team=cast.north, consent_version=CARE_CONSENT.version,
                              share_with_care_team=True, now=NOW)  # fmt: skip
    _course(calm.person)
    record_checkin(person=cast.patient_a.person, key="phq9", now=NOW, answers="1,1,1,1,1,1,1,1,1")
    page = lee.get("/clinic/").content.decode()
    assert page.index("ana@example.org") < page.index("cy@example.org")
    assert "self-harm risk" in page and "ben@example.org" not in page
    assert (
        "3 use days, 12.5 g" in page
        and 'aria-label="3 use days and 12.5 g in the last 28 days"' in page
    )
    filtered = lee.get("/clinic/", {"reason": "self_harm_risk"}).content.decode()
    assert "ana@example.org" in filtered and "cy@example.org" not in filtered


def test_triage_costs_the_same_number_of_queries_for_3_and_30_patients(cast, lee, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kratomlog.clinic import people
    from kratomlog.clinic.consent import CARE_CONSENT

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert lee.get("/clinic/").status_code == 200
        return len(queries)

    small = count()
    for n in range(30):
        patient = people.add_patient(email=f"p{n}@example.org", password="a long password 12",
                                     timezone="UTC", team=cast.north,
                                     consent_version=CARE_CONSENT.version,
                                     share_with_care_team=True, now=NOW)  # fmt: skip
        log_kratom(person=patient.person, amount="2g", now=NOW, at="2026-11-23T10:00")
    assert count() == small


def test_a_patients_page_shows_their_course_and_is_audited(cast, lee):
    _course(cast.patient_a.person)
    url = f"/clinic/patients/{cast.patient_a.public_id}"
    page = lee.get(url).content.decode()
    assert "ana@example.org" in page and "PHQ-9 totals (0-27)" in page
    assert "Last 7 days: 3 use days, 12.5 g" in page
    assert AuditEntry.objects.filter(
        patient=cast.patient_a, action="read", actor=cast.clinician_a
    ).exists()


@pytest.mark.parametrize("who", ["clinician_b", "researcher", "admin"])
def test_another_team_other_staff_and_unknown_ids_get_the_same_404(cast, who):
    client = verified(getattr(cast, who))
    assert client.get(f"/clinic/patients/{cast.patient_a.public_id}").status_code == 404
    assert verified(cast.clinician_a).get(f"/clinic/patients/{UNKNOWN}").status_code == 404


def test_a_patient_gets_404_on_clinic_pages(cast):
    client = Client()
    client.force_login(cast.patient_a.user, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/clinic/").status_code == 404
    assert client.get(f"/clinic/patients/{cast.patient_a.public_id}").status_code == 404


def test_a_clinician_sets_a_taper_and_the_page_says_who_set_it(cast, lee):
    url = f"/clinic/patients/{cast.patient_a.public_id}"
    answer = lee.post(f"{url}/plan", {"kind": "taper", "start_grams": "6", "step": "0.5",
                                       "every_days": "7", "floor_grams": "",
                                       "confirm": "1"})  # fmt: skip
    assert answer.status_code == 302
    version = cast.patient_a.person.plan_versions.get()
    assert version.set_by == "Dr Lee" and version.set_by_user_id == cast.clinician_a.id
    assert "set by Dr Lee on 23 Nov 2026" in lee.get(url).content.decode()
    bad = lee.post(
        f"{url}/plan", {"kind": "taper", "start_grams": "six", "step": "1", "every_days": "7"}
    )
    assert bad.status_code == 400 and "is not a number" in bad.content.decode()


def test_a_visit_with_cows_is_scored_and_a_partial_rating_is_refused(cast, lee):
    from kratomlog.core import cows

    url = f"/clinic/patients/{cast.patient_a.public_id}/visit"
    ratings = {f"cows_{item.key}": str(item.options[1][0]) for item in cows.ITEMS}
    assert lee.post(url, {**ratings, "note": "sweating, restless"}).status_code == 302
    visit = Visit.objects.get()
    assert visit.cows_total == sum(item.options[1][0] for item in cows.ITEMS) == 13
    assert visit.clinician == cast.clinician_a
    partial = dict(list(ratings.items())[:3])
    answer = lee.post(url, partial)
    assert answer.status_code == 400 and "all 11 COWS items" in answer.content.decode()
    assert Visit.objects.count() == 1


def test_the_report_is_a_pdf_holding_the_patients_numbers(cast, lee):
    from pypdf import PdfReader

    _course(cast.patient_a.person)
    url = f"/clinic/patients/{cast.patient_a.public_id}/report.pdf"
    answer = lee.get(url, {"from": "2026-11-01", "to": "2026-11-23"})
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(answer.content)).pages)
    assert "ana@example.org" in text and "2026-11-01 to 2026-11-23" in text
    assert "12.5 g" in text and "3 of 23 days" in text
    assert AuditEntry.objects.filter(patient=cast.patient_a, action="export").exists()
    assert lee.get(url, {"from": "2026-11-30", "to": "2026-11-01"}).status_code == 400


def test_the_inbox_lists_acknowledges_and_resolves_with_a_note(cast, lee):
    record_checkin(person=cast.patient_a.person, key="phq9", now=NOW, answers="1,1,1,1,1,1,1,1,1")
    alert = Alert.objects.get()
    inbox = lee.get("/clinic/alerts").content.decode()
    assert "Urgent: self-harm risk" in inbox and "ana@example.org" in inbox
    assert verified(cast.clinician_b).get(f"/clinic/alerts/{alert.id}").status_code == 404
    lee.post(f"/clinic/alerts/{alert.id}/ack")
    assert Alert.objects.get().state == "acknowledged"
    assert lee.post(f"/clinic/alerts/{alert.id}/resolve", {"note": ""}).status_code == 400
    lee.post(f"/clinic/alerts/{alert.id}/resolve", {"note": "called; safe, seen tomorrow"})
    resolved = Alert.objects.get()
    assert (
        resolved.state == "resolved" and resolved.resolution_note == "called; safe, seen tomorrow"
    )


def test_the_patient_sees_on_today_and_plan_who_set_their_plan(cast, lee):
    lee.post(
        f"/clinic/patients/{cast.patient_a.public_id}/plan",
        {"kind": "preset", "preset": "break-90", "confirm": "1"},
    )
    client = Client()
    client.force_login(cast.patient_a.user, backend="django.contrib.auth.backends.ModelBackend")
    assert "Set by Dr Lee on 23 Nov." in client.get("/").content.decode()


def test_triage_pages_a_long_list_most_urgent_first(cast, lee, settings):
    from kratomlog.clinic import people

    # A hundred patients' passwords: a fast hasher here (Argon2 is tested where sign-in is).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from kratomlog.clinic.consent import CARE_CONSENT
    from kratomlog.clinic.staff.triage import PAGE_SIZE

    for n in range(PAGE_SIZE):
        people.add_patient(email=f"p{n:03d}@example.org", password="a long password 12",
                           timezone="UTC", team=cast.north, consent_version=CARE_CONSENT.version,
                           share_with_care_team=True, now=NOW)  # fmt: skip
    record_checkin(person=cast.patient_a.person, key="phq9", now=NOW, answers="1,1,1,1,1,1,1,1,1")
    first = lee.get("/clinic/").content.decode()
    assert "ana@example.org" in first and f"Patients 1 to {PAGE_SIZE} of {PAGE_SIZE + 1}." in first
    second = lee.get("/clinic/", {"page": 2}).content.decode()
    assert (
        f"Patients {PAGE_SIZE + 1} to {PAGE_SIZE + 1}" in second and "ana@example.org" not in second
    )
