"""Crisis resources: every phone number a link, the default by time zone, a clinic's contact."""

import pytest

from kratomlog.core import crisis
from kratomlog.core.errors import InputError


def test_every_phone_number_in_a_contact_becomes_a_tel_address_and_nothing_else_does():
    links = {
        text: [href for _, href in crisis.phone_parts(text) if href]
        for text in (
            crisis.LIFELINE.contact,
            crisis.SAMHSA.contact,
            "call 116 123, free, 24/7",
            "+49 800 111 0 111 (free), Mon-Fri 9:00-17:00",
            "findahelpline.com lists helplines",
        )
    }
    assert links == {
        crisis.LIFELINE.contact: ["tel:988"],
        crisis.SAMHSA.contact: ["tel:18006624357", "tel:18004874889"],
        "call 116 123, free, 24/7": ["tel:116123"],
        "+49 800 111 0 111 (free), Mon-Fri 9:00-17:00": ["tel:+498001110111"],
        "findahelpline.com lists helplines": [],
    }
    text = crisis.SAMHSA.contact
    assert "".join(piece for piece, _ in crisis.phone_parts(text)) == text


@pytest.mark.parametrize("zone", ["America/New_York", "America/Los_Angeles", "Pacific/Honolulu"])
def test_a_us_zone_keeps_the_us_list(zone):
    assert crisis.default_resources(zone)[0].name == "988 Suicide & Crisis Lifeline"


@pytest.mark.parametrize("zone", ["Europe/Berlin", "UTC", "America/Toronto", "Asia/Tokyo"])
def test_outside_the_us_the_international_directory_comes_first(zone):
    chosen = crisis.default_resources(zone)
    assert "findahelpline.com" in chosen[0].contact
    assert "911" not in chosen[1].contact.split(":")[0] and "112" in chosen[1].contact
    assert all("in the US" in r.contact for r in chosen if "988" in r.name)


@pytest.mark.parametrize(
    ("name", "phone", "hours", "field", "said"),
    [
        ("North\nclinic", "+49 30 1234", "", "--name", "line break"),
        ("North", "", "", "--phone", "a phone number is needed"),
        ("North", "call us", "", "--phone", "is not a phone number"),
        ("North", "+49 30\x00 1234", "", "--phone", "NUL"),
        ("North", "+49 30 1234", "Mon-Fri\r\n9-17", "--hours", "line break"),
        ("N" * 201, "+49 30 1234", "", "--name", "at most 200"),
    ],
)
def test_a_bad_contact_is_refused_naming_the_field(name, phone, hours, field, said):
    with pytest.raises(InputError) as refused:
        crisis.check_contact(name, phone, hours)
    assert refused.value.field == field and said in refused.value.problem


def test_a_care_team_without_hours_reads_alerts_in_working_hours_and_has_a_tel_link():
    team = crisis.CareTeam(name="North", phone="+49 (30) 1234-5678", hours="")
    assert (team.reads_alerts, team.tel) == ("in working hours", "tel:+493012345678")
