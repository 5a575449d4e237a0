"""core.today_left: the one sentence Today and `status` both say about what is left today."""

from kratomlog.core import rules as r
from kratomlog.core.plan import Plan, PlanHistory
from kratomlog.core.status import judge
from kratomlog.core.today_left import today_left
from tests.core.helpers import at, day, journal


def left(rules, doses=(), when=None, start=0):
    """What is left at `when` (default: day 10 at 20:00, Berlin) under a plan from day `start`."""
    history = PlanHistory([Plan("mine", day(start), tuple(rules))]) if rules else PlanHistory()
    return today_left(judge(when or at(day(10), 20), "Europe/Berlin", history, journal(*doses), 0))


def daily(grams, severity="limit"):
    return r.MaxGramsPerDay("daily", severity, grams)


def test_without_a_plan_nothing_limits_the_day_and_a_dose_is_offered():
    found = left([], doses=[(10, 4.0)])
    assert found.sentence == "No plan is in force, so no limit counts what you take today."
    assert (found.grams_allowed, found.grams_left, found.limited_by) == (None, None, None)
    assert found.dose_now_within_limits and not found.quiet


def test_the_grams_left_under_a_daily_limit_count_todays_doses():
    found = left([daily(6)], doses=[(9, 5.0), (10, 1.5), (10, 2.5)])
    assert found.sentence == "2 g left today under your daily limit of 6 g."
    assert found.grams_left == 2.0 and found.dose_now_within_limits and not found.quiet
    assert found.as_dict()["limited_by"] == "daily limit"


def test_a_day_at_exactly_its_limit_has_nothing_left_and_offers_no_dose():
    found = left([daily(0.3)], doses=[(10, 0.1), (10, 0.2)])  # 0.1 + 0.2 is not 0.3 in floats
    assert found.grams_left == 0.0 and str(found.grams_left) == "0.0"
    assert (
        found.sentence
        == "Nothing is left today under your daily limit of 0.3 g: 0.3 g taken so far."
    )
    assert not found.dose_now_within_limits and found.quiet


def test_the_tightest_of_a_taper_and_a_daily_limit_counts():
    taper = r.Taper("taper", "limit", 12.0, "1", 7, 0.0)  # day 10 is in the second step: 11 g
    assert left([taper]).sentence == "11 g left today under your taper allowance of 11 g."
    both = left([taper, daily(10)])
    assert both.limited_by == "daily limit" and both.grams_allowed == 10


def test_a_target_is_not_a_limit_on_the_day():
    assert left([daily(2, severity="target")], doses=[(10, 3.0)]).sentence == (
        "Your plan sets no gram limit for today."
    )


def test_a_taper_at_zero_says_no_kratom_today():
    taper = r.Taper("taper", "limit", 2.0, "1", 4, 0.0)  # 2 g, 1 g, then 0 g from day 8
    found = left([taper])
    assert found.sentence == "Today's taper allowance is 0 g: no kratom today under your plan."
    assert found.quiet


def test_a_break_in_force_names_its_day_and_its_last_day():
    found = left([r.NoUse("break", "limit", 90)], start=6)
    assert found.sentence == (
        "A break is in force: no use today under your plan, day 5 of 90; "
        "it runs to the end of Thursday 4 June 2026."
    )
    assert found.break_until == day(6 + 89) and found.quiet


def test_a_timing_limit_says_when_the_next_dose_is_allowed_in_the_journals_zone():
    found = left([r.MinHoursBetweenDoses("gap", "limit", 6)], doses=[(10, 2.0, 17)])
    assert found.sentence == (
        "Your plan sets no gram limit for today. "
        "Your timing limits allow no use before Wednesday 11 March, 23:00."
    )
    assert not found.dose_now_within_limits


def test_loss_of_control_offers_no_one_tap_dose_even_with_grams_left():
    found = left([daily(3)], doses=[(2, 4.0), (5, 4.0)])  # two days over within 30 days
    assert found.grams_left == 3.0 and found.dose_now_within_limits
    assert found.quiet
