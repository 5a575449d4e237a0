"""A person's own plan for hard moments, in their words: their warning signs, what helps them,
people to call and reasons to keep going (the shape of a safety plan, Stanley & Brown 2012).

kratomlog writes none of it: it keeps what the person wrote and shows it with the crisis
resources when they tap Help now. It suggests nothing, least of all a dose.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kratomlog.core.crisis import tel
from kratomlog.core.errors import InputError
from kratomlog.core.text import NUL_PROBLEM

LISTS = ("warning_signs", "what_helps", "reasons")
HEADINGS = {
    "warning_signs": "My warning signs",
    "what_helps": "What helps me",
    "people": "People I can call",
    "reasons": "My reasons to keep going",
}
MOST_ITEMS, LONGEST = 20, 500
PHONE = re.compile(r"^[+\d][\d ()./-]{2,39}$")


@dataclass(frozen=True)
class Person:
    name: str
    phone: str

    @property
    def tel(self) -> str:
        return tel(self.phone)


@dataclass(frozen=True)
class CopingPlan:
    warning_signs: tuple[str, ...] = ()
    what_helps: tuple[str, ...] = ()
    people: tuple[Person, ...] = ()
    reasons: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.warning_signs or self.what_helps or self.people or self.reasons)

    def as_dict(self) -> dict[str, Any]:
        return {
            "warning_signs": list(self.warning_signs),
            "what_helps": list(self.what_helps),
            "people": [{"name": p.name, "phone": p.phone} for p in self.people],
            "reasons": list(self.reasons),
        }

    def as_text(self) -> str:
        """The plan as the text `kratomlog help --edit` opens: a heading a section, a line an
        item; a person is "name | phone"."""
        lines = []
        for key, heading in HEADINGS.items():
            lines.append(f"# {heading}")
            if key == "people":
                lines += [f"{p.name} | {p.phone}" for p in self.people]
            else:
                lines += list(getattr(self, key))
            lines.append("")
        return "\n".join(lines)


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise InputError(where, f"{value!r} is not text; write each item as words")
    text = value.strip()
    if "\x00" in text:
        raise InputError(where, NUL_PROBLEM)
    if "\n" in text or "\r" in text:
        raise InputError(where, "an item is one line; put each on a line of its own")
    if len(text) > LONGEST:
        raise InputError(where, f"{len(text)} characters; at most {LONGEST} an item")
    return text


def _items(values: Any, where: str) -> list[Any]:
    if values is None:
        return []
    if not isinstance(values, list):
        raise InputError(where, "a list of items")
    if len(values) > MOST_ITEMS:
        raise InputError(where, f"{len(values)} items; at most {MOST_ITEMS}")
    return values


def plan_from_document(document: Mapping[str, Any]) -> CopingPlan:
    """From the API's and the journal's shape; each problem named by its field."""
    unknown = set(document) - {*LISTS, "people"}
    if unknown:
        raise InputError(
            sorted(unknown)[0], "not a field; the fields are warning_signs, what_helps, people "
            "and reasons",
        )  # fmt: skip
    lists = {
        key: tuple(
            t for n, v in enumerate(_items(document.get(key), key))
            if (t := _text(v, f"{key}[{n}]"))
        )
        for key in LISTS
    }  # fmt: skip
    people = []
    for n, entry in enumerate(_items(document.get("people"), "people")):
        if not isinstance(entry, Mapping) or set(entry) - {"name", "phone"}:
            raise InputError(f"people[{n}]", 'each person is {"name": ..., "phone": ...}')
        name = _text(entry.get("name", ""), f"people[{n}].name")
        phone = _text(entry.get("phone", ""), f"people[{n}].phone")
        if not name:
            raise InputError(f"people[{n}].name", "give the person's name")
        if not PHONE.match(phone):
            raise InputError(
                f"people[{n}].phone", f"{phone!r} is not a phone number; digits, spaces, "
                "+ ( ) - . /, such as +49 30 1234567",
            )  # fmt: skip
        people.append(Person(name, phone))
    return CopingPlan(people=tuple(people), **lists)


def plan_from_text(text: str) -> CopingPlan:
    """From `as_text`'s shape: what the person typed in their editor."""
    by_heading = {heading.lower(): key for key, heading in HEADINGS.items()}
    found: dict[str, list[Any]] = {key: [] for key in HEADINGS}
    section = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            section = by_heading.get(line.lstrip("#").strip().lower())
            if section is None:
                raise InputError(
                    f"line {number}", f"{line!r} is not a heading; the headings are "
                    + ", ".join(f"'# {h}'" for h in HEADINGS.values()),
                )  # fmt: skip
            continue
        if section is None:
            raise InputError(f"line {number}", "put each item under a heading such as "
                             "'# What helps me'")  # fmt: skip
        if section == "people":
            name, bar, phone = line.partition("|")
            if not bar:
                raise InputError(f"line {number}", "a person is 'name | phone'")
            found["people"].append({"name": name.strip(), "phone": phone.strip()})
        else:
            found[section].append(line)
    return plan_from_document(found)
