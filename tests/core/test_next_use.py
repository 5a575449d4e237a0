from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from kratomlog.core import rules as r
from kratomlog.core.journal import UseIndex
from kratomlog.core.next_use import next_use_allowed
from kratomlog.core.plan import Plan, PlanHistory
from tests.core.helpers import BERLIN, at, day, journal


def allowed(rules, index, as_of, start=0, extra_plans=()):
    plan = Plan("test", day(start), tuple(rules))
    return next_use_allowed(PlanHistory([plan, *extra_plans]), index, as_of, BERLIN)


def test_without_a_plan_a_dose_is_within_limits_now():
    now = at(day(3), 10)
    assert next_use_allowed(PlanHistory([]), journal((0, 1)), now, BERLIN) == now


def test_one_use_day_in_seven_frees_the_day_a_week_after_the_last_use():
    rule = r.MaxUseDays("weekly", "limit", max=1, window_days=7)
    assert allowed([rule], journal((2, 2)), at(day(4), 10)) == at(day(9), 0)


def test_a_second_dose_on_a_day_already_used_is_within_a_use_day_limit():
    rule = r.MaxUseDays("weekly", "limit", max=1, window_days=7)
    now = at(day(2), 20)
    assert allowed([rule], journal((2, 2, 9)), now) == now


def test_min_hours_frees_a_moment():
    rule = r.MinHoursBetweenDoses("gap", "limit", hours=6)
    assert allowed([rule], journal((2, 2, 9)), at(day(2), 11)) == at(day(2), 15)


def test_min_hours_and_a_day_rule_together():
    rules = [
        r.MinHoursBetweenDoses("gap", "limit", hours=6),
        r.MaxConsecutiveUseDays("run", "limit", max=1),
    ]
    # used on day 2 at 22:00: day 3 would be a 2nd day in a row, day 4 is free from 00:00
    assert allowed(rules, journal((2, 2, 22)), at(day(2), 23)) == at(day(4), 0)


def test_no_use_frees_the_day_after_the_period():
    rule = r.NoUse("break", "limit", days=90)
    assert allowed([rule], UseIndex([]), at(day(5), 12)) == at(day(90), 0)


def test_targets_and_gram_rules_never_hold_a_dose_back():
    rules = [
        r.MaxUseDays("weekly", "target", max=1, window_days=7),
        r.MaxGramsPerDay("day", "limit", max_grams=1),
    ]
    now = at(day(3), 12)
    assert allowed(rules, journal((2, 5)), now) == now


def test_a_plan_starting_later_is_taken_into_account():
    later = Plan("break", day(10), (r.NoUse("break", "limit", days=5),))
    rule = r.MaxUseDays("weekly", "limit", max=1, window_days=7)
    # the weekly rule would free day 10, but from day 10 the break holds until day 15
    assert allowed([rule], journal((3, 1)), at(day(4), 12), extra_plans=[later]) == at(day(15), 0)


def test_the_day_that_is_freed_starts_at_local_midnight_across_a_clock_change():
    # Europe/Berlin springs forward on 2026-03-29: the day still starts at 00:00 CET (23:00 UTC)
    rule = r.MaxUseDays("weekly", "limit", max=1, window_days=7)
    index = journal((21, 1))  # 2026-03-22
    result = allowed([rule], index, at(day(22), 12))
    assert result == datetime(2026, 3, 28, 23, 0, tzinfo=UTC)
    assert result.astimezone(ZoneInfo("Europe/Berlin")).hour == 0
