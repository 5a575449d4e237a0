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
    assert "24 Nov 2026 03:00 JST" in verified(cast.clinician_a).get(
        f"/clinic/alerts/{alert.pk}"
    ).content.decode()
    from django.utils import timezone

    assert timezone.get_current_timezone_name() == "UTC"


def test_an_unknown_clinic_zone_is_refused_at_start_up_in_words():
    from kratomlog.clinic.settings import clinic_timezone

    assert clinic_timezone("") == "UTC"
    assert clinic_timezone("Europe/Berlin") == "Europe/Berlin"
    with pytest.raises(ValueError, match="KRATOMLOG_CLINIC_TIMEZONE: 'Mars/Base' is not an IANA"):
        clinic_timezone("Mars/Base")
