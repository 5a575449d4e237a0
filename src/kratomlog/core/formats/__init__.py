"""Reading other files into journal rows, all or nothing: any bad row rejects the whole file."""

import hashlib
from dataclasses import dataclass, field, replace
from datetime import datetime

from kratomlog.core.errors import BadInput
from kratomlog.core.text import NUL_PROBLEM


@dataclass(frozen=True)
class ImportRow:
    """One entry to import. `source_key` is the record's identity in the app it comes from (a
    dosage's id, an ingestion's creation time), the same in every export of it: a record edited
    in that app updates its entry on the next import instead of adding a second one."""

    row: int
    taken_at: datetime  # aware
    substance: str  # kratom, magnesium or other
    name: str
    source_key: str
    amount: float | None = None
    unit: str = ""
    grams: float | None = None
    elemental_mg: float | None = None
    compound: str = ""
    form: str = ""
    product: str | None = None
    purpose: str = ""
    note: str = ""
    category: str = ""
    where: str = ""  # as the person finds it: "line 8", 'experience "Tue", ingestion 2'


@dataclass(frozen=True)
class RowError:
    row: int  # 1 for the first record; 0 for the whole file
    column: str
    reason: str
    where: str = ""  # as the person finds it: "line 8" (the header is line 1), "dosage 3"

    def __str__(self) -> str:
        if self.where:  # a CSV's line has columns; a JSON record has fields, named as they are
            column = f"column {self.column}" if self.where.startswith("line ") else self.column
            return f"{self.where}, {column}: {self.reason}"
        place = f"row {self.row}, column {self.column}" if self.row else self.column
        return f"{place}: {self.reason}"


@dataclass
class Reading:
    """What a file holds: the rows to import, the records kept out (each with its reason),
    the names of substances no table knows (imported as `other`), and what the summary must
    say (times read in the journal's zone, a clock a little ahead, a limit offered as a plan)."""

    rows: list[ImportRow] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (where, why)
    unknown: set[str] = field(default_factory=set)
    said: list[str] = field(default_factory=list)


@dataclass
class ImportRejected(BadInput):
    errors: list[RowError] = field(default_factory=list)

    def __str__(self) -> str:
        shown = "; ".join(str(error) for error in self.errors[:5])
        more = f" (and {len(self.errors) - 5} more)" if len(self.errors) > 5 else ""
        return f"nothing imported: {shown}{more}"


# What the journal's columns hold (journal.models): a longer value is named, not cut.
MOST = {"name": 200, "unit": 40, "compound": 40, "form": 20, "product": 200, "purpose": 200,
        "category": 40, "note": None}  # fmt: skip
KEY_MOST = 128


def fit_for_the_journal(reading: Reading) -> Reading:
    """Every row as the journal can hold it, or ImportRejected naming each that cannot be.

    A NUL character is no text: no app writes one, a damaged file may, and PostgreSQL cannot
    store one. A value longer than its column is named rather than cut. A record's identity
    longer than its column (a creation time of 1e308 written out whole) is kept as a digest of
    itself: still the same for the same record in every export."""
    errors, rows = [], []
    for row in reading.rows:
        for column, most in MOST.items():
            value = getattr(row, column) or ""
            if "\x00" in value:
                errors.append(RowError(row.row, column, f"{NUL_PROBLEM}; remove it", row.where))
            elif most is not None and len(value) > most:
                errors.append(RowError(row.row, column, f"longer than {most} characters",
                                       row.where))  # fmt: skip
        if len(row.source_key) > KEY_MOST or "\x00" in row.source_key:
            digest = hashlib.sha256(row.source_key.encode("utf-8", "surrogatepass")).hexdigest()
            row = replace(row, source_key=f"{row.source_key.partition(':')[0][:20]}:#{digest}")
        rows.append(row)
    if errors:
        raise ImportRejected(errors)
    reading.rows = rows
    return reading
