"""Tea Taper exports (shamaevaway/stopkratom; ../shared/FORMATS.md): the app's state as JSON.

Its amounts are millilitres of kratom tea, so a dose in grams needs how many grams a
millilitre holds, which only the person knows: with it, each entry is a dose in grams; without
it, the use is kept (a use day, the amount in ml) with its grams unknown. A day's wellbeing
scores (0-10), triggers, helpers and note go with that day's first entry.
"""

import math
from datetime import datetime
from typing import Any

from kratomlog.core.errors import InputError
from kratomlog.core.formats import ImportRejected, ImportRow, Reading, RowError
from kratomlog.core.formats.journal_csv import checked_time
from kratomlog.core.formats.json_file import broken_characters, read_json

PRODUCT = "Tea Taper tea"
SCALES = (("craving", "craving"), ("withdrawal", "withdrawal"), ("anxiety", "anxiety"),
          ("mood", "mood"), ("sleepQuality", "sleep quality"), ("sleepHours", "sleep hours"),
          ("stress", "stress"), ("bodyPain", "body pain"))  # fmt: skip


def read_teataper(text: str, now: datetime, grams_per_ml: float | None) -> Reading:
    document, halves = read_json(text)
    days = document.get("days") if isinstance(document, dict) else None
    if not isinstance(days, dict):
        raise ImportRejected([RowError(0, "days", "missing; not a Tea Taper export")])
    reading, errors, number = Reading(), [], 0
    for day in sorted(days):
        record = days[day]
        if not isinstance(record, dict):
            errors.append(RowError(0, "day", "not a day's record", f"day {day}"))
            continue
        entries = record.get("entries") or []
        if not isinstance(entries, list):
            errors.append(RowError(0, "entries", "not a list", f"day {day}"))
            continue
        told = _day_notes(record)
        if not entries and told:
            reading.skipped.append((f"day {day}", "no tea recorded; its scores and note stay out"))
        for index, entry in enumerate(entries, start=1):
            where = f"day {day}, entry {index}"
            number += 1
            try:
                row = _row(number, where, entry, now, grams_per_ml, told)
            except InputError as error:
                errors.append(RowError(number, error.field, error.problem, where))
                continue
            if row is None:
                reading.skipped.append((where, "0 ml"))
                continue
            told = ""
            reading.rows.append(row)
    if errors:
        raise ImportRejected(errors)
    if reading.rows and grams_per_ml is None:
        reading.said.append(
            "the doses' grams are unknown (Tea Taper records millilitres of tea): each use is "
            "kept with its ml; import again with --grams-per-ml G to weigh them"
        )
    if halves:
        reading.said.append(broken_characters(halves))
    return reading


def _day_notes(record: dict[str, Any]) -> str:
    told = []
    metrics = record.get("metrics") or {}
    scored = [
        f"{label} {metrics[key]:g}/10"
        for key, label in SCALES
        if isinstance(metrics.get(key), int | float) and not isinstance(metrics.get(key), bool)
    ]
    if scored:
        told.append("that day: " + ", ".join(scored))
    for key, label in (("triggers", "triggers"), ("helpers", "helped")):
        values = [str(v) for v in record.get(key) or [] if isinstance(v, str)]
        if values:
            told.append(f"{label}: {', '.join(values)}")
    if isinstance(record.get("relapse"), dict) and record["relapse"].get("active"):
        told.append("marked as a relapse")
    if str(record.get("note") or "").strip():
        told.append(str(record["note"]).strip())
    return "; ".join(told)


def _row(
    number: int,
    where: str,
    entry: Any,
    now: datetime,
    grams_per_ml: float | None,
    day_notes: str,
) -> ImportRow | None:
    if not isinstance(entry, dict):
        raise InputError("entry", "not an entry")
    try:
        moment = datetime.fromisoformat(str(entry.get("ts")).replace("Z", "+00:00"))
    except ValueError:
        raise InputError("ts", f"{entry.get('ts')!r:.40} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise InputError("ts", f"{entry.get('ts')!r:.40} has no offset; Tea Taper writes UTC")
    moment = checked_time(moment, now, "ts")
    ml = entry.get("ml")
    if isinstance(ml, bool) or not isinstance(ml, int | float) or not math.isfinite(ml) or ml < 0:
        raise InputError("ml", f"{ml!r:.40} is not millilitres")
    if ml == 0:
        return None
    note = "; ".join(
        part for part in (str(entry.get("note") or "").strip(), f"{ml:g} ml of tea", day_notes)
        if part
    )  # fmt: skip
    grams = round(ml * grams_per_ml, 3) if grams_per_ml else None
    return ImportRow(
        row=number,
        where=where,
        taken_at=moment,
        substance="kratom",
        name="kratom",
        source_key=f"tt:{entry['id']}" if entry.get("id") else f"tt:{moment.isoformat()}:{ml}",
        amount=float(ml),
        unit="ml",
        grams=grams,
        form="tea",
        product=PRODUCT,
        note=note,
    )
