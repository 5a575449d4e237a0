"""Hold a step and step back, against the schedules they make, worked out by hand."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kratomlog.core.errors import InputError
from kratomlog.core.plan import Plan
from kratomlog.core.rules import MaxGramsPerDose, Taper
from kratomlog.core.taper import allowance_on, schedule
from kratomlog.core.taper_change import hold, step_back

# From Monday 2 November: 6 g (2-8 Nov), 4 g (9-15), 2 g (16-22), 0 g from 23 November.
START = date(2026, 11, 2)
TAPER = Taper("taper", "limit", start_grams_per_day=6, step="2", every_days=7, floor_grams=0)
DOSE = MaxGramsPerDose("dose", "limit", max_grams=3)
PLAN = Plan("taper from 6 g", START, (TAPER, DOSE), "your own taper", "set by you")
WEDNESDAY = date(2026, 11, 11)  # in step 2 (4 g, 9-15 November)


def rows(plan: Plan) -> list[tuple[int, str, str, float]]:
    assert plan.taper is not None
    return [
        (s.number, str(s.first_day), str(s.last_day or "on"), s.grams_per_day)
        for s in schedule(plan.taper, plan.start)
    ]


def test_holding_a_step_lengthens_it_and_moves_every_later_step_by_as_many_days():
    held = hold(PLAN, WEDNESDAY, 5)
    # Step 2 ran to Sunday 15 November; held 5 days it runs to Friday 20 November (today, the
    # 11th, to the 20th: 10 days), then 2 g for 7 days (21-27) and 0 g from the 28th: 5 later.
    assert held.start == WEDNESDAY
    assert rows(held) == [
        (1, "2026-11-11", "2026-11-20", 4.0),
        (2, "2026-11-21", "2026-11-27", 2.0),
        (3, "2026-11-28", "on", 0.0),
    ]
    assert held.taper.first_step_days == 10
    assert held.name == "taper from 6 g (step 2 at 4 g held to 2026-11-20)"
    assert held.rules[1] == DOSE and held.source == "your own taper"
    assert "the first step 10 days" in held.taper.describe()


def test_stepping_back_gives_the_previous_allowance_for_a_whole_step_from_today():
    back = step_back(PLAN, WEDNESDAY)
    # Back to step 1's 6 g from the 11th for 7 days (11-17), then 4 g (18-24), 2 g (25 Nov-1
    # Dec) and 0 g from 2 December.
    assert rows(back) == [
        (1, "2026-11-11", "2026-11-17", 6.0),
        (2, "2026-11-18", "2026-11-24", 4.0),
        (3, "2026-11-25", "2026-12-01", 2.0),
        (4, "2026-12-02", "on", 0.0),
    ]
    assert back.name == "taper from 6 g (back to 6 g on 2026-11-11)"
    assert back.taper.first_step_days == 0


def test_a_held_taper_can_be_held_again_and_stepped_back_to_before_it_began():
    held = hold(PLAN, WEDNESDAY, 5)
    again = hold(held, date(2026, 11, 19), 2)  # step 1 of the held plan, to the 20th, then +2
    assert rows(again)[:2] == [(1, "2026-11-19", "2026-11-22", 4.0), (2, "2026-11-23", "2026-11-29", 2.0)]  # fmt: skip
    assert again.name == "taper from 6 g (step 1 at 4 g held to 2026-11-22)"
    # In the held plan's first step, the allowance before it (6 g) comes from the earlier plan.
    back = step_back(held, date(2026, 11, 12), earlier_grams=6.0)
    assert rows(back)[0] == (1, "2026-11-12", "2026-11-18", 6.0)


def test_a_percentage_taper_goes_on_with_the_same_steps_after_a_hold():
    tenth = Taper("taper", "limit", start_grams_per_day=10, step="10%", every_days=3, floor_grams=2)
    plan = Plan("taper from 10 g", START, (tenth,))
    # 10, 9, 8.1, 7.2 (7.29 down to 0.1 g), ...: today (the 8th) is in step 3 (8-10 Nov).
    held = hold(plan, date(2026, 11, 8), 3)
    original, after = rows(plan), rows(held)
    assert after[0] == (1, "2026-11-08", "2026-11-13", 8.1)
    assert [r[3] for r in after] == [r[3] for r in original[2:]]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda: hold(PLAN, WEDNESDAY, 0), "days: 0: hold a step for a whole number of days, 1 to 365"),
        (lambda: hold(PLAN, WEDNESDAY, 366), "days: 366: hold a step for a whole number of days, 1 to 365"),
        (lambda: hold(PLAN, date(2026, 11, 30), 3), "the last step (0 g) lasts as it is"),
        (lambda: hold(PLAN, date(2026, 11, 1), 3), "the taper begins on 2026-11-02"),
        (lambda: step_back(PLAN, date(2026, 11, 3)), "step 1 is the taper's first"),
        (lambda: hold(Plan("dose", START, (DOSE,)), WEDNESDAY, 3), "the plan in force has no taper"),
    ],
)  # fmt: skip
def test_a_change_that_cannot_be_made_is_refused_in_words(change, problem):
    with pytest.raises(InputError) as refused:
        change()
    assert problem in str(refused.value)


@given(
    today=st.integers(0, 20).map(lambda n: START + timedelta(days=n)),
    days=st.integers(1, 30),
)
def test_a_hold_never_changes_today_and_shifts_every_later_day_by_exactly_its_days(today, days):
    held = hold(PLAN, today, days)
    assert allowance_on(held.taper, held.start, today) == allowance_on(TAPER, START, today)
    step_end = next(
        s for s in schedule(TAPER, START) if s.last_day and s.last_day >= today
    ).last_day
    for offset in range(60):
        day = step_end + timedelta(days=1 + offset)
        assert allowance_on(held.taper, held.start, day + timedelta(days=days)) == allowance_on(
            TAPER, START, day
        )
