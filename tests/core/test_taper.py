import itertools
from datetime import date

import pytest

from kratomlog.core.errors import InputError
from kratomlog.core.plan import taper_plan
from kratomlog.core.rules import Taper
from kratomlog.core.taper import allowance_on, allowances, schedule

START = date(2026, 12, 1)


def test_a_ten_percent_taper_from_12g_weekly_with_a_1g_floor():
    rule = Taper("taper", "limit", start_grams_per_day=12, step="10%", every_days=7, floor_grams=1)
    steps = allowances(rule)
    # each step 10% below the one before, rounded down to what a kitchen scale weighs (0.1 g)
    assert steps[:5] == (12, 10.8, 9.7, 8.7, 7.8)
    assert all(round(step, 1) == step for step in steps)
    assert steps[-2] >= 1 and steps[-1] == 0 and steps[-2] * 0.9 < 1.1


def test_rounding_down_never_lets_a_small_step_stand_still():
    rule = Taper("taper", "limit", start_grams_per_day=1, step="5%", every_days=1, floor_grams=0)
    steps = allowances(rule)
    assert all(later < earlier for earlier, later in itertools.pairwise(steps))
    assert steps[:4] == (1, 0.9, 0.8, 0.7) and steps[-1] == 0


def test_a_gram_step_reaches_zero_without_a_floor():
    rule = Taper("taper", "limit", start_grams_per_day=3, step="1", every_days=5, floor_grams=0)
    assert allowances(rule) == (3, 2, 1, 0)


def test_the_schedule_lists_each_step_with_its_days():
    plan = taper_plan(3, "1", 5, None, START)
    assert [
        (s.number, s.first_day, s.last_day, s.grams_per_day) for s in schedule(plan.taper, START)
    ] == [
        (1, date(2026, 12, 1), date(2026, 12, 5), 3),
        (2, date(2026, 12, 6), date(2026, 12, 10), 2),
        (3, date(2026, 12, 11), date(2026, 12, 15), 1),
        (4, date(2026, 12, 16), None, 0),
    ]


def test_the_allowance_of_a_day_follows_its_step_and_stays_at_zero():
    rule = Taper("taper", "limit", start_grams_per_day=3, step="1", every_days=5, floor_grams=0)
    assert allowance_on(rule, START, date(2026, 12, 5)) == 3
    assert allowance_on(rule, START, date(2026, 12, 6)) == 2
    assert allowance_on(rule, START, date(2027, 6, 1)) == 0


def test_a_percentage_taper_needs_a_floor_and_says_so_by_option():
    with pytest.raises(InputError) as caught:
        taper_plan(12, "10%", 7, None, START)
    assert caught.value.field == "--floor"


@pytest.mark.parametrize(
    ("option", "args"),
    [
        ("--from", (0, "1", 7, None)),
        ("--every", (12, "1", 0, None)),
        ("--step", (12, "ten", 7, None)),
    ],
)
def test_taper_options_are_checked_by_name(option, args):
    with pytest.raises(InputError) as caught:
        taper_plan(*args, START)
    assert caught.value.field == option


def test_a_taper_that_would_take_too_many_steps_is_refused():
    with pytest.raises(InputError, match="more than 1000 steps"):
        allowances(
            Taper("t", "limit", start_grams_per_day=100, step="0.01", every_days=1, floor_grams=0)
        )


def test_a_plan_file_taper_that_never_ends_is_refused_when_set():
    from kratomlog.core.plan import plan_from_toml

    text = (
        'name = "slow"\n[[rule]]\nkind = "taper"\nstart_grams_per_day = 100\n'
        "step = 0.01\nevery_days = 1\n"
    )
    with pytest.raises(InputError) as caught:
        plan_from_toml(text, START)
    assert caught.value.field == "rule 1.step" and "1000 steps" in caught.value.problem
