"""The codebook beside every export: a Frictionless Data Package (`datapackage.json`) and the
same as a REDCap data dictionary (`redcap_dictionary.csv`), both made from research.tables."""

import csv
import io
import json
from typing import TYPE_CHECKING, Any

from kratomlog.core.formats.cells import spreadsheet_safe
from kratomlog.research.models import Study
from kratomlog.research.tables import TABLES, Column, Table

if TYPE_CHECKING:
    from kratomlog.research.export import Written

DEIDENTIFICATION = (
    "De-identified: each participant appears under a pseudonym, HMAC-SHA256 of their clinic id "
    "keyed with this study's secret (stable across exports of this study, unlinkable across "
    "studies). No name, email address, free text (notes, purposes, plan and rule names, "
    "substance names), product, vendor or batch is exported. Moments become the day number "
    "since the participant's enrollment (day 0) and the local time of day; calendar dates and "
    "time zones are dropped. Only participants whose research consent holds at the time of the "
    "export appear; one who left the study is absent from every later export. Records are "
    "those from enrollment (or the study's start, if later) to the study's end (or the export), "
    "and those of the study's baseline window if it has one."
)


def baseline(days: int) -> str:
    """The study's baseline window in words, for the codebook."""
    if not days:
        return "This study has no baseline window: no record from before enrollment is exported."
    return (
        f"Baseline window: the {days} days before enrollment, exported as day -{days} to day "
        "-1, for each participant whose research consent version stated it; a participant who "
        "agreed to an earlier version without it starts at day 0 (see participants."
        "baseline_days)."
    )


def time_of_day(step: int) -> str:
    """How the export's local times of day are rounded, in words, for the codebook."""
    if step <= 1:
        return "Local times of day are exact to the second, as this study asked."
    words = {900: "the quarter hour (15 minutes)", 60: "the minute"}.get(step, f"{step} seconds")
    asked = "" if step == 900 else ", as this study asked"
    return f"Local times of day are rounded down to {words}{asked}: 08:07:41 is {_clock(step)}."


def _clock(step: int) -> str:
    seconds = 8 * 3600 + 7 * 60 + 41
    seconds -= seconds % step
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def _field(column: Column) -> dict[str, Any]:
    field: dict[str, Any] = {
        "name": column.name,
        "type": column.kind,
        "description": column.description,
    }
    constraints: dict[str, Any] = {}
    if column.allowed:
        constraints["enum"] = list(column.allowed)
    if column.minimum is not None:
        constraints["minimum"] = column.minimum
    if column.maximum is not None:
        constraints["maximum"] = column.maximum
    if constraints:
        field["constraints"] = constraints
    if column.kind == "time":
        field["format"] = "%H:%M:%S"
    for extra in ("unit", "instrument"):
        if getattr(column, extra):
            field[extra] = getattr(column, extra)
    if column.loinc:  # by instrument: {"phq9": "44261-6", ...}
        field["loinc"] = dict(column.loinc)
    return field


def _resource(table: Table, paths: list[str], fmt: str) -> dict[str, Any]:
    schema: dict[str, Any] = {"fields": [_field(column) for column in table.columns]}
    if table.key:
        schema["primaryKey"] = list(table.key)
    elif table.name != "participants":
        schema["foreignKeys"] = [
            {
                "fields": ["participant"],
                "reference": {"resource": "participants", "fields": ["participant"]},
            }
        ]
    resource: dict[str, Any] = {
        "name": table.name,
        "title": table.title,
        "description": table.description,
        "path": paths[0] if fmt == "csv" else paths,
        "profile": "tabular-data-resource",
        "format": fmt,
        "schema": schema,
    }
    if fmt == "csv":
        resource.update(mediatype="text/csv", encoding="utf-8")
    else:
        resource["mediatype"] = "application/vnd.apache.parquet"
        resource["partitioning"] = (
            "hive: <table>/bucket=NN/part-0.parquet, the participants split into 16 buckets by "
            "pseudonym; read a table's directory as one dataset"
        )
    return resource


def datapackage(study: Study, written: "Written", fmt: str) -> dict[str, Any]:
    return {
        "profile": "tabular-data-package",
        "name": f"kratomlog-{study.name}",
        "title": f"kratomlog study {study.name}"
        + (f" (protocol {study.protocol_id})" if study.protocol_id else ""),
        "description": f"{DEIDENTIFICATION} {time_of_day(study.time_of_day_seconds)} "
        f"{baseline(study.baseline_days)}",
        "time_of_day_seconds": study.time_of_day_seconds,
        "baseline_days": study.baseline_days,
        "participants": written.participants,
        "resources": [_resource(t, written.files[t.name], fmt) for t in TABLES],
    }


# REDCap's variable names are unique across a project: each table's columns get a short prefix.
PREFIX = {
    "participants": "",
    "doses": "dose_",
    "magnesium": "mg_",
    "other_substances": "oth_",
    "checkins": "ci_",
    "bam": "bam_",
    "sleep": "slp_",
    "daily": "day_",
    "plans": "plan_",
    "breaches": "br_",
}
REDCAP_HEADER = (
    "Variable / Field Name",
    "Form Name",
    "Section Header",
    "Field Type",
    "Field Label",
    "Choices, Calculations, OR Slider Labels",
    "Field Note",
    "Text Validation Type OR Show Slider Number",
    "Text Validation Min",
    "Text Validation Max",
    "Identifier?",
    "Branching Logic (Show field only if...)",
    "Required Field?",
    "Custom Alignment",
    "Question Number (surveys only)",
    "Matrix Group Name",
    "Matrix Ranking?",
    "Field Annotation",
)
_VALIDATION = {"integer": "integer", "number": "number", "time": "time_hh_mm_ss"}


def redcap_rows() -> list[list[str]]:
    """One row a variable; tables other than participants are repeating instruments keyed by
    the record id `participant` (defined once, first, as REDCap asks)."""
    rows = []
    for table in TABLES:
        for column in table.columns:
            if column.name == "participant" and table.name != "participants":
                continue
            name = PREFIX[table.name] + column.name
            note = column.unit and f"unit: {column.unit}"
            if column.loinc:
                codes = ", ".join(f"{key} {code}" for key, code in column.loinc)
                note = f"{note}; LOINC {codes}".lstrip("; ")
            if column.kind == "boolean":
                kind, choices = "yesno", ""
            elif column.allowed:
                kind = "dropdown"
                choices = " | ".join(f"{n}, {value}" for n, value in enumerate(column.allowed, 1))
            else:
                kind, choices = "text", ""
            low = "" if column.minimum is None else f"{column.minimum:g}"
            high = "" if column.maximum is None else f"{column.maximum:g}"
            rows.append(
                [
                    name,
                    table.name,
                    table.title
                    if column is table.columns[0]
                    or (table.name != "participants" and column is table.columns[1])
                    else "",
                    kind,
                    column.description,
                    choices,
                    note,
                    _VALIDATION.get(column.kind, ""),
                    low,
                    high,
                    "",
                    "",
                    "y" if name == "participant" else "",
                    "",
                    "",
                    "",
                    "",
                    "",
                ]
            )
    return rows


def redcap_dictionary() -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(REDCAP_HEADER)
    writer.writerows([spreadsheet_safe(cell) for cell in row] for row in redcap_rows())
    return out.getvalue()


def write(study: Study, written: "Written", fmt: str) -> None:
    package = datapackage(study, written, fmt)
    (written.directory / "datapackage.json").write_text(
        json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (written.directory / "redcap_dictionary.csv").write_text(redcap_dictionary(), encoding="utf-8")
