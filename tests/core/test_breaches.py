from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kratomlog.core import rules as r
from kratomlog.core.breaches import find_breaches
from kratomlog.core.days import local_day
from kratomlog.core.journal import Dose, UseIndex
from kratomlog.core.plan import Plan, PlanHistory, preset_plan
from tests.core.helpers import at, day, journal


def judged(rules, index, start=0, last=40):
    plan = Plan("test", day(start), tuple(rules))
    return find_breaches(PlanHistory([plan]), index, day(start), day(last))


def breach_days(breaches):
    return [b.day for b in breaches]


def test_max_use_days_breaks_on_the_use_day_that_overfills_the_window():
    rule = r.MaxUseDays("weekly", "limit", max=1, window_days=7)
    found = judged([rule], journal((0, 2), (3, 2), (7, 2), (14, 2)))
    # day 3 is the second use day in 0..3; day 7's window (1..7) holds days 3 and 7
    assert breach_days(found) == [day(3), day(7)]
    assert found[0].entries == (2,)
    assert found[0].kind == "max_use_days" and found[0].severity == "limit"


def test_max_use_days_counts_a_day_once_however_many_doses():
    rule = r.MaxUseDays("weekly", "limit", max=1, window_days=7)
    assert judged([rule], journal((0, 1, 8), (0, 1, 12), (0, 1, 20))) == []


def test_max_grams_per_dose_breaks_per_dose():
    rule = r.MaxGramsPerDose("dose", "limit", max_grams=3)
    found = judged([rule], journal((0, 3), (0, 3.5, 18), (1, 2)))
    assert [(b.day, b.entries) for b in found] == [(day(0), (2,))]
    assert "3.5 g" in found[0].detail


def test_a_dose_equal_to_the_limit_keeps_it():
    assert judged([r.MaxGramsPerDose("dose", "limit", max_grams=3)], journal((0, 3))) == []


def test_max_grams_per_day_sums_the_local_day():
    rule = r.MaxGramsPerDay("day", "limit", max_grams=5)
    found = judged([rule], journal((0, 3, 9), (0, 2.5, 19), (1, 5)))
    assert breach_days(found) == [day(0)]
    assert found[0].entries == (1, 2)


def test_floating_point_sums_do_not_make_a_false_breach():
    rule = r.MaxGramsPerDay("day", "limit", max_grams=0.3)
    assert judged([rule], journal((0, 0.1, 8), (0, 0.1, 12), (0, 0.1, 16))) == []


def test_min_hours_between_doses_names_both_doses():
    rule = r.MinHoursBetweenDoses("gap", "limit", hours=6)
    found = judged([rule], journal((0, 2, 8), (0, 2, 13), (0, 2, 20)))
    assert [b.entries for b in found] == [(1, 2)]
    assert "5.0 hours" in found[0].detail


def test_max_consecutive_use_days_breaks_from_the_next_day_in_the_run():
    rule = r.MaxConsecutiveUseDays("run", "limit", max=2)
    found = judged([rule], journal((0, 1), (1, 1), (2, 1), (3, 1), (5, 1), (6, 1)))
    assert breach_days(found) == [day(2), day(3)]


def test_no_use_covers_its_days_from_the_plans_start():
    rule = r.NoUse("break", "limit", days=10)
    found = judged([rule], journal((0, 1), (9, 1), (10, 1)), start=0)
    assert breach_days(found) == [day(0), day(9)]


def test_taper_breaks_on_days_above_that_days_allowance():
    rule = r.Taper("taper", "limit", start_grams_per_day=10, step="2", every_days=7, floor_grams=0)
    # allowance: days 0-6 10 g, days 7-13 8 g, days 14-20 6 g
    found = judged([rule], journal((6, 10), (7, 9), (13, 8), (14, 6.5)))
    assert breach_days(found) == [day(7), day(14)]
    assert "the taper allows 8 g" in found[0].detail


def test_targets_are_reported_with_their_severity():
    plan = preset_plan("occasional", day(0))
    found = find_breaches(PlanHistory([plan]), journal((0, 1), (10, 1), (20, 1)), day(0), day(30))
    assert [(b.day, b.severity, b.rule) for b in found] == [
        (day(20), "target", "max_use_days-target")
    ]


def test_each_day_is_judged_by_the_plan_in_force_on_it():
    strict = Plan("strict", day(0), (r.MaxGramsPerDose("dose", "limit", max_grams=2),))
    loose = Plan("loose", day(10), (r.MaxGramsPerDose("dose", "limit", max_grams=5),))
    found = find_breaches(
        PlanHistory([strict, loose]), journal((5, 3), (12, 3), (13, 6)), day(0), day(20)
    )
    assert [(b.day, b.plan) for b in found] == [(day(5), "strict"), (day(13), "loose")]


def test_a_window_that_straddles_a_plan_change_counts_use_before_it():
    # Use on day 8 under no plan, then "1 use day in any 7" from day 10: day 12's window holds 8 and 12.
    weekly = Plan("weekly", day(10), (r.MaxUseDays("weekly", "limit", max=1, window_days=7),))
    found = find_breaches(PlanHistory([weekly]), journal((8, 1), (12, 1)), day(0), day(20))
    assert breach_days(found) == [day(12)]


def test_days_before_any_plan_are_not_judged():
    weekly = Plan("weekly", day(10), (r.MaxUseDays("weekly", "limit", max=1, window_days=7),))
    assert find_breaches(PlanHistory([weekly]), journal((0, 1), (1, 1)), day(0), day(9)) == []


def test_a_plan_set_again_for_the_same_day_replaces_the_first():
    first = Plan("first", day(0), (r.MaxGramsPerDose("dose", "limit", max_grams=1),))
    second = Plan("second", day(0), (r.MaxGramsPerDose("dose", "limit", max_grams=5),))
    assert find_breaches(PlanHistory([first, second]), journal((1, 3)), day(0), day(5)) == []


NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("first", "second", "gap_hours"),
    [
        # spring forward: 01:30 EST to 03:30 EDT is one hour, not two
        (
            datetime(2026, 3, 8, 1, 30, tzinfo=NEW_YORK),
            datetime(2026, 3, 8, 3, 30, tzinfo=NEW_YORK),
            1,
        ),
        # fall back: 00:30 EDT to 01:30 EST is two hours
        (
            datetime(2026, 11, 1, 0, 30, tzinfo=NEW_YORK),
            datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=NEW_YORK),
            2,
        ),
    ],
)
def test_hours_between_doses_are_real_hours_across_daylight_saving(first, second, gap_hours):
    doses = UseIndex(
        [
            Dose(1, first, local_day(first, NEW_YORK), 1),
            Dose(2, second, local_day(second, NEW_YORK), 1),
        ]
    )
    plan = Plan(
        "gap", first.date(), (r.MinHoursBetweenDoses("gap", "limit", hours=gap_hours + 0.5),)
    )
    found = find_breaches(PlanHistory([plan]), doses, first.date(), first.date())
    assert found and f"{gap_hours:.1f} hours" in found[0].detail


def test_a_25_hour_day_is_still_one_local_day():
    fall_back = date(2026, 11, 1)
    early = datetime(2026, 11, 1, 0, 10, tzinfo=NEW_YORK)
    late = (early.astimezone(UTC) + timedelta(hours=24, minutes=30)).astimezone(NEW_YORK)
    assert late.hour == 23 and late.minute == 40  # the same local day, 24.5 hours later
    assert local_day(late, NEW_YORK) == fall_back
    doses = UseIndex([Dose(1, early, fall_back, 2), Dose(2, late, local_day(late, NEW_YORK), 2)])
    plan = Plan("day", fall_back, (r.MaxGramsPerDay("day", "limit", max_grams=3),))
    found = find_breaches(PlanHistory([plan]), doses, fall_back, fall_back)
    assert [(b.day, b.entries) for b in found] == [(fall_back, (1, 2))]


def test_helpers_build_doses_on_berlin_days():
    assert local_day(at(day(0), 23, 59), ZoneInfo("Europe/Berlin")) == day(0)


def test_a_plan_set_during_a_day_judges_only_the_doses_taken_once_it_was_set():
    """A clinician's taper from today after a heavy morning: the morning is no breach; a dose
    after it is judged with the day's total; a pair of doses across the moment still counts."""
    taper = r.Taper("taper", "limit", start_grams_per_day=12, step="1", every_days=7,
                    floor_grams=0)  # fmt: skip
    gap = r.MinHoursBetweenDoses("gap", "limit", hours=4)
    set_at = at(day(0), 13)
    plan = Plan("clinician's", day(0), (taper, gap), judged_from=set_at)
    morning = journal((0, 15, 9))
    assert find_breaches(PlanHistory([plan]), morning, day(0), day(3)) == []
    later = journal((0, 15, 9), (0, 1, 14))
    found = find_breaches(PlanHistory([plan]), later, day(0), day(3))
    assert [(b.rule, b.day, b.entries) for b in found] == [("taper", day(0), (1, 2))]
    everyday = journal((0, 15, 9), (1, 13, 9))
    found = find_breaches(PlanHistory([plan]), everyday, day(0), day(3))
    assert [(b.rule, b.day) for b in found] == [("taper", day(1))]
    # The same plan set by the person themself judges the whole day.
    own = Plan("own", day(0), (taper,))
    assert len(find_breaches(PlanHistory([own]), morning, day(0), day(3))) == 1
