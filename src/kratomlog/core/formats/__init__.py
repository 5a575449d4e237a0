"""Reading other files into journal rows, all or nothing: any bad row rejects the whole file."""

from dataclasses import dataclass, field
from datetime import datetime

from kratomlog.core.errors import BadInput


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
