"""The check-in schedule between a local journal and its clinic.

The clinic's schedule comes here: the version in force there is copied once (by its uid), with
who set it, so that `schedule show` and `due` follow it and say it is the clinic's. A schedule
the person sets here goes up; where the clinic's care team sets schedules the clinic refuses it
and changes nothing, and then the clinic's is put back in force here (the person's own stays
in the history of versions), as a clinician's plan is never rewritten through a sync.

What the clinic answered for each version is kept as a SyncedRecord of kind "schedule": the
digest field holds "added", "same", "refused" or "clinic" (a version that came from there), so
a version is sent once.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction

from kratomlog.checkins import schedules
from kratomlog.checkins.models import ScheduleVersion
from kratomlog.core.days import local_day, zone
from kratomlog.core.schedule import items_from_list
from kratomlog.journal.models import Person
from kratomlog.sync.client import Clinic, ClinicRefused
from kratomlog.sync.models import SyncedRecord

KIND = "schedule"
FROM_CLINIC = "clinic"
REFUSED = "refused"
CARE_TEAM = "your care team"  # the author of an empty schedule put back: the clinic has none


@dataclass
class ScheduleSynced:
    sent: int = 0  # own versions the clinic took
    brought: str | None = None  # who set the clinic's schedule copied here
    refused: str | None = None  # the clinic's words, when it refused the person's own


def own_unsent(person: Person) -> list[ScheduleVersion]:
    """The person's own versions (no author: set here) the clinic has not answered for."""
    answered = set(SyncedRecord.objects.filter(kind=KIND).values_list("uid", flat=True))
    own = person.schedule_versions.filter(set_by="").order_by("set_at", "id")
    return [version for version in own if str(version.uid) not in answered]


def _answered(uid: str, outcome: str) -> None:
    SyncedRecord.objects.update_or_create(kind=KIND, uid=uid, defaults={"digest": outcome})


def sync(person: Person, clinic: Clinic, now: datetime) -> ScheduleSynced:
    done = ScheduleSynced()
    state: dict[str, Any] | None = None
    try:
        for version in own_unsent(person):
            body = {"uid": str(version.uid), "items": version.items,
                    "set_at": version.set_at.isoformat()}  # fmt: skip
            state = clinic.call("PUT", "/me/sync/schedule", body)
            _answered(str(version.uid), state["outcome"])
            if state["outcome"] == REFUSED:
                done.refused = str(state.get("detail") or "the clinic does not take it")
            elif state["outcome"] == "added":
                done.sent += 1
        if state is None:
            state = clinic.call("GET", "/me/sync/schedule")
    except ClinicRefused as refused:
        if refused.status == 404:  # a clinic from before schedules travelled: nothing to do
            return done
        raise
    _bring(person, state.get("schedule"), now, done)
    return done


@transaction.atomic
def _bring(person: Person, theirs: dict[str, Any] | None, now: datetime,
           done: ScheduleSynced) -> None:  # fmt: skip
    """Copy the clinic's version in force; if the person's own is in force here and the clinic
    refused it, put the clinic's back in force (made now, so that it is the newest)."""
    newest = schedules.newest(person)
    own_refused = (
        newest is not None
        and SyncedRecord.objects.filter(kind=KIND, uid=str(newest.uid), digest=REFUSED).exists()
    )
    held = theirs is not None and ScheduleVersion.objects.filter(uid=theirs["uid"]).exists()
    if theirs is not None and not held:
        set_at = datetime.fromisoformat(str(theirs["set_at"]))
        made = _copy(person, theirs, theirs["uid"], max(set_at, now) if own_refused else set_at,
                     now)  # fmt: skip
        done.brought = made.set_by or "you, at the clinic"
    elif own_refused:
        # The clinic's is already here, older than the refused one, or the clinic has none.
        chosen = theirs or {"items": [], "set_by": CARE_TEAM}
        made = _copy(person, chosen, str(uuid.uuid4()), now, now)
        done.brought = made.set_by or "you, at the clinic"


def _copy(person: Person, theirs: dict[str, Any], uid: str, set_at: datetime,
          now: datetime) -> ScheduleVersion:  # fmt: skip
    # Read as the journal reads its own (a clinic's item that does not read here is refused).
    items = items_from_list(theirs["items"], local_day(now, zone(person.timezone)))
    made = ScheduleVersion.objects.create(
        person=person, uid=uid, items=[item.as_dict() for item in items], set_at=set_at,
        set_by=str(theirs.get("set_by") or "")[:200],
    )  # fmt: skip
    _answered(uid, FROM_CLINIC)
    return made
