"""PsychonautWiki Journal exports (../shared/FORMATS.md): the owner's ingestions become entries.

Android leaves out keys that hold their default (an empty journal is `{}`) and iOS writes
explicit nulls; both are read. Ingestions with a `consumerName` were someone else's and are
kept out, and said. Each ingestion keeps its identity across exports (its creation time, to
the second, since iOS cuts milliseconds, with the substance), so a dose edited in the app
updates its entry. Nothing a person would miss is dropped: the experience's title, text, timed
notes, ratings and place, a custom unit's count and name, the estimate's spread and how full
the stomach was all go in the notes.
"""

import math
from datetime import UTC, datetime
from typing import Any

from kratomlog.core.amounts import (
    MAGNESIUM_FRACTION,
    kratom_grams,
    magnesium_elemental_mg,
    parse_amount,
)
from kratomlog.core.bounds import MAX_AMOUNT
from kratomlog.core.errors import InputError
from kratomlog.core.formats import ImportRejected, ImportRow, Reading, RowError
from kratomlog.core.formats.journal_csv import checked_time
from kratomlog.core.formats.json_file import broken_characters, read_json
from kratomlog.core.formats.keys import KeyMaker
from kratomlog.core.substances import category_of, is_kratom

EXPORT_KEYS = {"experiences", "substanceCompanions", "customSubstances", "customUnits"}
GRAM_UNITS = ("g", "mg", "gram", "grams", "milligram", "milligrams")
RATINGS = {"minus": "-", "plusMinus": "±", "plus": "+", "twoPlus": "++", "threePlus": "+++",
           "fourPlus": "++++"}  # fmt: skip
STOMACH = {"EMPTY": "empty", "QUARTERFULL": "a quarter full", "HALFFULL": "half full",
           "FULL": "full", "VERYFULL": "very full"}  # fmt: skip


def read_pwjournal(text: str, now: datetime, remembered: dict[str, str] | None = None) -> Reading:
    document, halves = read_json(text)
    if not isinstance(document, dict) or (document and not set(document) & EXPORT_KEYS):
        raise ImportRejected([RowError(0, "file", "not a PsychonautWiki Journal export")])
    experiences = document.get("experiences", [])  # Android leaves an empty list out
    if not isinstance(experiences, list):
        raise ImportRejected([RowError(0, "experiences", "not a list of experiences")])
    reading = Reading()
    if not experiences:
        reading.said.append("nothing to import: the export holds no experiences")
        return reading
    units = {
        unit.get("id"): unit
        for unit in document.get("customUnits") or []
        if isinstance(unit, dict)
    }
    keys, errors, number = KeyMaker("pwj"), [], 0
    for place, experience in enumerate(experiences, start=1):
        if not isinstance(experience, dict):
            problem = f"{experience!r:.40} is not an experience"
            errors.append(RowError(0, "experience", problem, f"experience {place}"))
            continue
        title = str(experience.get("title") or "").strip()
        named = f'experience "{title}"' if title else f"experience {place}"
        told = _experience_notes(experience)
        ingestions = experience.get("ingestions") or []
        if not isinstance(ingestions, list):
            errors.append(RowError(0, "ingestions", "not a list", named))
            continue
        for index, ingestion in enumerate(ingestions, start=1):
            where = f"{named}, ingestion {index}"
            number += 1
            if not isinstance(ingestion, dict):
                errors.append(RowError(number, "ingestion", "not an ingestion", where))
                continue
            if ingestion.get("consumerName"):
                reading.skipped.append(
                    (where, f"taken by {str(ingestion['consumerName'])[:40]}, not by you")
                )
                continue
            try:
                row = _row(number, where, ingestion, units, keys, now, told, remembered, reading)
            except InputError as error:
                errors.append(RowError(number, error.field, error.problem, where))
                continue
            told = ""  # the experience's own notes go with its first dose only
            reading.rows.append(row)
    if errors:
        raise ImportRejected(errors)
    if halves:
        reading.said.append(broken_characters(halves))
    return reading


def _experience_notes(experience: dict[str, Any]) -> str:
    told = []
    if experience.get("title"):
        told.append(f"experience: {str(experience['title']).strip()}")
    if str(experience.get("text") or "").strip():
        told.append(str(experience["text"]).strip())
    for note in experience.get("timedNotes") or []:
        if isinstance(note, dict) and str(note.get("note") or "").strip():
            told.append(f"{_clock(note.get('time'))}note: {str(note['note']).strip()}")
    ratings = [
        _clock(rating.get("time")) + RATINGS.get(str(rating["option"]), str(rating["option"]))
        for rating in experience.get("ratings") or []
        if isinstance(rating, dict) and rating.get("option")
    ]
    if ratings:
        told.append("ratings: " + ", ".join(ratings))
    location = experience.get("location")
    if isinstance(location, dict) and location.get("name"):
        told.append(f"place: {str(location['name']).strip()}")
    return "; ".join(told)


def _clock(millis: Any) -> str:
    try:
        return f"{_moment(millis, 'time'):%H:%M} UTC "
    except InputError:
        return ""


def _row(
    number: int,
    where: str,
    ingestion: dict[str, Any],
    units: dict[Any, dict[str, Any]],
    keys: KeyMaker,
    now: datetime,
    experience_notes: str,
    remembered: dict[str, str] | None,
    reading: Reading,
) -> ImportRow:
    taken_at = _moment(ingestion.get("time"), "time")
    if taken_at > now:
        reading.said.append(
            "some ingestions were up to an hour ahead of this computer's clock (phone and "
            "computer clocks differ); they were kept at their time"
        )
    taken_at = checked_time(taken_at, now, "time")
    name = str(ingestion.get("substanceName") or "").strip()
    if not name:
        raise InputError("substanceName", "empty; each ingestion names its substance")
    notes = [str(ingestion.get("notes") or "").strip()]
    dose, unit, unknown_why = _dose(ingestion, units, notes)
    route = ingestion.get("administrationRoute")
    if route and route != "ORAL":
        notes.append(f"route: {str(route).lower()}")
    spread = ingestion.get("estimatedDoseStandardDeviation")
    if ingestion.get("isDoseAnEstimate"):
        notes.append(
            f"dose estimated ± {spread:g} {unit}".rstrip()
            if isinstance(spread, int | float) and not isinstance(spread, bool) and spread > 0
            else "dose estimated"
        )
    if ingestion.get("stomachFullness") in STOMACH:
        notes.append(f"stomach {STOMACH[ingestion['stomachFullness']]}")
    if unknown_why:
        notes.append(f"dose unknown: {unknown_why}")
    if experience_notes:
        notes.append(experience_notes)
    created = ingestion.get("creationDate")
    identity = (
        f"pwj:{int(created // 1000)}:{name.lower()}"
        if isinstance(created, int | float) and not isinstance(created, bool)
        and math.isfinite(created)
        else keys.key([name, ingestion.get("time"), dose, unit])
    )  # fmt: skip
    common: dict[str, Any] = dict(
        row=number,
        where=where,
        taken_at=taken_at,
        note="; ".join(note for note in notes if note),
        source_key=identity,
    )
    lowered = name.lower()
    if lowered == "kratom" or is_kratom(name):
        grams = None
        if dose is not None and unit.lower() in GRAM_UNITS:
            grams = kratom_grams(_amount(dose, unit))
        elif dose is not None:
            reading.unknown.add(f"{name} (in {unit or 'no unit'}: no grams known)")
            why = f"dose unknown: {unit or 'no unit'} without grams per unit"
            common["note"] = "; ".join(
                part for part in (f"{dose:g} {unit}".strip(), common["note"], why) if part
            )
        return ImportRow(
            substance="kratom",
            name="kratom",
            amount=dose if grams is not None else None,
            unit=unit or "g",
            grams=grams,
            form="other" if route and route != "ORAL" else "powder",
            **common,
        )
    compound = lowered.removeprefix("magnesium").strip() or "elemental"
    if lowered.startswith("magnesium") and (
        compound == "elemental" or compound in MAGNESIUM_FRACTION
    ) and dose is not None and unit.lower() in GRAM_UNITS:  # fmt: skip
        return ImportRow(
            substance="magnesium",
            name="magnesium",
            amount=dose,
            unit=unit,
            elemental_mg=magnesium_elemental_mg(_amount(dose, unit), compound),
            compound=compound,
            **common,
        )
    category = category_of(name, remembered)
    if category is None:
        reading.unknown.add(name)
    return ImportRow(
        substance="other",
        name=name,
        amount=dose,
        unit=unit,
        category=category or "other",
        **common,
    )


def _dose(
    ingestion: dict[str, Any], units: dict[Any, dict[str, Any]], notes: list[str]
) -> tuple[float | None, str, str]:
    """The dose, its unit, and why it is unknown (""). A custom unit counts `dose` units of
    `unit.dose` `originalUnit`: "4 x Red Bali caps" is 4 of 0.5 g, 2 g."""
    dose = ingestion.get("dose")
    if dose is not None and (
        isinstance(dose, bool)
        or not isinstance(dose, int | float)
        or not math.isfinite(dose)
        or not 0 <= dose <= MAX_AMOUNT
    ):
        raise InputError("dose", f"{dose!r:.40} is not a dose; a number or null")
    custom_id = ingestion.get("customUnitId")
    if custom_id is None:
        unit = str(ingestion.get("units") or "").strip()
        if dose is None:
            return None, unit, "none given in the app"
        if dose == 0:
            return None, unit, "0 in the app"
        return float(dose), unit, ""
    custom = units.get(custom_id)
    if custom is None:
        count = f"{dose:g} " if dose is not None else ""
        plural = str(ingestion.get("units") or "units")
        notes.append(f"{count}{plural} (a custom unit since deleted in the app)".strip())
        return None, "", "its custom unit was deleted in the app"
    label = str(custom.get("unitPlural") or custom.get("unit") or "units")
    name = str(custom.get("name") or "").strip()
    if dose is not None:
        notes.append(f"{dose:g} x {name + ' ' if name else ''}{label}")
    original = str(custom.get("originalUnit") or "")
    per_unit = custom.get("dose")
    if dose is None or not isinstance(per_unit, int | float) or isinstance(per_unit, bool):
        return None, original, "no amount per custom unit"
    if dose == 0 or per_unit <= 0:
        return None, original, "0 in the app"
    return float(dose) * float(per_unit), original, ""


def _amount(value: float, unit: str):  # type: ignore[no-untyped-def]
    try:
        return parse_amount(f"{value}{unit}", "units")
    except InputError as error:
        raise InputError("units", error.problem) from None


def _moment(value: Any, column: str) -> datetime:
    """Milliseconds since 1970 (UTC); NaN, infinities and years past 9999 are no time."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(column, f"{value!r:.40} is not a time; milliseconds since 1970 (UTC)")
    try:
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    except (ValueError, OverflowError, OSError):
        raise InputError(
            column, f"{value!r:.40} is not a time; milliseconds since 1970 (UTC)"
        ) from None
