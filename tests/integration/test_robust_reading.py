"""The reading side is robust: rows written before values were checked (a dose in year 1, an
infinite amount, a window of a billion days) never make status, history or an export fail."""

import csv
import json
from datetime import UTC, date, datetime

import pytest

from kratomlog.checkins.models import CheckIn, SleepDiary
from kratomlog.core.formats.journal_csv import COLUMNS
from kratomlog.journal.models import Entry, Product
from kratomlog.plans.models import PlanVersion

YEAR_ONE = datetime(1, 1, 1, tzinfo=UTC)


def refuse_constant(name):
    raise AssertionError(f"{name} is not JSON")


def poison(person) -> dict[str, Entry]:
    """What hostile files and typos left in journals before they were refused."""

    def entry(**fields):
        base = {
            "person": person,
            "substance": "kratom",
            "name": "kratom",
            "amount": 3.0,
            "unit": "g",
            "grams": 3.0,
            "form": "powder",
            "timezone": "Europe/Berlin",
            "taken_at": datetime(2026, 11, 22, 8, tzinfo=UTC),
            "local_day": date(2026, 11, 22),
        }
        return Entry.objects.create(**{**base, **fields})

    made = {
        "year one": entry(taken_at=YEAR_ONE, local_day=date(1, 1, 1)),
        "year 9999": entry(
            taken_at=datetime(9999, 12, 31, 23, tzinfo=UTC), local_day=date(9999, 12, 31)
        ),
        "infinite": entry(amount=float("inf"), grams=float("inf")),
        "unknown zone": entry(
            timezone="Mars/Base",
            taken_at=datetime(2026, 11, 21, 8, tzinfo=UTC),
            local_day=date(2026, 11, 21),
        ),
        "magnesium": entry(
            substance="magnesium",
            name="magnesium",
            grams=None,
            amount=float("inf"),
            unit="mg",
            elemental_mg=float("inf"),
            compound="elemental",
        ),
    }
    Product.objects.create(person=person, name="Odd", grams_per_capsule=float("inf"))
    for rules in (
        [{"id": "w", "kind": "max_use_days", "severity": "limit", "max": 1, "window_days": 10**9}],
        [
            {
                "id": "t",
                "kind": "taper",
                "severity": "limit",
                "start_grams_per_day": 8,
                "step": "1",
                "every_days": 10**9,
                "floor_grams": 0,
            }
        ],
    ):
        PlanVersion.objects.create(
            person=person,
            name="old",
            start=date(2026, 11, 1),
            rules=rules,
            set_at=datetime(2026, 11, 1, tzinfo=UTC),
        )
    CheckIn.objects.create(
        person=person,
        instrument="craving",
        taken_at=YEAR_ONE,
        timezone="Europe/Berlin",
        local_day=date(1, 1, 1),
        answers=[5],
        total=5,
    )
    SleepDiary.objects.create(
        person=person,
        night=date(1, 1, 1),
        timezone="Europe/Berlin",
        into_bed=YEAR_ONE,
        tried_to_sleep=YEAR_ONE,
        sol_minutes=0,
        awakenings=0,
        waso_minutes=0,
        final_awakening=YEAR_ONE,
        out_of_bed=YEAR_ONE,
        quality=3,
    )
    return made


def test_status_history_and_recovery_read_a_poisoned_journal(kl, person):
    kl("dose", "2g", "--at", "08:00")
    poison(person)
    status = json.loads(kl("status", "--json").stdout, parse_constant=refuse_constant)
    # the dose of today and the good one of the day before count; the impossible ones do not
    assert status["totals"]["grams_last_7"] == 5
    assert status["totals"]["use_days_last_7"] == 3  # today, 21 and 22 Nov (inf grams: unknown)
    assert status["magnesium"]["today_elemental_mg"] == 0
    assert status["plan"] is None  # the stored plans that no longer read as plans are left out
    kl("status")
    kl("history", "--from", "2026-11-01")
    json.loads(kl("recovery", "--json").stdout, parse_constant=refuse_constant)
    kl("entries", "--from", "0001-01-01", "--to", "9999-12-31")
    kl("due")


def test_an_entry_with_an_impossible_amount_can_be_edited_deleted_and_exported(
    kl, person, tmp_path
):
    made = poison(person)
    exported = json.loads(kl("export", "json").stdout, parse_constant=refuse_constant)
    odd = next(e for e in exported["entries"] if e["uid"] == str(made["infinite"].uid))
    assert odd["grams"] is None  # JSON cannot hold inf; the export stays JSON
    kl("export", "csv")
    kl("edit", made["infinite"].id, "--amount", "3g")
    kl("delete", made["year one"].id)
    kl("delete", made["infinite"].id)
    assert "undid: deleted entry" in kl("undo").stdout
    kl("revisions", made["infinite"].id)


@pytest.mark.parametrize("kind", ["json", "csv"])
def test_exports_of_a_poisoned_journal_read_back(kl, person, tmp_path, kind):
    poison(person)
    path = tmp_path / f"journal.{kind}"
    kl("export", kind, "--output", path)
    if kind == "json":
        json.loads(path.read_text(), parse_constant=refuse_constant)
    else:  # every entry is a row, with the columns the import reads, its odd values as written
        rows = list(csv.DictReader(path.open(newline="", encoding="utf-8")))
        assert list(rows[0]) == list(COLUMNS)
        read = sorted((datetime.fromisoformat(r["time"]), float(r["amount"]), r["substance"])
                      for r in rows)  # fmt: skip
        held = sorted((e.taken_at, e.amount, e.substance) for e in person.entries.filter(deleted=False))
        assert read == held
