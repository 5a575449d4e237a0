"""CSV cells a spreadsheet program opens as text, never as a formula.

Excel, LibreOffice and Google Sheets run a cell that begins with =, +, - or @ as a formula
(`=HYPERLINK(...)` in a note becomes a link that sends data away). Every CSV kratomlog writes
prefixes such a cell with an apostrophe, as those programs expect, and kratomlog's own readers
take one apostrophe off again, so an export reads back as it was written.
"""

import re
from typing import Any

# Apostrophes already in front are part of it: "'=x" is written "''=x", so reading takes one off.
_FORMULA = re.compile(r"'*[=+\-@]")


def spreadsheet_safe(value: Any) -> Any:
    """`value` as written to a CSV cell: text that a spreadsheet would run gets a leading '."""
    if isinstance(value, str) and _FORMULA.match(value):
        return "'" + value
    return value


def as_written(cell: str) -> str:
    """The text of a cell that spreadsheet_safe wrote (the inverse of it)."""
    if cell.startswith("'") and _FORMULA.match(cell):
        return cell[1:]
    return cell


FORMULA_PATTERN = _FORMULA.pattern  # for writers that escape whole columns (pyarrow)
