"""A realistic demo journal: daily use, then a taper with a few days over it, and magnesium.

The same seed gives the same journal, so screenshots and examples stay stable.
"""

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction

from kratomlog.core.amounts import MAGNESIUM_FRACTION
from kratomlog.core.bounds import check_days
from kratomlog.core.days import local_day, zone
from kratomlog.core.errors import InputError
from kratomlog.core.formats import ImportRow, Reading
from kratomlog.core.plan import taper_plan
from kratomlog.core.taper import allowance_on
from kratomlog.journal.models import Person
from kratomlog.journal.transfer import read_rows_as, store_rows
from kratomlog.plans.services import save_plan

TAPER_FROM_GRAMS, TAPER_STEP, TAPER_EVERY, TAPER_FLOOR = 12.0, "15%", 7, 3.0


@transaction.atomic
def load_demo(*, person: Person, now: datetime, days: int = 90, seed: int = 7) -> int:
    if days < 30:
        raise InputError("--days", f"{days} is too short; a demo needs 30 days or more")
    check_days(days, "--days")
    if person.entries.exists():
        raise InputError(
            "demo",
            "this journal already has entries; the demo only fills an empty "
            "journal (point KRATOMLOG_HOME at a new directory to try it)",
        )
    tz = zone(person.timezone)
    today = local_day(now, tz)
    first = today - timedelta(days=days - 1)
    taper_start = first + timedelta(days=days // 4)
    plan = taper_plan(TAPER_FROM_GRAMS, TAPER_STEP, TAPER_EVERY, TAPER_FLOOR, taper_start)
    assert plan.taper is not None
    rng = random.Random(seed)
    rows: list[ImportRow] = []

    def add(day: date, hour: float, **fields: object) -> None:
        moment = datetime.combine(day, time(0), tzinfo=tz) + timedelta(hours=hour)
        if moment <= now:
            rows.append(read_rows_as(len(rows) + 1, moment, f"demo:{seed}:{len(rows)}", **fields))

    for offset in range(days):
        day = first + timedelta(days=offset)
        if day < taper_start:
            daily = rng.uniform(10, 14)
        elif allowance_on(plan.taper, taper_start, day) == 0:
            daily = rng.uniform(1, 2) if rng.random() < 0.25 else 0  # a few slips at the end
        else:
            allowed = allowance_on(plan.taper, taper_start, day)
            over = rng.random() < 0.12  # about one day in eight goes over the allowance
            daily = allowed * (rng.uniform(1.1, 1.35) if over else rng.uniform(0.8, 1.0))
        doses = 3 if daily > 8 else 2 if daily > 2 else 1 if daily else 0
        for number in range(doses):
            grams = max(0.5, round(daily / doses * 2) / 2)
            add(
                day,
                8 + number * 5 + rng.uniform(0, 2),
                substance="kratom",
                name="kratom",
                amount=grams,
                unit="g",
                grams=grams,
                form="powder",
                product="Red Maeng Da",
                purpose=rng.choice(["energy", "pain", "withdrawal"]),
            )
        if day >= taper_start - timedelta(days=3) and rng.random() < 0.85:
            compound_mg = rng.choice([1000, 1500, 2000])
            add(
                day,
                21.5,
                substance="magnesium",
                name="magnesium",
                amount=compound_mg,
                unit="mg",
                elemental_mg=compound_mg * MAGNESIUM_FRACTION["glycinate"],
                compound="glycinate",
                note="before bed",
            )
        if offset in (days // 3, days // 3 + 30):
            add(
                day,
                19.5,
                substance="other",
                name="beer",
                amount=2,
                unit="bottles",
                category="alcohol",
            )
    with transaction.atomic():
        person.products.get_or_create(
            name="Red Maeng Da",
            defaults={"form": "powder", "vein": "red", "grams_per_teaspoon": 2.5},
        )
        save_plan(person, plan, now)
        store_rows(person, Reading(rows=rows), "demo", "demo", now, None)
    return len(rows)
