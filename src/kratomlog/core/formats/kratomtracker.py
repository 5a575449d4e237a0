"""KratomTracker exports (../shared/FORMATS.md): its JSON backup, a bare list of dosages, or CSV.

Amounts are grams; each named strain becomes a product of the same name. A dosage keeps its
identity across exports: its `id` in the backup. The CSV carries no id, so its rows are known
by time and grams: a backup and the CSV of the same doses add nothing twice. The app writes
local times without an offset (Dart's toIso8601String); they are read in the journal's zone.
A local time the clocks pass twice (01:30 on the night they go back) cannot say which it was:
the first is taken, and the summary says so, rather than refusing the whole file.
"""

import csv
import io
import math
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from kratomlog.core.amounts import parse_number
from kratomlog.core.bounds import MAX_GRAMS, check_amount
from kratomlog.core.errors import InputError
from kratomlog.core.formats import ImportRejected, ImportRow, Reading, RowError
from kratomlog.core.formats.journal_csv import NAIVE_TIMES, checked_time
from kratomlog.core.formats.json_file import broken_characters, read_json
from kratomlog.core.formats.keys import KeyMaker
from kratomlog.core.when import local_moment

CSV_HEADER = ("date", "time", "iso_timestamp", "strain_code", "strain_name", "amount_g", "notes")
FOLDED = (
    "{count} at {shown} read as the first of two: the clocks go back in {zone} and pass that "
    "local time twice, and KratomTracker writes no offset; check {them} in your history."
)
NO_STRAIN = ("unknown strain", "unknown", "none")  # what the app writes for a dose without one
EFFECTS = (("mood", "mood"), ("energy", "energy"), ("painRelief", "pain relief"),
           ("anxiety", "anxiety"), ("focus", "focus"))  # fmt: skip


def read_kratomtracker(text: str, tz: ZoneInfo, now: datetime) -> Reading:
    text = text.lstrip("\ufeff")
    if text.lstrip()[:1] in ("{", "["):
        return _read_json(text, tz, now)
    return _read_csv(text, tz, now)


def _read_json(text: str, tz: ZoneInfo, now: datetime) -> Reading:
    document, halves = read_json(text)
    dosages = document if isinstance(document, list) else document.get("dosages")
    if not isinstance(dosages, list):
        raise ImportRejected([RowError(0, "dosages", "missing; not a KratomTracker backup")])
    backup = document if isinstance(document, dict) else {}
    strains = {
        strain.get("id"): strain
        for strain in backup.get("strains") or []
        if isinstance(strain, dict)
    }
    effects = {
        effect.get("dosageId"): effect
        for effect in backup.get("effects") or []
        if isinstance(effect, dict)
    }
    reading, errors, keys = Reading(), [], KeyMaker("kt")
    twice: list[str] = []
    for number, dosage in enumerate(dosages, start=1):
        where = f"dosage {number}"
        if not isinstance(dosage, dict):
            errors.append(RowError(number, "dosage", f"{dosage!r:.40} is not a dosage", where))
            continue
        try:
            strain = strains.get(dosage.get("strainId")) or {}
            effect = _effects(effects.get(dosage.get("id")))
            notes = [str(dosage.get("notes") or "").strip(), effect]
            row, naive, folded = _row(
                number,
                where,
                dosage.get("timestamp"),
                _grams_of(dosage.get("amount")),
                strain.get("name"),
                "; ".join(note for note in notes if note),
                tz,
                now,
                f"kt:{dosage['id']}" if dosage.get("id") else keys.key(
                    [dosage.get("timestamp"), dosage.get("amount")]
                ),
                "timestamp",
            )
        except InputError as error:
            errors.append(RowError(number, error.field, error.problem, where))
            continue
        reading.rows.append(row)
        if naive:
            reading.said.append(NAIVE_TIMES.format(zone=tz.key))
        if folded:
            twice.append(folded)
    if errors:
        raise ImportRejected(errors)
    _say_folded(reading, twice, tz)
    limit = (backup.get("settings") or {}).get("dailyLimit")
    if isinstance(limit, int | float) and not isinstance(limit, bool) and 0 < limit < 1000:
        command = (
            "printf 'name = \"daily limit\"\\n[[rule]]\\nkind = \"max_grams_per_day\"\\n"
            f"max_grams = {limit:g}\\n' > daily-limit.toml && kratomlog plan set daily-limit.toml"
        )
        reading.said.append(
            f"KratomTracker had a daily limit of {limit:g} g; nothing is set without you. To "
            f"keep it as a plan here: {command}"
        )
    if halves:
        reading.said.append(broken_characters(halves))
    reading.said = list(dict.fromkeys(reading.said))
    return reading


def _effects(effect: dict[str, Any] | None) -> str:
    """The older app's effects of a dose (1-5 scales), in the dose's note."""
    if not effect:
        return ""
    rated = [
        f"{label} {effect[key]}/5"
        for key, label in EFFECTS
        if isinstance(effect.get(key), int) and not isinstance(effect.get(key), bool)
    ]
    told = [f"effects: {', '.join(rated)}"] if rated else []
    if effect.get("notes"):
        told.append(f"effect notes: {str(effect['notes']).strip()}")
    if isinstance(effect.get("duration"), int):
        told.append(f"lasted {effect['duration']} min")
    return "; ".join(told)


def _grams_of(amount: Any) -> Any:
    if isinstance(amount, bool) or not isinstance(amount, int | float | str):
        raise InputError("amount", f"{amount!r:.40} is not a number of grams")
    return amount


def _read_csv(text: str, tz: ZoneInfo, now: datetime) -> Reading:
    lines = csv.reader(io.StringIO(text, newline=""))
    header = [name.strip() for name in next(lines, [])]
    missing = [name for name in ("iso_timestamp", "amount_g") if name not in header]
    if missing:
        raise ImportRejected(
            [
                RowError(
                    0,
                    "header",
                    f"missing column {missing[0]!r}; expected {','.join(CSV_HEADER)}",
                    "line 1",
                )
            ]
        )
    reading, errors, keys = Reading(), [], KeyMaker("kt-csv")
    twice: list[str] = []
    number, line = 0, 1
    for cells in lines:
        first_line, line = line + 1, lines.line_num
        if not any(cell.strip() for cell in cells):
            continue
        number += 1
        record = dict(zip(header, cells, strict=False))
        where = f"line {first_line}"
        try:
            row, naive, folded = _row(
                number,
                where,
                record.get("iso_timestamp"),
                record.get("amount_g"),
                record.get("strain_name"),
                str(record.get("notes") or "").strip(),
                tz,
                now,
                keys.key([record.get("iso_timestamp"), record.get("amount_g")]),
                "iso_timestamp",
            )
        except InputError as error:
            errors.append(RowError(number, error.field, error.problem, where))
            continue
        reading.rows.append(row)
        if naive:
            reading.said.append(NAIVE_TIMES.format(zone=tz.key))
        if folded:
            twice.append(folded)
    if errors:
        raise ImportRejected(errors)
    _say_folded(reading, twice, tz)
    reading.said = list(dict.fromkeys(reading.said))
    return reading


def _say_folded(reading: Reading, twice: list[str], tz: ZoneInfo) -> None:
    if not twice:
        return
    count = f"{len(twice)} dose{'s' if len(twice) > 1 else ''}"
    shown = ", ".join(dict.fromkeys(twice))
    them = "them" if len(twice) > 1 else "it"
    reading.said.append(FOLDED.format(count=count, zone=tz.key, shown=shown, them=them))


def _first_reading(naive: datetime, tz: ZoneInfo, column: str) -> tuple[datetime, str]:
    """The moment of a local time, and the time as shown when the clocks pass it twice (the
    first of the two is taken); a time the clocks skip is still refused by local_moment."""
    early, late = naive.replace(tzinfo=tz, fold=0), naive.replace(tzinfo=tz, fold=1)
    if early.utcoffset() == late.utcoffset():
        return early, ""
    if early.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
        return local_moment(naive, tz, column), ""  # skipped: refused, naming both readings
    return early.astimezone(UTC), naive.strftime("%Y-%m-%d %H:%M")


def _row(
    number: int,
    where: str,
    timestamp: Any,
    amount: Any,
    strain: Any,
    note: str,
    tz: ZoneInfo,
    now: datetime,
    key: str,
    time_column: str,
) -> tuple[ImportRow, bool, str]:
    """The dose, whether its time had no offset (read in the journal's zone), and that time as
    shown if the clocks pass it twice (the first reading taken)."""
    try:
        moment = datetime.fromisoformat(str(timestamp).strip())
    except ValueError:
        raise InputError(time_column, f"{timestamp!r:.40} is not an ISO 8601 time") from None
    naive, folded = moment.tzinfo is None, ""
    if naive:
        moment, folded = _first_reading(moment, tz, time_column)
    moment = checked_time(moment, now, time_column)
    column = "amount" if time_column == "timestamp" else "amount_g"
    if isinstance(amount, int | float):
        grams = float(amount)
        if not math.isfinite(grams):
            raise InputError(column, f"{amount!r} is not a number of grams")
    else:
        grams = parse_number(str(amount or ""), column)
    if not grams > 0:
        raise InputError(column, f"{amount!r} is not above zero")
    check_amount(grams, column, most=MAX_GRAMS)
    name = str(strain).strip() if isinstance(strain, str) else ""
    if name.lower() in NO_STRAIN:
        name = ""
    return ImportRow(
        row=number,
        where=where,
        taken_at=moment,
        substance="kratom",
        name="kratom",
        source_key=key,
        amount=grams,
        unit="g",
        grams=grams,
        form="powder",
        product=name or None,  # a strain without a name makes no "Unknown strain" product
        note=note,
    ), naive, folded
