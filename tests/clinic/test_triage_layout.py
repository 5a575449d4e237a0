"""Triage at a glance: each patient by name, their last contact, open alert and next visit, and
every sparkline on one scale."""

from tests.clinic.conftest import NOW
from tests.clinic.helpers_ca import verified_client as verified
from tests.clinic.test_staff_navigation import _alert


def _triage_row(html: str, name: str) -> str:
    start = html.rindex("<tr", 0, html.index(name))
    return html[start : html.index("</tr>", start)]


def test_triage_names_each_patient_and_shows_contact_alert_and_next_visit(cast):
    from datetime import date, timedelta

    from kratomlog.clinic.models import Visit
    from kratomlog.journal.services import log_kratom

    ana = cast.patient_a
    ana.display_name, ana.record_number = "Ana P.", "R-1042"
    ana.save()
    log_kratom(person=ana.person, amount="4g", now=NOW, at=(NOW - timedelta(days=2)).isoformat())
    _alert(ana)
    Visit.objects.create(patient=ana, clinician=cast.clinician_a, at=NOW - timedelta(days=1),
                         next_visit_on=date(2026, 11, 30))  # fmt: skip
    Visit.objects.create(patient=ana, clinician=cast.clinician_a, at=NOW - timedelta(days=9),
                         next_visit_on=date(2026, 11, 16))  # an older visit's plan  # fmt: skip
    html = verified(cast.clinician_a).get("/clinic/").content.decode()
    row = _triage_row(html, "Ana P.")
    assert "record R-1042" in row and "ana@example.org" in row and "team North" in row
    assert 'data-label="Open alert"><a href="/clinic/alerts/' in row
    assert "self-harm risk (PHQ-9 item 9)</a><br><small>open since 23 Nov 18:00 UTC" in row
    assert 'data-label="Last contact">2 days ago' in row
    assert 'data-label="Next visit">Mon 30 Nov 2026' in row and "16 Nov" not in row


def test_triage_says_when_there_is_no_alert_contact_or_visit(cast):
    row = _triage_row(verified(cast.clinician_a).get("/clinic/").content.decode(), "ana@example")
    assert 'data-label="Open alert">none' in row
    assert 'data-label="Last contact">none recorded' in row
    assert 'data-label="Next visit">none set' in row


def test_every_sparkline_on_triage_is_drawn_to_one_labelled_scale(cast, settings):
    import re

    from kratomlog.clinic import people
    from kratomlog.clinic.consent import CARE_CONSENT
    from kratomlog.journal.services import log_kratom

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cy = people.add_patient(email="cy@example.org", password="cy long password", timezone="UTC",
                            team=cast.north, consent_version=CARE_CONSENT.version,
                            share_with_care_team=True, now=NOW)  # fmt: skip
    log_kratom(person=cast.patient_a.person, amount="4g", now=NOW, at="2026-11-22T10:00")
    log_kratom(person=cy.person, amount="8g", now=NOW, at="2026-11-22T10:00")
    html = verified(cast.clinician_a).get("/clinic/").content.decode()
    assert "Every sparkline of grams is drawn to one scale, 0 to 8 g a day;" in html
    assert "(bars to 8 g a day; doses to 1 a day)" in html
    heights = {
        name: re.search(r'<rect [^>]*height="([\d.]+)"', _triage_row(html, name)).group(1)
        for name in ("ana@example.org", "cy@example.org")
    }
    assert heights == {"ana@example.org": "12.0", "cy@example.org": "24.0"}  # 4 g is half of 8
