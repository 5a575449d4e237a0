"""Rows that update an entry: the entry as the app's row has it, its earlier version kept in
its history as an edit would be, and the row's digest remembered for the next import."""

import copy
from datetime import datetime
from zoneinfo import ZoneInfo

from kratomlog.core.days import zone
from kratomlog.core.formats import ImportRow
from kratomlog.core.revisions import changed
from kratomlog.journal.import_match import Update, digest_of_row
from kratomlog.journal.models import Change, Entry, Person
from kratomlog.journal.snapshots import snapshot


def update_entries(
    person: Person, updates: list[Update], file_name: str, now: datetime
) -> list[str]:
    """Each entry as its app has changed it since the last import, as an edit of its own in the
    entry's history: the uids of those edits, which undoing the import reverses (the earlier
    version back, digest included)."""
    tz = zone(person.timezone)
    edits = []
    for update in updates:
        before = snapshot(update.entry)
        take_row(update.entry, update.row, tz)
        update.entry.save()
        edit = Change.objects.create(
            person=person,
            at=now,
            action="edit",
            summary=f"updated from {file_name}"[:500],
            entry=update.entry,
            before=before,
            after=snapshot(update.entry),
        )
        edits.append(str(edit.uid))
    return edits


def take_row(entry: Entry, row: ImportRow, tz: ZoneInfo) -> None:
    """The entry as the row has it, in memory (the caller saves it)."""
    entry.amount, entry.unit, entry.grams = row.amount, row.unit, row.grams
    entry.elemental_mg, entry.compound = row.elemental_mg, row.compound
    entry.taken_at, entry.local_day = row.taken_at, row.taken_at.astimezone(tz).date()
    entry.note = row.note
    entry.source_digest = digest_of_row(row)


def edited_in_both(updates: list[Update], tz: ZoneInfo) -> list[tuple[int, str]]:
    """The entries the person had edited here that the app has changed since: each one's id,
    and how the app's row differs from the person's version, in words ("taken Fri 20 Nov
    08:00 (dosage 1): amount 2.5 g to 3.5 g"). Nothing is written."""
    return [_what_changed(update.entry, update.row, tz) for update in updates if update.edited_here]


def _what_changed(entry: Entry, row: ImportRow, tz: ZoneInfo) -> tuple[int, str]:
    theirs = copy.copy(entry)  # the entry itself is left as it is: a preview writes nothing
    take_row(theirs, row, tz)
    # A note can be pages long: that it changed is enough here; both are in the history.
    parts = [
        "note changed" if part.startswith("note ") else part
        for part in changed(snapshot(entry), snapshot(theirs), tz)
    ]
    taken = row.taken_at.astimezone(tz).strftime("%a %-d %b %H:%M")
    where = f"taken {taken} ({row.where or f'row {row.row}'})"
    return entry.id, f"{where}: {'; '.join(parts)}" if parts else where


def remember_digests(unstamped: list[tuple[Entry, str]]) -> None:
    """Entries imported before digests were kept, found as their app has them: from now on a
    re-import leaves an edit made to them here as it is. Their content is not changed, so this
    is no change for undo to reverse."""
    for entry, digest in unstamped:
        entry.source_digest = digest
    Entry.objects.bulk_update([entry for entry, _ in unstamped], ["source_digest"], batch_size=500)
