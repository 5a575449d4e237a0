"""Crisis resources (FACTS.md section 5): shown at once whenever PHQ-9 item 9 is above 0.

The list is the person's or clinic's to change for their country; this is the US default.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Resource:
    name: str
    contact: str


DEFAULT_RESOURCES = (
    Resource("988 Suicide & Crisis Lifeline", "call or text 988, or chat at 988lifeline.org; 24/7"),
    Resource("In immediate danger", "call 911"),
    Resource(
        "SAMHSA National Helpline",
        "1-800-662-4357 (TTY 1-800-487-4889); free, 24/7, treatment referral",
    ),
    Resource("Outside the US", "findahelpline.com lists helplines in every country"),
)

MESSAGE = (
    "You said you have had thoughts that you would be better off dead or of hurting "
    "yourself. You deserve support now. Please reach out:"
)


def parse_resources(text: str) -> tuple[Resource, ...]:
    """One resource a line: "name | how to reach it"."""
    from kratomlog.core.errors import InputError
    from kratomlog.core.text import refuse_nul

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
        found.append(Resource(name.strip(), contact.strip()))
    if not found:
        raise InputError("crisis resources", "the list cannot be empty")
    return tuple(found)
