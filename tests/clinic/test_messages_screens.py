"""Every screen that shows messages says they are read in working hours and are not for
emergencies, with Help now beside it (staff: that patients are told so); the inbox lists the
unanswered conversations of the clinician's own teams, beside the alerts."""

import re

from kratomlog.clinic import messages
from tests.clinic.conftest import NOW
from tests.clinic.helpers_ca import patient_client, verified_client


def notice_beside_help_now(page: str) -> bool:
    found = re.search(
        r'<p class="warning">([^<]*)<a class="button" href="/help">Help now</a>', page
    )
    return bool(found) and "read in working hours and are not for emergencies" in found.group(1)


def test_the_patients_page_says_not_for_emergencies_with_help_now_beside_it(cast):
    page = patient_client(cast.patient_a).get("/messages").content.decode()
    assert notice_beside_help_now(page)


def test_staff_screens_remind_that_patients_are_told_so(cast):
    messages.send(cast.patient_a, cast.patient_a.user, "Are you there?", NOW)
    lee = verified_client(cast.clinician_a)
    reminder = "Patients are told on every screen that messages are read in working hours"
    base = f"/clinic/patients/{cast.patient_a.public_id}"
    for path in ("/clinic/messages", f"{base}/messages", base):
        assert reminder in lee.get(path).content.decode(), path


def test_the_inbox_holds_only_the_clinicians_teams_and_the_alerts_page_points_to_it(cast):
    messages.send(cast.patient_a, cast.patient_a.user, "North here", NOW)
    messages.send(cast.patient_b, cast.patient_b.user, "South here", NOW)
    lee, okafor = verified_client(cast.clinician_a), verified_client(cast.clinician_b)
    inbox = lee.get("/clinic/messages").content.decode()
    assert "ana@example.org" in inbox and cast.patient_b.user.email not in inbox
    assert "Mon 23 Nov 2026" in inbox
    alerts = lee.get("/clinic/alerts").content.decode()
    assert '<a href="/clinic/messages">1 conversation waits for an answer</a>' in alerts
    patient_page = lee.get(f"/clinic/patients/{cast.patient_a.public_id}").content.decode()
    assert "1 message, <strong>1 not read yet</strong>" in patient_page
    assert "from the patient: not answered yet" in patient_page
    lee.post(f"/clinic/patients/{cast.patient_a.public_id}/messages", {"text": "Yes."})
    assert "No conversation is waiting" in lee.get("/clinic/alerts").content.decode()
    assert "ana@example.org" not in okafor.get("/clinic/messages").content.decode()
