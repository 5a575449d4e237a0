"""Crisis resources (FACTS.md section 5): shown at once whenever PHQ-9 item 9 is above 0.

Whose list is shown: the person's own, else their clinic's, else the default for where their
time zone is: the US list in a US zone, the international directory first anywhere else.
"""

import re
from dataclasses import dataclass

from kratomlog.core.errors import InputError
from kratomlog.core.text import refuse_nul


@dataclass(frozen=True)
class Resource:
    name: str
    contact: str


@dataclass(frozen=True)
class CareTeam:
    """The clinic's contact, shown beside the resources to its patients."""

    name: str  # blank: "your care team"
    phone: str
    hours: str  # when alerts are read ("Mon-Fri 8:00-18:00"); blank: "in working hours"
    alerted: bool = False  # this patient's care team has just been alerted

    @property
    def reads_alerts(self) -> str:
        return self.hours or "in working hours"

    @property
    def tel(self) -> str:
        return tel(self.phone)


LIFELINE = Resource(
    "988 Suicide & Crisis Lifeline", "call or text 988, or chat at 988lifeline.org; 24/7"
)
SAMHSA = Resource(
    "SAMHSA National Helpline",
    "1-800-662-4357 (TTY 1-800-487-4889); free, 24/7, treatment referral",
)
DIRECTORY = Resource("Find a helpline", "findahelpline.com lists free helplines in every country")

DEFAULT_RESOURCES = (
    LIFELINE,
    Resource("In immediate danger", "call 911"),
    SAMHSA,
    Resource("Outside the US", "findahelpline.com lists helplines in every country"),
)
INTERNATIONAL_RESOURCES = (
    DIRECTORY,
    Resource(
        "In immediate danger",
        "call your local emergency number: 112 in Europe, 999 in the UK, 000 in Australia",
    ),
    Resource(LIFELINE.name, f"in the US: {LIFELINE.contact}"),
    Resource(SAMHSA.name, f"in the US: {SAMHSA.contact}"),
)

# The zones of the 50 states and Puerto Rico (tz database zone1970.tab, country US and PR),
# with their old "US/..." names: 988 and 911 answer there.
US_ZONES = frozenset(
    {
        *(f"America/{city}" for city in (
            "New_York", "Detroit", "Chicago", "Denver", "Phoenix", "Los_Angeles", "Anchorage",
            "Juneau", "Sitka", "Metlakatla", "Yakutat", "Nome", "Adak", "Boise", "Menominee",
            "Indianapolis", "Louisville", "Puerto_Rico", "Fort_Wayne", "Knox_IN",
            "Indiana/Indianapolis", "Indiana/Vincennes", "Indiana/Winamac", "Indiana/Marengo",
            "Indiana/Petersburg", "Indiana/Vevay", "Indiana/Tell_City", "Indiana/Knox",
            "Kentucky/Louisville", "Kentucky/Monticello", "North_Dakota/Center",
            "North_Dakota/New_Salem", "North_Dakota/Beulah",
        )),
        *(f"US/{name}" for name in (
            "Alaska", "Aleutian", "Arizona", "Central", "East-Indiana", "Eastern", "Hawaii",
            "Indiana-Starke", "Michigan", "Mountain", "Pacific",
        )),
        "Pacific/Honolulu", "EST5EDT", "CST6CDT", "MST7MDT", "PST8PDT", "Navajo",
    }
)  # fmt: skip


def default_resources(timezone: str) -> tuple[Resource, ...]:
    """The list shown until the person (or their clinic) sets one, by their IANA zone."""
    return DEFAULT_RESOURCES if timezone in US_ZONES else INTERNATIONAL_RESOURCES


MESSAGE = (
    "You said you have had thoughts that you would be better off dead or of hurting "
    "yourself. You deserve support now. Please reach out:"
)

# A phone number inside a contact: "988", "116 123", "+49 800 111 0 111", "1-800-662-4357";
# not part of a word or a web address ("988lifeline.org"), nor a time ("9:00-17:00").
PHONE = re.compile(r"(?<![\w.:/+-])\+?\d[\d \-().]*\d(?![\w:/])")
PHONE_FORM = re.compile(r"\+?[\d \-().]+")
MOST_NAME, MOST_PHONE, MOST_HOURS = 200, 40, 200


def tel(phone: str) -> str:
    """The tel: address a phone dials: its digits and a leading +."""
    return "tel:" + re.sub(r"[^\d+]", "", phone)


def phone_parts(text: str) -> list[tuple[str, str]]:
    """The text in pieces, each (piece, tel: address or ""), so that every number is a link."""
    parts: list[tuple[str, str]] = []
    start = 0
    for found in PHONE.finditer(text):
        address = tel(found.group())
        if len(address.removeprefix("tel:").lstrip("+")) < 3:
            continue
        if found.start() > start:
            parts.append((text[start : found.start()], ""))
        parts.append((found.group(), address))
        start = found.end()
    if start < len(text):
        parts.append((text[start:], ""))
    return parts


def parse_resources(text: str) -> tuple[Resource, ...]:
    """One resource a line: "name | how to reach it"."""
    refuse_nul(text, "crisis resources")
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, bar, contact = line.partition("|")
        if not bar or not name.strip() or not contact.strip():
            raise InputError(
                "crisis resources",
                f"line {number} is {line.strip()!r}; write one a line as: name | how to reach it",
            )
        if len(name.strip()) > MOST_NAME or len(contact.strip()) > 500:
            raise InputError(
                "crisis resources",
                f"line {number} is too long; a name of at most {MOST_NAME} characters "
                "and a contact of at most 500",
            )
        found.append(Resource(name.strip(), contact.strip()))
    if not found:
        raise InputError("crisis resources", "the list cannot be empty")
    return tuple(found)


def check_contact(name: str, phone: str, hours: str) -> tuple[str, str, str]:
    """The clinic's contact, stripped; InputError naming --name, --phone or --hours."""
    fields = (("--name", name, MOST_NAME), ("--phone", phone, MOST_PHONE),
              ("--hours", hours, MOST_HOURS))  # fmt: skip
    for field, value, most in fields:
        refuse_nul(value, field)
        if "\n" in value or "\r" in value:
            raise InputError(field, f"{value!r} holds a line break; write it on one line")
        if len(value.strip()) > most:
            raise InputError(field, f"{len(value.strip())} characters; at most {most}")
    phone = phone.strip()
    digits = re.sub(r"\D", "", phone)
    if not phone:
        raise InputError("--phone", "a phone number is needed, such as '+49 30 1234 5678'")
    if not PHONE_FORM.fullmatch(phone) or len(digits) < 3:
        raise InputError(
            "--phone",
            f"{phone!r} is not a phone number; digits, spaces, '-', '(', ')' and a leading '+', "
            "such as '+49 30 1234 5678'",
        )
    return name.strip(), phone, hours.strip()
