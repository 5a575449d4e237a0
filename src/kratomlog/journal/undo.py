"""Undo: the latest change made in this journal reversed exactly, what it replaced restored.

Changes that a JSON import brought from another journal are that journal's history: they are
kept and shown, never undone here (undoing the import removes them with the rest of it).
"""

from datetime import datetime

from django.db import transaction

from kratomlog.core.errors import InputError
from kratomlog.journal.models import Change, Entry, Person
from kratomlog.journal.snapshots import restore


@transaction.atomic
def undo_latest(*, person: Person, now: datetime) -> str:
    """Reverse the latest change not yet undone; the undo itself is kept in the history."""
    change = (
        person.changes.select_for_update()
        .filter(undone=False, restored_by__isnull=True)
        .exclude(action="undo")
        .order_by("-at", "-id")
        .first()
    )
    if change is None:
        raise InputError("undo", "there is nothing to undo")
    after = change.after or {}
    if change.action == "log":
        change.entry.deleted = True
        change.entry.save(update_fields=["deleted"])
    elif change.action in ("edit", "delete"):
        restore(change.entry, change.before)
        change.entry.save()
    elif change.action == "import":
        # An import is reversed whole: the entries it updated as they were, its rows gone, so
        # the same file can be imported again.
        from kratomlog.journal.lossless import unrestore

        _undo_updates(person, after.get("updated", []))
        Entry.objects.filter(imported_by=change).delete()
        unrestore(change)
    elif change.action == "checkin":
        from kratomlog.checkins.services import undo_record

        undo_record(after["model"], after["uid"], after.get("replaced", []))
    elif change.action == "plan":
        from kratomlog.plans.models import PlanVersion

        PlanVersion.objects.filter(uid=after["plan_version"]).update(withdrawn=True)
    change.undone = True
    change.save(update_fields=["undone"])
    summary = f"undid: {change.summary}"
    Change.objects.create(person=person, at=now, action="undo", summary=summary[:500])
    return summary


def _undo_updates(person: Person, uids: list[str]) -> None:
    """The edits an import made to entries their app had changed, latest first."""
    edits = person.changes.filter(uid__in=uids, undone=False).select_related("entry")
    for edit in edits.order_by("-id"):
        if edit.entry is not None:
            restore(edit.entry, edit.before)
            edit.entry.save()
        edit.undone = True
        edit.save(update_fields=["undone"])
