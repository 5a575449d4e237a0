"""Check-ins in the journal's exports: whole in the JSON export, one long CSV a kind."""

import csv
import io
from datetime import date, datetime
from typing import Any

from kratomlog.checkins.models import Activity, CheckIn, SleepDiary
from kratomlog.checkins.services import night_of
from kratomlog.core.days import zone
from kratomlog.core.instruments import INSTRUMENTS, instrument, score
from kratomlog.journal.models import Person

CHECKIN_FIELDS = (
    "instrument",
    "timezone",
    "answers",
    "total",
    "band",
    "self_harm",
    "note",
    "deleted",
)
SLEEP_FIELDS = (
    "timezone",
    "sol_minutes",
    "awakenings",
    "waso_minutes",
    "quality",
    "note",
    "deleted",
)
SLEEP_TIMES = ("into_bed", "tried_to_sleep", "final_awakening", "out_of_bed")
ACTIVITY_FIELDS = ("kind", "timezone", "minutes", "note", "deleted")


def export_checkins(person: Person) -> dict[str, Any]:
    return {
        "crisis_resources": person.crisis_resources,
        "checkins": [
            {
                "uid": str(c.uid),
                "taken_at": c.taken_at.isoformat(),
                "local_day": c.local_day.isoformat(),
                **{name: getattr(c, name) for name in CHECKIN_FIELDS},
            }
            for c in person.checkins.order_by("taken_at", "uid")
        ],
        "sleep": [
            {
                "uid": str(d.uid),
                "night": d.night.isoformat(),
                **{name: getattr(d, name).isoformat() for name in SLEEP_TIMES},
                **{name: getattr(d, name) for name in SLEEP_FIELDS},
            }
            for d in person.sleep_diaries.order_by("night", "uid")
        ],
        "activities": [
            {
                "uid": str(a.uid),
                "taken_at": a.taken_at.isoformat(),
                "local_day": a.local_day.isoformat(),
                **{name: getattr(a, name) for name in ACTIVITY_FIELDS},
            }
            for a in person.activities.order_by("taken_at", "uid")
        ],
    }


def restore_checkins(person: Person, document: dict[str, Any]) -> None:
    """Add the check-ins of an export that the journal lacks (by uid)."""
    if document.get("crisis_resources") and not person.crisis_resources:
        person.crisis_resources = document["crisis_resources"]
        person.save(update_fields=["crisis_resources"])
    for data in document.get("checkins", []):
        score(instrument(data["instrument"]), data["answers"])  # damaged answers reject the file
    for model, key, fields, times, days in (
        (CheckIn, "checkins", CHECKIN_FIELDS, ("taken_at",), ("local_day",)),
        (SleepDiary, "sleep", SLEEP_FIELDS, SLEEP_TIMES, ("night",)),
        (Activity, "activities", ACTIVITY_FIELDS, ("taken_at",), ("local_day",)),
    ):
        known = {
            str(uid) for uid in model.objects.filter(person=person).values_list("uid", flat=True)
        }
        for data in document.get(key, []):
            if data["uid"] not in known:
                model.objects.create(
                    person=person,
                    uid=data["uid"],
                    **{name: datetime.fromisoformat(data[name]) for name in times},
                    **{name: date.fromisoformat(data[name]) for name in days},
                    **{name: data[name] for name in fields},
                )


def export_checkins_csv(person: Person) -> dict[str, str]:
    """One long-format CSV a kind of check-in: a row an answer (or a measure, for sleep)."""
    files = {}
    for key, chosen in INSTRUMENTS.items():
        rows = []
        for c in person.checkins.filter(instrument=key, deleted=False).order_by("taken_at"):
            local = c.taken_at.astimezone(zone(c.timezone)).isoformat()
            rows += [
                [local, key, str(n), chosen.items[n - 1], str(a)]
                for n, a in enumerate(c.answers, 1)
            ]
            rows.append([local, key, "total", c.band, str(c.total)])
        files[key] = _csv(["time", "instrument", "item", "question", "answer"], rows)
    rows = []
    for diary in person.sleep_diaries.filter(deleted=False).order_by("night"):
        for measure, value in night_of(diary).metrics().items():
            rows.append([diary.night.isoformat(), measure, str(value)])
    files["sleep"] = _csv(["night", "measure", "value"], rows)
    files["activities"] = _csv(
        ["time", "activity", "minutes", "note"],
        [
            [
                a.taken_at.astimezone(zone(a.timezone)).isoformat(),
                a.kind,
                "" if a.minutes is None else str(a.minutes),
                a.note,
            ]
            for a in person.activities.filter(deleted=False).order_by("taken_at")
        ],
    )
    return files


def _csv(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()
