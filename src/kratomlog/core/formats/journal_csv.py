"""kratomlog's CSV: time, substance, amount, unit; optional form, product, purpose, note, category.

Times without an offset are local to the journal's time zone. For magnesium, `form` is the
compound (citrate, oxide...) and its amount is the compound's mass; an empty form means the
amount is elemental magnesium.
"""

import csv
import io
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from kratomlog.core.amounts import (
    MAGNESIUM_FRACTION,
    Amount,
    kratom_grams,
    magnesium_elemental_mg,
    parse_number,
    parse_unit,
)
from kratomlog.core.bounds import EARLIEST
from kratomlog.core.errors import InputError
from kratomlog.core.formats import ImportRejected, ImportRow, Reading, RowError
from kratomlog.core.formats.cells import as_written, spreadsheet_safe
from kratomlog.core.formats.keys import KeyMaker
from kratomlog.core.interactions import CATEGORIES
from kratomlog.core.substances import category_of
from kratomlog.core.when import local_moment

REQUIRED = ("time", "substance", "amount", "unit")
OPTIONAL = ("form", "product", "purpose", "note", "category")
COLUMNS = REQUIRED + OPTIONAL
KRATOM_FORMS = ("powder", "capsule", "extract", "tea", "shot", "7-OH product", "other")

# grams per capsule and per teaspoon, by lower-case product name
ProductSizes = Mapping[str, tuple[float | None, float | None]]


FIELD_MOST = 128 * 1024  # a cell larger than this is not a journal's (Python's csv refuses it)


def read_csv(
    text: str,
    tz: ZoneInfo,
    now: datetime,
    products: ProductSizes,
    progress: Callable[[int], None] | None = None,
    remembered: Mapping[str, str] | None = None,
) -> Reading:
    """Rows named by their line as a spreadsheet numbers them (the header is line 1)."""
    lines = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        header = [name.strip().lower() for name in next(lines, [])]
    except csv.Error as error:
        raise ImportRejected([_unreadable(1, error)]) from None
    doubled = sorted({name for name in header if name and header.count(name) > 1})
    if doubled:
        raise ImportRejected(
            [RowError(0, "header", f"the column {doubled[0]!r} appears twice", "line 1")]
        )
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ImportRejected(
            [
                RowError(
                    0,
                    "header",
                    f"missing column {missing[0]!r}; the header needs {', '.join(REQUIRED)}",
                    "line 1",
                )
            ]
        )
    keys = KeyMaker("csv")
    reading, errors = Reading(), []
    number, line = 0, 1
    while True:
        try:
            cells = next(lines)
        except StopIteration:
            break
        except csv.Error as error:
            errors.append(_unreadable(line + 1, error))
            break
        first_line, line = line + 1, lines.line_num
        if not any(cell.strip() for cell in cells):
            continue  # a blank line between rows is no row
        number += 1
        # Each cell stripped once: a row's fields are read a dozen times (its key among them).
        # A cell a spreadsheet would run was written with a leading ' (cells.spreadsheet_safe).
        record = dict(zip(header, (as_written(cell.strip()) for cell in cells), strict=False))
        try:
            row = _row(number, record, tz, now, products, keys, f"line {first_line}", remembered)
        except InputError as error:
            errors.append(RowError(number, error.field, error.problem, f"line {first_line}"))
            continue
        reading.rows.append(row)
        if row.substance == "other" and row.category == "other" and not _cell(record, "category"):
            reading.unknown.add(row.name)
        if _naive(_cell(record, "time")):
            reading.said.append(NAIVE_TIMES.format(zone=tz.key))
        if progress and number % 1000 == 0:
            progress(number)
    if errors:
        raise ImportRejected(errors)
    reading.said = sorted(set(reading.said))
    return reading


NAIVE_TIMES = "times without an offset were read in the journal's time zone, {zone}"


def _unreadable(line: int, error: csv.Error) -> RowError:
    if "field larger than field limit" in str(error):
        return RowError(
            0,
            "file",
            f"a cell is longer than {FIELD_MOST // 1024} KB; no journal cell is",
            f"line {line}",
        )
    return RowError(0, "file", f"not CSV kratomlog can read ({error})", f"line {line}")


def _naive(text: str) -> bool:
    try:
        return datetime.fromisoformat(text).tzinfo is None
    except ValueError:
        return False


def _cell(record: Mapping[str, str], name: str) -> str:
    """A cell of the row, stripped (read_csv strips them); a column the row lacks is empty."""
    return record.get(name, "")


def _row(
    number: int,
    record: Mapping[str, str],
    tz: ZoneInfo,
    now: datetime,
    products: ProductSizes,
    keys: KeyMaker,
    where: str,
    remembered: Mapping[str, str] | None = None,
) -> ImportRow:
    taken_at = checked_time(_time(_cell(record, "time"), tz), now, "time")
    substance = _cell(record, "substance")
    if not substance:
        raise InputError("substance", "empty; write kratom, magnesium or another name")
    amount = _number(_cell(record, "amount"))
    unit = _cell(record, "unit")
    form, product = _cell(record, "form"), _cell(record, "product") or None
    fields: dict[str, Any] = dict(
        row=number,
        where=where,
        taken_at=taken_at,
        purpose=_cell(record, "purpose"),
        note=_cell(record, "note"),
        product=product,
        source_key=keys.key([taken_at.isoformat(), *(_cell(record, c) for c in COLUMNS[1:])]),
    )
    lowered = substance.lower()
    if lowered == "kratom":
        if amount is None:
            raise InputError("amount", "empty; a kratom dose needs its amount")
        kind = parse_unit(unit)
        sizes = products.get((product or "").lower(), (None, None))
        grams = _grams(Amount(amount, kind), sizes, product)
        if form and form not in KRATOM_FORMS:
            raise InputError(
                "form", f"{form!r} is not a form; use one of {', '.join(KRATOM_FORMS)}"
            )
        return ImportRow(
            substance="kratom",
            name="kratom",
            amount=amount,
            unit=kind,
            grams=grams,
            form=form or "powder",
            **fields,
        )
    if lowered == "magnesium":
        if amount is None:
            raise InputError("amount", "empty; magnesium needs its amount in mg or g")
        compound = form.lower() or "elemental"
        if compound != "elemental" and compound not in MAGNESIUM_FRACTION:
            raise InputError(
                "form",
                f"{form!r} has no elemental fraction; use one of "
                f"{', '.join(MAGNESIUM_FRACTION)} or leave it empty for "
                f"elemental mg",
            )
        elemental = magnesium_elemental_mg(Amount(amount, parse_unit(unit or "mg")), compound)
        return ImportRow(
            substance="magnesium",
            name="magnesium",
            amount=amount,
            unit=parse_unit(unit or "mg"),
            elemental_mg=elemental,
            compound=compound,
            **fields,
        )
    category = (
        _cell(record, "category").lower()
        or category_of(substance, dict(remembered or {}))
        or "other"
    )
    if category not in CATEGORIES:
        raise InputError(
            "category", f"{category!r} is not a category; use one of {', '.join(CATEGORIES)}"
        )
    return ImportRow(
        substance="other", name=substance, amount=amount, unit=unit, category=category, **fields
    )


def _grams(amount: Amount, sizes: tuple[float | None, float | None], product: str | None) -> float:
    try:
        return kratom_grams(amount, sizes[0], sizes[1], product)
    except InputError as error:
        raise InputError("unit" if product is None else "product", error.problem) from None


def _time(text: str, tz: ZoneInfo) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(
            "time",
            f"{text!r} is not an ISO 8601 time such as 2026-11-23T21:30 or 2026-11-23T21:30+01:00",
        ) from None
    return moment if moment.tzinfo else local_moment(moment, tz, "time")


# Phone and computer clocks differ: a record this far ahead of now is accepted (and said).
CLOCK_SLACK = timedelta(hours=1)


def checked_time(moment: datetime, now: datetime, column: str) -> datetime:
    """A record's time: from 1970 on, and at most an hour ahead of this computer's clock."""
    if moment < EARLIEST:
        raise InputError(column, f"{moment.isoformat()} is out of range; a time from 1970 to now")
    if moment > now + CLOCK_SLACK:
        raise InputError(
            column,
            f"{moment.isoformat()} is in the future; a journal records what happened (up to an "
            "hour ahead is taken, for clocks that differ)",
        )
    return moment


def _number(text: str) -> float | None:
    """An amount as the command line takes it: "2.5", "2,5"; never "1,000" or "nan"."""
    if not text:
        return None
    value = parse_number(text, "amount")
    if not value > 0:
        raise InputError("amount", f"{text!r} is not above zero; an amount must be positive")
    return value


def write_csv(rows: Iterable[Mapping[str, Any]]) -> str:
    """Rows with the COLUMNS as keys; times are written with their offset."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")  # RFC 4180
    writer.writeheader()
    writer.writerows({name: spreadsheet_safe(value) for name, value in row.items()} for row in rows)
    return out.getvalue()
