"""Which rows of a file the journal already holds, which update an entry, which are new.

A row is the entry of the same identity (the source app's id for it) when there is one: the
same content is already there, other content is an edit made in that app since, and updates the
entry (its earlier version kept in the history). A row without such an entry is still already
there when an entry holds the same dose at the same second: the same doses exported again
in another of the app's formats (a KratomTracker CSV after its backup), by another of its
versions (iOS after Android), or kratomlog's own CSV export imported back.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from kratomlog.core.formats import ImportRow
from kratomlog.journal.models import Entry, Person

Fingerprint = tuple[str, str, str, float]


@dataclass
class Matched:
    fresh: list[ImportRow] = field(default_factory=list)
    updates: list[tuple[Entry, ImportRow]] = field(default_factory=list)
    already_there: int = 0


def _second(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def _fingerprint(
    taken_at: datetime, substance: str, name: str, grams: float | None, amount: float | None
) -> Fingerprint:
    quantity = grams if substance == "kratom" else amount
    return (_second(taken_at), substance, name.lower(), round(quantity or 0.0, 3))


def fingerprint_of_row(row: ImportRow) -> Fingerprint:
    return _fingerprint(row.taken_at, row.substance, row.name, row.grams, row.amount)


def same_content(entry: Entry, row: ImportRow) -> bool:
    return (
        _fingerprint(entry.taken_at, entry.substance, entry.name, entry.grams, entry.amount)
        == fingerprint_of_row(row)
        and (entry.note or "") == row.note
    )


def match(person: Person, rows: Iterable[ImportRow]) -> Matched:
    """Deleted entries count as there: a dose deleted here is not brought back by an import."""
    by_key = {
        entry.source_key: entry
        for entry in person.entries.filter(source_key__isnull=False).select_related("product")
    }
    held = Counter(
        _fingerprint(*values)
        for values in person.entries.filter(deleted=False).values_list(
            "taken_at", "substance", "name", "grams", "amount"
        )
    )
    found = Matched()
    for row in rows:
        entry = by_key.get(row.source_key)
        if entry is not None:
            if entry.deleted or same_content(entry, row):
                found.already_there += 1
            else:
                found.updates.append((entry, row))
            continue
        print_ = fingerprint_of_row(row)
        if held[print_] > 0:
            held[print_] -= 1
            found.already_there += 1
            continue
        found.fresh.append(row)
    return found
