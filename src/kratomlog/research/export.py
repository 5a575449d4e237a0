"""Writing a study's de-identified export: one table a file (CSV) or a directory of Parquet files
partitioned by participant bucket (`doses/bucket=03/part-0.parquet`), which DuckDB, Spark and
Trino read as they are; the codebook beside them.

Participants are read and written a batch at a time (kratomlog.research.reading), so memory stays
bounded whatever the size of the study; each batch becomes one Parquet row group.
"""

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from kratomlog.clinic import audit
from kratomlog.clinic.policy import role_of
from kratomlog.core.errors import InputError
from kratomlog.core.formats.cells import FORMULA_PATTERN
from kratomlog.research import codebook, reading
from kratomlog.research.models import Study
from kratomlog.research.tables import TABLES, Table

FORMATS = ("parquet", "csv")


@dataclass(frozen=True)
class Written:
    directory: Path
    participants: int
    rows: dict[str, int]
    files: dict[str, list[str]]  # table -> paths relative to the directory


def arrow_table(table: Table, columns: dict[str, list[Any]]) -> pa.Table:
    arrays = []
    for column in table.columns:
        values = columns[column.name]
        if column.kind == "time":  # seconds since midnight, local
            arrays.append(pa.array(values, pa.int32()).cast(pa.time32("s")))
        else:
            arrays.append(pa.array(values, column.arrow_type))
    return pa.Table.from_arrays(arrays, schema=table.schema)


class _Parquet:
    """One writer a table for the bucket being written; buckets come in order."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.bucket: int | None = None
        self.writers: dict[str, pq.ParquetWriter] = {}
        self.files: dict[str, list[str]] = {table.name: [] for table in TABLES}

    def write(self, bucket: int, table: Table, rows: pa.Table) -> None:
        if bucket != self.bucket:
            self.close()
            self.bucket = bucket
        if rows.num_rows == 0:
            return
        writer = self.writers.get(table.name)
        if writer is None:
            relative = f"{table.name}/bucket={bucket:02d}/part-0.parquet"
            (self.directory / relative).parent.mkdir(parents=True, exist_ok=True)
            writer = pq.ParquetWriter(self.directory / relative, table.schema, compression="zstd")
            self.writers[table.name] = writer
            self.files[table.name].append(relative)
        writer.write_table(rows)

    def close(self) -> None:
        for writer in self.writers.values():
            writer.close()
        self.writers = {}

    def finish(self) -> None:
        self.close()
        for table in TABLES:  # a table with no rows still has its file, so readers find it
            if not self.files[table.name]:
                relative = f"{table.name}/bucket=00/part-0.parquet"
                (self.directory / relative).parent.mkdir(parents=True, exist_ok=True)
                pq.write_table(table.schema.empty_table(), self.directory / relative)
                self.files[table.name].append(relative)


class _Csv:
    def __init__(self, directory: Path) -> None:
        self.writers = {
            table.name: pa_csv.CSVWriter(directory / f"{table.name}.csv", table.schema)
            for table in TABLES
        }
        self.files = {table.name: [f"{table.name}.csv"] for table in TABLES}

    def write(self, bucket: int, table: Table, rows: pa.Table) -> None:
        if rows.num_rows:
            self.writers[table.name].write_table(_spreadsheet_safe(rows))

    def finish(self) -> None:
        for writer in self.writers.values():
            writer.close()


def _spreadsheet_safe(rows: pa.Table) -> pa.Table:
    """Text cells that a spreadsheet would run as a formula get a leading ' (cells.py)."""
    for index, column in enumerate(rows.columns):
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            risky = pc.fill_null(pc.match_substring_regex(column, "^" + FORMULA_PATTERN), False)
            quoted = pc.binary_join_element_wise("'", column, "")
            rows = rows.set_column(index, rows.field(index), pc.if_else(risky, quoted, column))
    return rows


def check_output(directory: Path) -> None:
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise InputError("--output", f"{directory} is not an empty directory; name a new one")


def write_export(
    study: Study,
    directory: Path,
    fmt: str,
    now: datetime,
    progress: Callable[[int, int], None] | None = None,
    actor: Any = None,
) -> Written:
    """Write the export of `study` as of `now` into `directory` (new or empty); audited, with
    `actor` the researcher who asked for it (None: the clinic's operator at the command line)."""
    if fmt not in FORMATS:
        raise InputError("--format", f"{fmt!r}; use parquet or csv")
    check_output(directory)
    directory.mkdir(parents=True, exist_ok=True)
    people = reading.enrolled(study, now)
    sink = _Parquet(directory) if fmt == "parquet" else _Csv(directory)
    counts = {table.name: 0 for table in TABLES}
    done = 0
    try:
        for batch in reading.batches(people):
            rows = reading.batch_rows(batch, now)
            for table in TABLES:
                arrow = arrow_table(table, rows[table.name])
                counts[table.name] += arrow.num_rows
                sink.write(batch[0].bucket, table, arrow)
            done += len(batch)
            if progress:
                progress(done, len(people))
        sink.finish()
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)  # no half an export left to be mistaken
        raise
    written = Written(directory, len(people), counts, sink.files)
    codebook.write(study, written, fmt)
    audit.record(
        action="export",
        actor=actor,
        role=role_of(actor) or "",
        what=f"research export of {study.name} ({fmt}, {len(people)} participants)",
        at=now,
    )
    return written
