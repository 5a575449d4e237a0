"""Reading other files into journal rows, all or nothing: any bad row rejects the whole file."""

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class ImportRow:
    """One entry to import; `source_key` is the same every time the same file is read."""

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


@dataclass(frozen=True)
class RowError:
    row: int  # 1 for the first data row (a CSV's header is row 0); 0 for the whole file
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"row {self.row}, column {self.column}" if self.row else self.column
        return f"{where}: {self.reason}"


@dataclass
class ImportRejected(Exception):
    errors: list[RowError] = field(default_factory=list)

    def __str__(self) -> str:
        shown = "; ".join(str(error) for error in self.errors[:5])
        more = f" (and {len(self.errors) - 5} more)" if len(self.errors) > 5 else ""
        return f"nothing imported: {shown}{more}"
