"""PsychonautWiki Journal exports (../shared/FORMATS.md): the owner's ingestions become entries.

Android leaves out keys that hold their default and iOS writes explicit nulls; both are read.
Ingestions with a `consumerName` were someone else's and are skipped.
"""

import json
from datetime import UTC, datetime
from typing import Any

from kratomlog.core.amounts import kratom_grams, magnesium_elemental_mg, parse_amount
from kratomlog.core.errors import InputError
from kratomlog.core.formats import ImportRejected, ImportRow, RowError
from kratomlog.core.formats.journal_csv import checked_time
from kratomlog.core.formats.keys import KeyMaker


def read_pwjournal(text: str, now: datetime) -> list[ImportRow]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportRejected([RowError(0, "file", f"not JSON ({error})")]) from None
    if not isinstance(document, dict) or not isinstance(document.get("experiences"), list):
        raise ImportRejected(
            [RowError(0, "experiences", "missing; this is not a PsychonautWiki Journal export")]
        )
    units = {
        unit.get("id"): unit for unit in document.get("customUnits") or [] if isinstance(unit, dict)
    }
    keys = KeyMaker("pwj")
    rows, errors = [], []
    number = 0
    for experience in document["experiences"]:
        for ingestion in (experience or {}).get("ingestions") or []:
            number += 1
            if ingestion.get("consumerName"):
                continue
            try:
                rows.append(_row(number, ingestion, experience, units, keys, now))
            except InputError as error:
                errors.append(RowError(number, error.field, error.problem))
    if errors:
        raise ImportRejected(errors)
    return rows


def _row(
    number: int,
    ingestion: dict[str, Any],
    experience: dict[str, Any],
    units: dict[Any, dict[str, Any]],
    keys: KeyMaker,
    now: datetime,
) -> ImportRow:
    taken_at = checked_time(_moment(ingestion.get("time"), "time"), now, "time")
    name = str(ingestion.get("substanceName") or "").strip()
    if not name:
        raise InputError("substanceName", "empty; each ingestion names its substance")
    dose, unit = _dose(ingestion, units)
    notes = [str(ingestion.get("notes") or "").strip()]
    route = ingestion.get("administrationRoute")
    if route and route != "ORAL":
        notes.append(f"route: {str(route).lower()}")
    if ingestion.get("isDoseAnEstimate"):
        notes.append("dose estimated")
    if dose is None:
        notes.append("dose unknown")
    title = str(experience.get("title") or "").strip()
    if title:
        notes.append(f"experience: {title}")
    common: dict[str, Any] = dict(
        row=number,
        taken_at=taken_at,
        note="; ".join(n for n in notes if n),
        source_key=keys.key(
            [ingestion.get("creationDate"), name, ingestion.get("time"), dose, unit]
        ),
    )
    lowered = name.lower()
    if lowered == "kratom":
        grams = None if dose is None else kratom_grams(_amount(dose, unit, "units"))
        return ImportRow(
            substance="kratom",
            name="kratom",
            amount=dose,
            unit=unit or "g",
            grams=grams,
            form="other" if route and route != "ORAL" else "powder",
            **common,
        )
    if lowered == "magnesium" and dose is not None:
        elemental = magnesium_elemental_mg(_amount(dose, unit, "units"), "elemental")
        return ImportRow(
            substance="magnesium",
            name="magnesium",
            amount=dose,
            unit=unit,
            elemental_mg=elemental,
            compound="elemental",
            **common,
        )
    return ImportRow(
        substance="other", name=name, amount=dose, unit=unit or "", category="other", **common
    )


def _dose(ingestion: dict[str, Any], units: dict[Any, dict[str, Any]]) -> tuple[float | None, str]:
    """The dose and its unit; a custom unit counts `dose` units of `unit.dose` `originalUnit`."""
    dose = ingestion.get("dose")
    if dose is not None and (
        isinstance(dose, bool) or not isinstance(dose, int | float) or dose < 0
    ):
        raise InputError("dose", f"{dose!r} is not a dose; a number or null")
    custom_id = ingestion.get("customUnitId")
    if custom_id is None:
        return (float(dose) if dose is not None else None), str(ingestion.get("units") or "")
    unit = units.get(custom_id)
    if unit is None:
        raise InputError("customUnitId", f"{custom_id!r} names no custom unit in this file")
    if dose is None or unit.get("dose") is None:
        return None, str(unit.get("originalUnit") or "")
    return float(dose) * float(unit["dose"]), str(unit.get("originalUnit") or "")


def _amount(value: float, unit: str, column: str):  # type: ignore[no-untyped-def]
    try:
        return parse_amount(f"{value}{unit}", column)
    except InputError as error:
        raise InputError(column, error.problem) from None


def _moment(value: Any, column: str) -> datetime:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(column, f"{value!r} is not a time; milliseconds since 1970 (UTC)")
    return datetime.fromtimestamp(value / 1000, tz=UTC)
