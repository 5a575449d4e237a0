"""Every time and number is checked against a sane range before anything is written, and a
local time that a daylight-saving change skips or repeats is refused with its two readings."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from kratomlog.core.amounts import kratom_grams, parse_amount, parse_number
from kratomlog.core.days import zone
from kratomlog.core.errors import InputError
from kratomlog.core.instruments import PHQ9, parse_answers
from kratomlog.core.plan import plan_from_dict, plan_from_toml, taper_plan
from kratomlog.core.rules import rule_from_table
from kratomlog.core.sleep import night_from_diary
from kratomlog.core.when import parse_when

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)  # 19:00 in Berlin
TODAY = date(2026, 11, 23)


@pytest.mark.parametrize("text", ["0001-01-01T00:00Z", "0001-01-01T00:00+05:00", "1969-12-31"])
def test_a_time_before_1970_is_refused_naming_the_field(text):
    with pytest.raises(InputError) as refused:
        parse_when(text, NOW, BERLIN)
    assert refused.value.field == "--at" and "out of range" in refused.value.problem


def test_1970_itself_is_a_time_a_journal_can_hold():
    assert parse_when("1970-01-01T00:00Z", NOW, BERLIN) == datetime(1970, 1, 1, tzinfo=UTC)


def test_a_time_in_the_spring_gap_is_refused_with_both_readings():
    with pytest.raises(InputError) as refused:
        parse_when("2026-03-29T02:30", NOW, BERLIN)
    problem = refused.value.problem
    assert "does not exist in Europe/Berlin" in problem
    assert "2026-03-29T02:30+01:00 (that is 03:30 CEST)" in problem
    assert "2026-03-29T02:30+02:00 (that is 01:30 CET)" in problem


def test_a_time_the_autumn_change_repeats_is_refused_with_both_readings():
    with pytest.raises(InputError) as refused:
        parse_when("2026-10-25T02:30", NOW, BERLIN)
    problem = refused.value.problem
    assert "happens twice in Europe/Berlin" in problem
    assert "2026-10-25T02:30+02:00 (the first, CEST)" in problem
    assert "2026-10-25T02:30+01:00 (the second, CET)" in problem


def test_with_an_offset_the_same_times_are_taken_as_given():
    assert parse_when("2026-10-25T02:30+01:00", NOW, BERLIN) == datetime(
        2026, 10, 25, 1, 30, tzinfo=UTC
    )
    assert parse_when("2026-03-29T02:30+02:00", NOW, BERLIN) == datetime(
        2026, 3, 29, 0, 30, tzinfo=UTC
    )


def test_a_clock_time_today_in_the_gap_is_refused_too():
    spring_evening = datetime(2026, 3, 29, 18, 0, tzinfo=UTC)
    with pytest.raises(InputError, match="does not exist"):
        parse_when("02:30", spring_evening, BERLIN)
    assert parse_when("03:30", spring_evening, BERLIN) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


@pytest.mark.parametrize("text", ["1,000mg", "2,500 mg", "12,345mg"])
def test_a_comma_before_three_digits_is_ambiguous_and_refused(text):
    with pytest.raises(InputError) as refused:
        parse_amount(text)
    assert "ambiguous" in refused.value.problem and refused.value.field == "AMOUNT"


def test_a_decimal_comma_is_still_read():
    assert parse_amount("0,5g").value == 0.5
    assert parse_amount("1,25 g").value == 1.25


def test_an_amount_too_large_to_be_finite_is_refused():
    with pytest.raises(InputError, match="out of range"):
        parse_amount("9" * 400 + "g")  # float() of it is inf


def test_no_kratom_dose_weighs_more_than_a_kilogram():
    with pytest.raises(InputError, match="over 1000 g"):
        kratom_grams(parse_amount("2000g"))
    with pytest.raises(InputError, match="= 1500 g is over 1000 g"):
        kratom_grams(parse_amount("3000 caps"), grams_per_capsule=0.5)
    assert kratom_grams(parse_amount("1000g")) == 1000


@pytest.mark.parametrize("text", ["nan", "inf", "1e308", "-1", "", "1,000"])
def test_a_bare_number_takes_only_the_forms_an_amount_takes(text):
    with pytest.raises(InputError):
        parse_number(text, "grams per capsule")


@pytest.mark.parametrize(
    ("table", "field"),
    [
        ({"kind": "max_use_days", "max": 1, "window_days": 1_000_000_000}, "rule 1.window_days"),
        ({"kind": "max_use_days", "max": 10**400, "window_days": 7}, "rule 1.max"),
        ({"kind": "no_use", "days": 3654}, "rule 1.days"),
        ({"kind": "min_hours_between_doses", "hours": 1e300}, "rule 1.hours"),
        ({"kind": "max_grams_per_day", "max_grams": float("inf")}, "rule 1.max_grams"),
        ({"kind": "max_grams_per_dose", "max_grams": 1e308}, "rule 1.max_grams"),
        (
            {"kind": "taper", "start_grams_per_day": 8, "step": "1", "every_days": 10**9},
            "rule 1.every_days",
        ),
        (
            {"kind": "taper", "start_grams_per_day": 8, "step": "9" * 400, "every_days": 7},
            "rule 1.step",
        ),
    ],
)
def test_a_rule_out_of_range_is_refused_naming_its_parameter(table, field):
    with pytest.raises(InputError) as refused:
        rule_from_table(table, 1, table["kind"])
    assert refused.value.field == field
    assert "out of range" in refused.value.problem or refused.value.problem == "inf is not a number"


def test_ten_years_is_the_longest_window_a_rule_may_have():
    rule = rule_from_table({"kind": "max_use_days", "max": 2, "window_days": 3653}, 1, "w")
    assert rule.as_dict()["window_days"] == 3653


def test_a_taper_must_reach_zero_within_ten_years():
    with pytest.raises(InputError) as refused:
        taper_plan(20, "0.1", 30, None, TODAY)  # 200 steps of 30 days: 16 years
    assert refused.value.field == "--step" and "ten years" in refused.value.problem


def test_a_plan_file_cannot_start_before_1970_or_name_a_rule_that_is_not_a_table():
    with pytest.raises(InputError) as refused:
        plan_from_toml('name = "x"\nstart = 0001-01-01\n[[rule]]\nkind = "no_use"\ndays = 9', TODAY)
    assert refused.value.field == "start"
    with pytest.raises(InputError) as refused:
        plan_from_toml('name = "x"\nrule = [1, 2]\n', TODAY)
    assert refused.value.field == "rule 1"


def test_a_stored_plan_with_a_rule_out_of_range_does_not_read_as_a_plan():
    stored = {
        "name": "old",
        "start": "2026-01-01",
        "rules": [{"id": "w", "kind": "max_use_days", "max": 1, "window_days": 10**9}],
    }
    with pytest.raises(InputError):
        plan_from_dict(stored)


def test_superscript_digits_are_not_answers():
    with pytest.raises(InputError) as refused:
        parse_answers("²,0,0,0,0,0,0,0,0", PHQ9)
    assert refused.value.field == "--answers" and "'²'" in refused.value.problem


def test_a_time_zone_name_too_long_for_a_file_name_is_bad_input():
    with pytest.raises(InputError) as refused:
        zone("Europe/" + "x" * 300)
    assert refused.value.field == "timezone"


def test_a_sleep_diary_bounds_its_counts_and_minutes():
    times = {"bed": "23:00", "tried": "23:10", "final": "06:00", "up": "06:30", "quality": 3}
    with pytest.raises(InputError) as refused:
        night_from_diary(TODAY, BERLIN, sol=10, wakes=10**20, waso=5, **times)
    assert refused.value.field == "--wakes"
    with pytest.raises(InputError) as refused:
        night_from_diary(TODAY, BERLIN, sol=10**20, wakes=1, waso=5, **times)
    assert refused.value.field == "--sol"


def test_a_night_with_no_time_in_bed_is_refused():
    with pytest.raises(InputError) as refused:
        night_from_diary(
            TODAY, BERLIN, bed="23:00", tried="23:00", sol=0, wakes=0, waso=0,
            final="23:00", up="23:00", quality=3,
        )  # fmt: skip
    assert refused.value.field == "--up"
