"""Which rows of a file the journal already holds, which update an entry, which are new.

A row is the entry of the same identity (the source app's id for it) when there is one. The
entry remembers the row as the app last gave it (its digest): a row the app has not changed
since is already there, whatever the person has changed in the entry here; a row the app has
changed is an edit made in that app since, and updates the entry (its earlier version kept in
the history), even over an edit made here: the later edit wins, and the summary says so.
Entries imported before digests were kept are compared by content instead.

A row without such an entry is still already there when an entry holds the same dose at the
same second: the same doses exported again in another of the app's formats (a KratomTracker CSV
after its backup), by another of its versions (iOS after Android), or kratomlog's own CSV
export imported back.
"""

import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kratomlog.core.formats import ImportRow
from kratomlog.journal.models import Change, Entry, Person

Fingerprint = tuple[int, str, str, float]


@dataclass(frozen=True)
class Update:
    entry: Entry
    row: ImportRow
    edited_here: bool  # the person changed the entry since the last import; the app's row wins


@dataclass
class Matched:
    fresh: list[ImportRow] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)
    already_there: int = 0
    # Entries imported before digests were kept, the same as their row: the digest to remember.
    unstamped: list[tuple[Entry, str]] = field(default_factory=list)


def _second(moment: datetime) -> int:
    """The whole second it happened (iOS cuts times to whole seconds), as seconds since 1970."""
    return int(moment.timestamp())


def _fingerprint(
    taken_at: datetime, substance: str, name: str, grams: float | None, amount: float | None
) -> Fingerprint:
    quantity = grams if substance == "kratom" else amount
    return (_second(taken_at), substance, name.lower(), round(quantity or 0.0, 3))


def fingerprint_of_row(row: ImportRow) -> Fingerprint:
    return _fingerprint(row.taken_at, row.substance, row.name, row.grams, row.amount)


def _entry_fingerprint(entry: Entry) -> Fingerprint:
    return _fingerprint(entry.taken_at, entry.substance, entry.name, entry.grams, entry.amount)


def same_content(entry: Entry, row: ImportRow) -> bool:
    return _entry_fingerprint(entry) == fingerprint_of_row(row) and (entry.note or "") == row.note


def _digest(print_: Fingerprint, note: str) -> str:
    """What same_content compares, as 16 hex digits: short enough to keep on every entry, and
    it is only ever compared with the one entry of the row's identity. The text hashed is the
    tuple's repr (of strings and a float: the same in every Python since 3.1), a tenth of the
    cost of JSON on a 100,000-row import."""
    return hashlib.sha256(repr((*print_, note)).encode("utf-8")).hexdigest()[:16]


def digest_of_row(row: ImportRow) -> str:
    return _digest(fingerprint_of_row(row), row.note)


def digest_of_entry(entry: Entry) -> str:
    """The digest its row would have; not its stored one once it is edited here."""
    return _digest(_entry_fingerprint(entry), entry.note or "")


def match(person: Person, rows: Iterable[ImportRow]) -> Matched:
    """Deleted entries count as there: a dose deleted here is not brought back by an import."""
    by_key = {
        entry.source_key: entry
        for entry in person.entries.filter(source_key__isnull=False).select_related("product")
    }
    now_held = {
        entry_id: _fingerprint(*values)
        for entry_id, *values in person.entries.filter(deleted=False).values_list(
            "id", "taken_at", "substance", "name", "grams", "amount"
        )
    }
    held = Counter(now_held.values())
    held.update(_as_imported_before_edits_here(person, now_held))
    found = Matched()
    for row in rows:
        entry = by_key.get(row.source_key)
        if entry is not None:
            _match_known(entry, row, found)
            continue
        print_ = fingerprint_of_row(row)
        if held[print_] > 0:
            held[print_] -= 1
            found.already_there += 1
            continue
        found.fresh.append(row)
    return found


def _match_known(entry: Entry, row: ImportRow, found: Matched) -> None:
    """A row whose entry is already here: already there unless the app has changed it."""
    digest = digest_of_row(row)
    if entry.deleted or entry.source_digest == digest:
        found.already_there += 1
    elif entry.source_digest is None:  # imported before digests were kept
        if same_content(entry, row):
            found.already_there += 1
            found.unstamped.append((entry, digest))
        else:
            found.updates.append(Update(entry, row, edited_here=False))
    else:
        edited_here = digest_of_entry(entry) != entry.source_digest
        found.updates.append(Update(entry, row, edited_here))


def _as_imported_before_edits_here(
    person: Person, now_held: dict[int, Fingerprint]
) -> Iterator[Fingerprint]:
    """Imported entries the person has edited here since, as they were imported (the first
    version in their history): the same doses in another of the app's formats (its CSV after
    its backup) are the entries as the app gave them, not new ones beside the edit."""
    first_versions: dict[int, dict[str, Any]] = {}
    edits = (
        Change.objects.filter(
            person=person, action="edit", undone=False, before__isnull=False,
            entry__source_key__isnull=False, entry__deleted=False,
        )
        .order_by("at", "id")
        .values_list("entry_id", "before")
    )  # fmt: skip
    for entry_id, before in edits:
        first_versions.setdefault(entry_id, before)
    for entry_id, before in first_versions.items():
        try:
            imported = _fingerprint(
                datetime.fromisoformat(before["taken_at"]),
                before["substance"],
                before["name"],
                before["grams"],
                before["amount"],
            )
        except (KeyError, TypeError, ValueError):  # a version kept in an older shape: no match
            continue
        if imported != now_held.get(entry_id):  # an edit back to as it was counts once
            yield imported
