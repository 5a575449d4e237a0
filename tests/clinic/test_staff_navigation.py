"""The staff pages as staff find them: their own time zone, one navigation, triage at a glance."""

import pytest
from django.test import Client

from kratomlog.clinic.models import Alert
from tests.clinic.conftest import NOW
from tests.clinic.helpers_ca import verified_client as verified


def _alert(patient) -> Alert:
    return Alert.objects.create(patient=patient, kind="self_harm_risk", urgent=True,
                                raised_at=NOW, updated_at=NOW)  # fmt: skip


@pytest.mark.parametrize(
    ("own_zone", "clinic_zone", "shown"),
    [
        ("Europe/Berlin", "America/New_York", "23 Nov 2026 19:00 CET"),  # their own comes first
        ("", "America/New_York", "23 Nov 2026 13:00 EST"),  # none of their own: the clinic's
        ("", "UTC", "23 Nov 2026 18:00 UTC"),
    ],
)
def test_staff_read_times_in_their_own_zone_with_its_abbreviation(
    cast, settings, own_zone, clinic_zone, shown
):
    settings.CLINIC_TIMEZONE = clinic_zone
    account = cast.clinician_a.account
    account.timezone = own_zone
    account.save()
    alert = _alert(cast.patient_a)
    page = verified(cast.clinician_a).get(f"/clinic/alerts/{alert.pk}").content.decode()
    assert f"Raised {shown}" in page
    inbox = verified(cast.clinician_a).get("/clinic/alerts").content.decode()
    assert f"raised {shown}" in inbox


def test_a_staff_zone_does_not_reach_the_next_request(cast, settings):
    settings.CLINIC_TIMEZONE = "UTC"
    account = cast.clinician_a.account
    account.timezone = "Asia/Tokyo"
    account.save()
    alert = _alert(cast.patient_a)
    assert (
        "24 Nov 2026 03:00 JST"
        in verified(cast.clinician_a).get(f"/clinic/alerts/{alert.pk}").content.decode()
    )
    from django.utils import timezone

    assert timezone.get_current_timezone_name() == "UTC"


def test_an_unknown_clinic_zone_is_refused_at_start_up_in_words():
    from kratomlog.clinic.settings import clinic_timezone

    assert clinic_timezone("") == "UTC"
    assert clinic_timezone("Europe/Berlin") == "Europe/Berlin"
    with pytest.raises(ValueError, match="KRATOMLOG_CLINIC_TIMEZONE: 'Mars/Base' is not an IANA"):
        clinic_timezone("Mars/Base")


def _main_nav(html: str) -> str:
    start = html.index('<nav aria-label="Main"')
    return html[start : html.index("</nav>", start)]


@pytest.mark.parametrize(
    ("path", "current"),
    [
        ("/clinic/", "Triage"),
        ("/clinic/alerts", "Alerts"),
        ("/accounts/invite-patient", "Invite a patient"),
        ("/accounts/", "Your account"),
        ("/sources", "Sources"),
        ("patient", None),
        ("alert", None),
    ],
)
def test_every_clinician_page_has_the_same_navigation_with_the_page_marked(cast, path, current):
    if path == "patient":
        path = f"/clinic/patients/{cast.patient_a.public_id}"
    elif path == "alert":
        path = f"/clinic/alerts/{_alert(cast.patient_a).pk}"
    response = verified(cast.clinician_a).get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<nav aria-label="Main"') == 1
    nav = _main_nav(html)
    for link in ('href="/clinic/"', 'href="/clinic/alerts"', 'href="/accounts/invite-patient"',
                 'href="/accounts/"', 'href="/sources"', 'action="/accounts/logout"'):  # fmt: skip
        assert link in nav, (path, link)
    assert ">Today<" not in nav and 'href="/history"' not in nav  # not the journal's
    marked = nav.count('aria-current="page"')
    if current is None:
        assert marked == 0
    else:
        assert marked == 1
        after = nav[nav.index('aria-current="page"') :]
        assert current in after[: after.index("</a>")]


def test_the_footer_sources_link_opens_the_sources_for_staff(cast):
    for user in (cast.clinician_a, cast.researcher, cast.admin):
        page = verified(user).get("/sources")
        assert page.status_code == 200, user
        assert 'href="/sources"' in page.content.decode()  # the footer's link is this page


def test_a_researcher_lands_on_their_studies_and_sees_their_own_navigation(cast):
    client = verified(cast.researcher)
    assert client.get("/accounts/login")["Location"] == "/research/"
    nav = _main_nav(client.get("/research/").content.decode())
    assert 'href="/research/"' in nav and 'aria-current="page"' in nav
    assert 'href="/accounts/"' in nav and 'action="/accounts/logout"' in nav
    assert 'href="/clinic/"' not in nav  # triage is the clinicians'


def test_a_researcher_signing_in_with_password_and_code_lands_on_their_studies(cast):
    from tests.clinic.helpers_ca import PASSWORD, authenticator, code_now

    device = authenticator(cast.researcher)
    client = Client()
    client.post("/accounts/login", {"email": "rao@clinic.test", "password": PASSWORD})
    answer = client.post("/accounts/verify", {"code": code_now(device.bin_key)})
    assert answer.status_code == 302 and answer["Location"] == "/research/"


def test_a_patients_page_is_headed_by_their_name_with_record_number_and_contacts(cast):
    ana = cast.patient_a
    ana.display_name, ana.record_number, ana.phone = "Ana P.", "R-1042", "+49 30 1234567"
    ana.save()
    html = verified(cast.clinician_a).get(f"/clinic/patients/{ana.public_id}").content.decode()
    assert "<title>Ana P. · kratomlog</title>" in html
    assert '<h1>Ana P. <small class="record">record R-1042</small></h1>' in html
    assert '<a href="mailto:ana@example.org">ana@example.org</a>' in html
    assert '<a href="tel:+49301234567">+49 30 1234567</a>' in html


def test_staff_choose_their_own_zone_on_their_account_page(cast, settings):
    settings.CLINIC_TIMEZONE = "UTC"
    client = verified(cast.clinician_a)
    page = client.get("/accounts/").content.decode()
    assert "the clinic's zone (UTC)</option>" in page
    saved = client.post("/accounts/", {"timezone": "Europe/Berlin"})
    assert saved.status_code == 302
    assert "times are shown in Europe/Berlin" in client.get(saved["Location"]).content.decode()
    alert = _alert(cast.patient_a)
    assert (
        "Raised 23 Nov 2026 19:00 CET" in client.get(f"/clinic/alerts/{alert.pk}").content.decode()
    )
    refused = client.post("/accounts/", {"timezone": "Berlin"})
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "Time zone: &#x27;Berlin&#x27; is not one of the list&#x27;s IANA zones" in html
    assert 'id="timezone-error"' in html
    cast.clinician_a.account.refresh_from_db()
    assert cast.clinician_a.account.timezone == "Europe/Berlin"  # nothing half-written
    client.post("/accounts/", {"timezone": ""})
    cast.clinician_a.account.refresh_from_db()
    assert cast.clinician_a.account.timezone == ""  # back to the clinic's
