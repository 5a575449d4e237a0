"""The export's tables and their columns: one definition that both the writer and the codebook
(Frictionless `datapackage.json`, REDCap data dictionary) read, so they cannot disagree."""

from dataclasses import dataclass, field

import pyarrow as pa

from kratomlog.core import bam
from kratomlog.core.amounts import MAGNESIUM_FRACTION
from kratomlog.core.instruments import CRAVING, GAD7, INSTRUMENTS, PHQ9, WITHDRAWAL
from kratomlog.core.interactions import CATEGORIES
from kratomlog.core.rules import RULE_KINDS, SEVERITIES
from kratomlog.interop import loinc
from kratomlog.journal.models import FORMS
from kratomlog.research.models import BASELINE_MOST

COMPOUNDS = (*MAGNESIUM_FRACTION, "elemental", "other")
CSD = "Consensus Sleep Diary (Carney 2012)"


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # string, integer, number, boolean, time: Frictionless types
    description: str
    unit: str = ""
    allowed: tuple[str, ...] = ()
    instrument: str = ""
    loinc: tuple[tuple[str, str], ...] = ()  # (instrument, LOINC code) where LOINC has one
    minimum: float | None = None
    maximum: float | None = None

    @property
    def arrow_type(self) -> pa.DataType:
        return _ARROW[self.kind]


_ARROW = {
    "string": pa.string(),
    "integer": pa.int32(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
    "time": pa.time32("s"),
}


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = field(default=())

    @property
    def schema(self) -> pa.Schema:
        return pa.schema([pa.field(c.name, c.arrow_type) for c in self.columns])


PARTICIPANT = Column(
    "participant",
    "string",
    "The participant's pseudonym: HMAC-SHA256 of their clinic id under the study's secret key "
    "(first 16 hex digits, prefixed 'p'); the same in every export of this study, unlinkable "
    "to other studies",
)
DAY = Column(
    "day",
    "integer",
    "Local calendar day, counted from the participant's enrollment day (day 0); the days of "
    "a study's baseline window, before enrollment, are negative (day -N to -1)",
    unit="day",
    minimum=-BASELINE_MOST,
)
TIME = Column(
    "time",
    "time",
    "Local time of day (the participant's zone then; the zone itself is not exported)",
)
SEVERITY = Column(
    "severity",
    "string",
    "limit: a line the participant (or clinician) chose not "
    "to cross; target: where they would like to be",
    allowed=SEVERITIES,
)


def _items(count: int) -> tuple[Column, ...]:
    return tuple(
        Column(
            f"item_{n}",
            "integer",
            f"Answer to item {n} (PHQ-9 and GAD-7: 0-{PHQ9.highest}; withdrawal: "
            f"0-{WITHDRAWAL.highest}; craving: item 1, 0-{CRAVING.highest}); "
            "empty where the instrument has fewer items",
            minimum=0,
            maximum=max(chosen.highest for chosen in INSTRUMENTS.values()),
            loinc=tuple(
                (key, codes[n - 1]) for key, codes in loinc.ITEMS.items() if n <= len(codes)
            ),
        )
        for n in range(1, count + 1)
    )


TABLES = (
    Table(
        "participants",
        "Participants",
        "One row a participant whose research consent holds at the time of the export.",
        (
            PARTICIPANT,
            Column(
                "days_observed",
                "integer",
                "Days from enrollment to the study's end or the export, both included",
                unit="day",
                minimum=1,
            ),
            Column("consent_version", "string", "Version of the research consent text agreed to"),
            Column(
                "baseline_days",
                "integer",
                "Days before enrollment exported for this participant (day -N to -1), as the "
                "consent version they agreed to stated; 0: none, their records start at day 0",
                unit="day",
                minimum=0,
                maximum=BASELINE_MOST,
            ),
        ),
        key=("participant",),
    ),
    Table(
        "doses",
        "Kratom doses",
        "One row a kratom dose.",
        (
            PARTICIPANT,
            DAY,
            TIME,
            Column(
                "grams",
                "number",
                "Kratom taken, in grams of product (leaf powder or equivalent as recorded)",
                unit="g",
                minimum=0,
            ),
            Column("form", "string", "Form of the product", allowed=FORMS),
        ),
    ),
    Table(
        "magnesium",
        "Magnesium",
        "One row a magnesium intake.",
        (
            PARTICIPANT,
            DAY,
            TIME,
            Column("elemental_mg", "number", "Elemental magnesium", unit="mg", minimum=0),
            Column(
                "compound",
                "string",
                "The compound taken; 'elemental' when the label's elemental amount was recorded",
                allowed=COMPOUNDS,
            ),
        ),
    ),
    Table(
        "other_substances",
        "Other substances",
        "One row another substance or medicine was taken; only its category (no name, amount "
        "or note).",
        (
            PARTICIPANT,
            DAY,
            TIME,
            Column("category", "string", "Category of the substance", allowed=CATEGORIES),
        ),
    ),
    Table(
        "checkins",
        "Check-ins",
        "One row a questionnaire filled in, with its item answers.",
        (
            PARTICIPANT,
            DAY,
            TIME,
            Column(
                "instrument",
                "string",
                "phq9: PHQ-9 (Kroenke 2001; LOINC 44249-1); gad7: "
                "GAD-7 (Spitzer 2006; LOINC 69737-5); withdrawal: kratomlog's own withdrawal "
                f"check-in, {len(WITHDRAWAL.items)} items 0-{WITHDRAWAL.highest}, not a validated "
                f"scale; craving: one item 0-{CRAVING.highest}",
                allowed=tuple(INSTRUMENTS),
                loinc=tuple(loinc.PANEL.items()),
            ),
            Column(
                "total",
                "integer",
                f"Sum of the item answers (PHQ-9 {PHQ9.scale}, LOINC 44261-6; "
                f"GAD-7 {GAD7.scale}, LOINC 70274-6; withdrawal {WITHDRAWAL.scale}; "
                f"craving {CRAVING.scale})",
                minimum=0,
                maximum=max(chosen.most for chosen in INSTRUMENTS.values()),
                loinc=tuple(loinc.TOTAL.items()),
            ),
            Column(
                "band", "string", "Severity band of the total (PHQ-9, GAD-7); empty for the others"
            ),
            Column("self_harm", "boolean", "PHQ-9 item 9 above 0"),
            *_items(11),
        ),
    ),
    Table(
        "bam",
        "Brief Addiction Monitor",
        "One row a Brief Addiction Monitor (Cacciola 2013, US Veterans Affairs; past 30 days), "
        "adapted to name kratom where it asks about drugs; kratomlog's own codes, no LOINC. "
        "It has no total: read it item by item and by its three subscales.",
        (
            PARTICIPANT,
            DAY,
            TIME,
            *(
                Column(
                    f"item_{item.number}",
                    "integer",
                    f"Item {item.number}, {item.short}: "
                    + ", ".join(
                        f"{score} {label}"
                        for score, label in zip(item.scores, item.choices, strict=True)
                    )
                    + (
                        f"; {bam.SUBSCALE_NAMES[item.subscale]} subscale"
                        if item.subscale
                        else "; in no subscale"
                    ),
                    minimum=0,
                    maximum=4,
                )
                for item in bam.ITEMS
                if item.number != bam.DRUGS_ITEM
            ),
            Column(
                "item_7_drugs",
                "string",
                "Item 7, the drugs used in the past 30 days, joined by '+' in this order: "
                + ", ".join(bam.DRUGS)
                + "; empty when none (not scored)",
            ),
            *(
                Column(
                    key,
                    "integer",
                    f"{bam.SUBSCALE_NAMES[key]}: the sum of items "
                    + ", ".join(str(n) for n in numbers),
                    minimum=0,
                    maximum=4 * len(numbers),
                )
                for key, numbers in bam.SUBSCALES.items()
            ),
        ),
    ),
    Table(
        "sleep",
        "Sleep diaries",
        "One row a night of the Consensus Sleep Diary (Carney 2012, Sleep 35:287), core items "
        "and what they give.",
        (
            PARTICIPANT,
            Column(
                "night",
                "integer",
                "The evening the night began, counted from enrollment (negative: baseline)",
                unit="day",
            ),
            Column("into_bed", "time", "Local clock time into bed", instrument=CSD),
            Column("tried_to_sleep", "time", "Local clock time of trying to sleep", instrument=CSD),
            Column(
                "sol_minutes",
                "integer",
                "Sleep onset latency (minutes to fall asleep)",
                unit="min",
                instrument=CSD,
                minimum=0,
            ),
            Column("awakenings", "integer", "Number of awakenings", instrument=CSD, minimum=0),
            Column(
                "waso_minutes",
                "integer",
                "Wake after sleep onset",
                unit="min",
                instrument=CSD,
                minimum=0,
            ),
            Column(
                "final_awakening", "time", "Local clock time of the final awakening", instrument=CSD
            ),
            Column("out_of_bed", "time", "Local clock time out of bed", instrument=CSD),
            Column(
                "quality",
                "integer",
                "Sleep quality, 1 very poor to 5 very good",
                instrument=CSD,
                minimum=1,
                maximum=5,
            ),
            Column("tib_minutes", "number", "Time in bed: out of bed - into bed", unit="min"),
            Column(
                "tst_minutes",
                "number",
                "Total sleep time: (final awakening - tried to sleep) - SOL - WASO",
                unit="min",
            ),
            Column(
                "se_percent",
                "number",
                "Sleep efficiency: TST / TIB x 100",
                unit="%",
                minimum=0,
                maximum=100,
            ),
        ),
    ),
    Table(
        "daily",
        "Daily rows",
        "One row a local day from the baseline window (if any) or enrollment to the study's "
        "end or the export, recorded or not; each day judged by the plan then in force (as "
        "`kratomlog history`).",
        (
            PARTICIPANT,
            DAY,
            Column("use", "boolean", "At least one kratom dose that day"),
            Column("grams", "number", "Kratom that day", unit="g", minimum=0),
            Column("doses", "integer", "Kratom doses that day", minimum=0),
            Column(
                "allowance",
                "number",
                "The taper's allowance that day; empty without a taper",
                unit="g",
                minimum=0,
            ),
            Column("limit_breaches", "integer", "Breaches of 'limit' rules that day", minimum=0),
            Column("target_breaches", "integer", "Breaches of 'target' rules that day", minimum=0),
            Column("magnesium_mg", "number", "Elemental magnesium that day", unit="mg", minimum=0),
        ),
    ),
    Table(
        "plans",
        "Plans",
        "One row a plan version in force on some day from enrollment on: its rules (kinds and "
        "numbers only) and the days it was in force.",
        (
            PARTICIPANT,
            Column(
                "first_day",
                "integer",
                "First day in force (from the baseline window or enrollment on)",
                unit="day",
            ),
            Column("last_day", "integer", "Last day in force (up to the export)", unit="day"),
            Column("set_by", "string", "Who set it", allowed=("self", "clinician")),
            Column("taper", "boolean", "The plan holds a taper"),
            Column(
                "rules",
                "string",
                "The rules as JSON: kind, severity and parameters "
                "(see the README's plan file format)",
            ),
        ),
    ),
    Table(
        "breaches",
        "Breaches",
        "One row a rule broken on a day.",
        (
            PARTICIPANT,
            DAY,
            Column("rule_kind", "string", "Kind of rule broken", allowed=tuple(RULE_KINDS)),
            SEVERITY,
            Column("doses", "integer", "Doses involved", minimum=0),
        ),
    ),
)
TABLE = {table.name: table for table in TABLES}
