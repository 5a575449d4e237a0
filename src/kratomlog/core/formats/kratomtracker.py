"""KratomTracker exports (../shared/FORMATS.md): its JSON backup, a bare list of dosages, or CSV.

Amounts are grams; each strain becomes a product of the same name.
"""

import csv
import io
import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from kratomlog.core.errors import InputError
from kratomlog.core.formats import ImportRejected, ImportRow, RowError
from kratomlog.core.formats.journal_csv import checked_time
from kratomlog.core.formats.keys import KeyMaker

CSV_HEADER = ("date", "time", "iso_timestamp", "strain_code", "strain_name", "amount_g", "notes")


def read_kratomtracker(text: str, tz: ZoneInfo, now: datetime) -> list[ImportRow]:
    text = text.lstrip("\ufeff")
    if text.lstrip()[:1] in ("{", "["):
        return _read_json(text, tz, now)
    return _read_csv(text, tz, now)


def _read_json(text: str, tz: ZoneInfo, now: datetime) -> list[ImportRow]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportRejected([RowError(0, "file", f"not JSON ({error})")]) from None
    dosages = document if isinstance(document, list) else document.get("dosages")
    if not isinstance(dosages, list):
        raise ImportRejected([RowError(0, "dosages", "missing; not a KratomTracker backup")])
    strains = (
        {}
        if isinstance(document, list)
        else {strain.get("id"): strain for strain in document.get("strains") or []}
    )
    keys = KeyMaker("kt")
    rows, errors = [], []
    for number, dosage in enumerate(dosages, start=1):
        try:
            strain = strains.get(dosage.get("strainId")) or {}
            rows.append(
                _row(
                    number,
                    dosage.get("timestamp"),
                    dosage.get("amount"),
                    strain.get("name"),
                    dosage.get("notes"),
                    tz,
                    now,
                    keys.key([dosage.get("id"), dosage.get("timestamp"), dosage.get("amount")]),
                    "timestamp",
                    "amount",
                )
            )
        except InputError as error:
            errors.append(RowError(number, error.field, error.problem))
    if errors:
        raise ImportRejected(errors)
    return rows


def _read_csv(text: str, tz: ZoneInfo, now: datetime) -> list[ImportRow]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [
        name for name in ("iso_timestamp", "amount_g") if name not in (reader.fieldnames or [])
    ]
    if missing:
        raise ImportRejected(
            [
                RowError(
                    0, "header", f"missing column {missing[0]!r}; expected {','.join(CSV_HEADER)}"
                )
            ]
        )
    keys = KeyMaker("kt")
    rows, errors = [], []
    for number, record in enumerate(reader, start=1):
        try:
            rows.append(
                _row(
                    number,
                    record.get("iso_timestamp"),
                    record.get("amount_g"),
                    record.get("strain_name"),
                    record.get("notes"),
                    tz,
                    now,
                    keys.key(
                        [
                            record.get("iso_timestamp"),
                            record.get("strain_code"),
                            record.get("amount_g"),
                        ]
                    ),
                    "iso_timestamp",
                    "amount_g",
                )
            )
        except InputError as error:
            errors.append(RowError(number, error.field, error.problem))
    if errors:
        raise ImportRejected(errors)
    return rows


def _row(
    number: int,
    timestamp: Any,
    amount: Any,
    strain: Any,
    notes: Any,
    tz: ZoneInfo,
    now: datetime,
    key: str,
    time_column: str,
    amount_column: str,
) -> ImportRow:
    try:
        moment = datetime.fromisoformat(str(timestamp).strip())
    except ValueError:
        raise InputError(time_column, f"{timestamp!r} is not an ISO 8601 time") from None
    moment = checked_time(moment if moment.tzinfo else moment.replace(tzinfo=tz), now, time_column)
    try:
        grams = float(str(amount).strip())
    except ValueError:
        raise InputError(amount_column, f"{amount!r} is not a number of grams") from None
    if not grams > 0:
        raise InputError(amount_column, f"{amount!r} is not above zero")
    return ImportRow(
        row=number,
        taken_at=moment,
        substance="kratom",
        name="kratom",
        source_key=key,
        amount=grams,
        unit="g",
        grams=grams,
        form="powder",
        product=str(strain).strip() if strain else None,
        note=str(notes or "").strip(),
    )
