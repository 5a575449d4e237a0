"""Every field of each app's file, given each odd value a hand-edited or damaged file can hold:
the import is taken or refused as bad input naming where, never a crash, and a refused file
writes nothing. (The apps' own quirks are in test_import_apps.)"""

import copy
import json

import pytest
from django.db import transaction
from django.utils import timezone

from kratomlog.core.formats import ImportRejected
from kratomlog.journal import transfer
from tests.integration.test_import_apps import KT_BACKUP, TEA, ingestion, pw_export

ODD = [None, True, [], {}, "x", -1, 0, 1e308, float("nan"), float("inf"), 10**30,
       "2026-11-20T08:00:00.000", "\x00", "y" * 300]  # fmt: skip
SAMPLES = {
    "kratomtracker": KT_BACKUP,
    "pwjournal": pw_export(ingestion("Kratom", "2026-11-20T07:00:00+00:00", 3.0, "g", notes="x")),
    "teataper": TEA,
}


def every_field(document, where=()):
    items = document.items() if isinstance(document, dict) else enumerate(document)
    for key, value in items:
        yield (*where, key)
        if isinstance(value, dict | list):
            yield from every_field(value, (*where, key))


def with_value(document, where, value):
    changed = copy.deepcopy(document)
    holder = changed
    for key in where[:-1]:
        holder = holder[key]
    holder[where[-1]] = value
    return json.dumps(changed)  # NaN and Infinity as JavaScript's JSON writes them


class Taken(Exception):
    """Rolls a successful import back, so that each file meets the same journal."""


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_an_odd_value_in_any_field_is_taken_or_refused_by_name(person, kind):
    now, tried, taken = timezone.now(), 0, 0
    for where in every_field(SAMPLES[kind]):
        for value in ODD:
            text, tried = with_value(SAMPLES[kind], where, value), tried + 1
            try:
                with transaction.atomic():
                    transfer.import_text(person=person, kind=kind, text=text, name="f", now=now)
                    raise Taken
            except Taken:
                taken += 1
                continue
            except ImportRejected as refused:
                assert refused.errors and str(refused).startswith("nothing imported: "), where
                assert not person.entries.exists(), (where, value)
    assert tried > 300 and 0 < taken < tried  # some odd values are quirks taken, some not


CSV_ODD = ["", "x", "\x00", "y" * 300, "nan", "inf", "1e308", "-1", "0", "1,000",
           "2026-11-20T08:00", "0001-01-01T00:00Z"]  # fmt: skip
CSV_SAMPLES = {
    "csv": [["time", "substance", "amount", "unit", "form", "product", "purpose", "note",
             "category"],
            ["2026-11-20T08:00", "kratom", "2", "g", "powder", "Red", "focus", "ok", ""]],
    "kratomtracker": [["date", "time", "iso_timestamp", "strain_code", "strain_name", "amount_g",
                       "notes"],
                      ["2026-11-20", "08:00", "2026-11-20T08:00:00.000", "RB", "Red Bali", "3.0",
                       "morning"]],
}  # fmt: skip


@pytest.mark.parametrize("kind", sorted(CSV_SAMPLES))
def test_an_odd_value_in_any_column_is_taken_or_refused_by_name(person, kind):
    import csv
    import io

    now, taken = timezone.now(), 0
    header, row = CSV_SAMPLES[kind]
    for column in range(len(header)):
        for value in CSV_ODD:
            out = io.StringIO()
            csv.writer(out).writerows([header, [*row[:column], value, *row[column + 1 :]]])
            try:
                with transaction.atomic():
                    transfer.import_text(
                        person=person, kind=kind, text=out.getvalue(), name="f", now=now
                    )
                    raise Taken
            except Taken:
                taken += 1
                continue
            except ImportRejected as refused:
                assert str(refused).startswith("nothing imported: "), (header[column], value)
                assert not person.entries.exists(), (header[column], value)
    assert 0 < taken < len(header) * len(CSV_ODD)
