"""Check-ins in the journal's exports: whole in the JSON export, one long CSV a kind."""

import csv
import io
from datetime import datetime
from typing import Any

from kratomlog.checkins.services import live_nights, night_of
from kratomlog.core import bam
from kratomlog.core.bounds import MAX_MINUTES
from kratomlog.core.days import stored_local
from kratomlog.core.errors import InputError
from kratomlog.core.formats.cells import spreadsheet_safe
from kratomlog.core.instruments import INSTRUMENTS, instrument, score
from kratomlog.journal import document as doc
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


def read_checkins(document: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The check-ins, sleep diaries and activities of an export, every value checked."""
    from kratomlog.checkins.services import ACTIVITIES
    from kratomlog.core.sleep import MOST_AWAKENINGS

    latest = doc.latest_day(now)
    checkins = []
    for index, data in enumerate(doc.records(document, "checkins", required=False)):
        where = f"checkins[{index}]"
        key = doc.choice(data, "instrument", where, (*INSTRUMENTS, bam.KEY))
        answers = data.get("answers")
        try:  # damaged answers reject the file
            if key == bam.KEY:  # no total: its subscales are scored from the answers
                kept: list[Any] = bam.score(answers if isinstance(answers, list) else []).stored()
                total, band, self_harm = 0, "", False
            else:
                scored = score(instrument(key), answers if isinstance(answers, list) else [])
                kept, total = list(scored.answers), scored.total
                band, self_harm = scored.band or "", scored.self_harm
        except InputError as error:
            raise InputError(f"{where}.answers", error.problem) from None
        checkins.append(
            {
                "uid": doc.uid(data, "uid", where),
                "taken_at": doc.moment(data, "taken_at", where, now),
                "local_day": doc.day(data, "local_day", where, latest),
                "instrument": key,
                "timezone": doc.zone_name(data, "timezone", where),
                "answers": kept,
                "total": total,
                "band": band,
                "self_harm": self_harm,
                "note": doc.text(data, "note", where),
                "deleted": doc.flag(data, "deleted", where),
            }
        )
    sleep = []
    for index, data in enumerate(doc.records(document, "sleep", required=False)):
        where = f"sleep[{index}]"
        sleep.append(
            {
                "uid": doc.uid(data, "uid", where),
                "night": doc.day(data, "night", where, latest),
                **{name: doc.moment(data, name, where, now) for name in SLEEP_TIMES},
                "timezone": doc.zone_name(data, "timezone", where),
                "sol_minutes": doc.whole(data, "sol_minutes", where, 0, MAX_MINUTES),
                "awakenings": doc.whole(data, "awakenings", where, 0, MOST_AWAKENINGS),
                "waso_minutes": doc.whole(data, "waso_minutes", where, 0, MAX_MINUTES),
                "quality": doc.whole(data, "quality", where, 1, 5),
                "note": doc.text(data, "note", where),
                "deleted": doc.flag(data, "deleted", where),
            }
        )
    activities = []
    for index, data in enumerate(doc.records(document, "activities", required=False)):
        where = f"activities[{index}]"
        activities.append(
            {
                "uid": doc.uid(data, "uid", where),
                "taken_at": doc.moment(data, "taken_at", where, now),
                "local_day": doc.day(data, "local_day", where, latest),
                "kind": doc.choice(data, "kind", where, ACTIVITIES),
                "timezone": doc.zone_name(data, "timezone", where),
                "minutes": doc.whole(data, "minutes", where, 1, MAX_MINUTES, null=True),
                "note": doc.text(data, "note", where),
                "deleted": doc.flag(data, "deleted", where),
            }
        )
    for key, items in (("checkins", checkins), ("sleep", sleep), ("activities", activities)):
        doc.unique(items, key)
    return {"checkins": checkins, "sleep": sleep, "activities": activities}


def export_checkins_csv(person: Person) -> dict[str, str]:
    """One long-format CSV a kind of check-in: a row an answer (or a measure, for sleep)."""
    files = {}
    for key, chosen in INSTRUMENTS.items():
        rows = []
        for c in person.checkins.filter(instrument=key, deleted=False).order_by("taken_at"):
            local = stored_local(c.taken_at, c.timezone).isoformat()
            rows += [
                [local, key, str(n), chosen.items[n - 1], str(a)]
                for n, a in enumerate(c.answers, 1)
            ]
            rows.append([local, key, "total", c.band, str(c.total)])
        files[key] = _csv(["time", "instrument", "item", "question", "answer"], rows)
    files[bam.KEY] = _csv(["time", "instrument", "item", "question", "answer"], _bam_rows(person))
    rows = []
    for diary in live_nights(person).order_by("night"):
        for measure, value in night_of(diary).metrics().items():
            rows.append([diary.night.isoformat(), measure, str(value)])
    files["sleep"] = _csv(["night", "measure", "value"], rows)
    files["activities"] = _csv(
        ["time", "activity", "minutes", "note"],
        [
            [
                stored_local(a.taken_at, a.timezone).isoformat(),
                a.kind,
                "" if a.minutes is None else str(a.minutes),
                a.note,
            ]
            for a in person.activities.filter(deleted=False).order_by("taken_at")
        ],
    )
    return files


def _bam_rows(person: Person) -> list[list[str]]:
    """A row an item (item 7: the drugs joined by +), then a row a subscale; no total."""
    rows = []
    for c in person.checkins.filter(instrument=bam.KEY, deleted=False).order_by("taken_at"):
        local = stored_local(c.taken_at, c.timezone).isoformat()
        scored = bam.score(c.answers)
        for item, answer in zip(bam.ITEMS, scored.stored(), strict=True):
            shown = "+".join(answer) if isinstance(answer, list) else str(answer)
            rows.append([local, bam.KEY, str(item.number), item.text, shown])
        for key, value in scored.subscales.items():
            rows.append([local, bam.KEY, key, bam.SUBSCALE_NAMES[key], str(value)])
    return rows


def _csv(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([spreadsheet_safe(cell) for cell in row] for row in rows)
    return out.getvalue()
