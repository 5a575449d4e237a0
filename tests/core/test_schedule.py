"""core.schedule: items, their occurrences in local time across daylight saving, the ledger."""

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kratomlog.core import schedule
from kratomlog.core.errors import InputError

BERLIN, NEW_YORK = ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")


def item(**fields):
    return schedule.item_from_dict(
        {"instrument": "phq9", "at": "09:00", **fields}, date(2026, 1, 5)
    )


@pytest.mark.parametrize(
    ("tz", "spring", "autumn"),
    [
        (BERLIN, date(2026, 3, 29), date(2026, 10, 25)),
        (NEW_YORK, date(2026, 3, 8), date(2026, 11, 1)),
    ],
)
def test_a_daily_0900_item_is_due_at_0900_local_each_day_across_both_changes(tz, spring, autumn):
    daily = item(every="day", start="2026-01-01")
    for change in (spring, autumn):
        begin = datetime.combine(change - timedelta(days=3), time(0), tz)
        found = schedule.occurrences(daily, begin, begin + timedelta(days=7), tz)
        assert [o.due_at.astimezone(tz).time() for o in found] == [time(9)] * 7
        assert [o.due_at.astimezone(tz).date() for o in found] == [
            change - timedelta(days=3 - n) for n in range(7)
        ]
        # The window runs to the next morning: 23 hours over the spring change, 25 in autumn.
        lengths = {o.due_at.astimezone(tz).date(): o.window_end - o.due_at for o in found}
        expected = timedelta(hours=23 if change == spring else 25)
        assert lengths[change - timedelta(days=1)] == expected


def test_weekly_on_a_weekday_every_n_days_and_monthly_on_a_day():
    weekly = item(every="week", weekday="mon", start="2026-01-07")  # a Wednesday
    begin = datetime(2026, 1, 1, tzinfo=UTC)
    days = [
        o.due_at.date()
        for o in schedule.occurrences(weekly, begin, begin + timedelta(days=30), BERLIN)
    ]
    assert days == [date(2026, 1, 12), date(2026, 1, 19), date(2026, 1, 26)]
    every_3 = item(every=3, start="2026-01-05")
    found = schedule.occurrences(every_3, begin, begin + timedelta(days=12), BERLIN)
    assert [o.due_at.date() for o in found] == [
        date(2026, 1, 5),
        date(2026, 1, 8),
        date(2026, 1, 11),
    ]
    monthly = item(every="month", day_of_month=15, start="2026-01-20")
    found = schedule.occurrences(monthly, begin, begin + timedelta(days=80), BERLIN)
    assert [o.due_at.date() for o in found] == [date(2026, 2, 15), date(2026, 3, 15)]
    assert all(o.window_end - o.due_at == schedule.LONGEST_WINDOW for o in found)


def test_the_step_down_goes_weekly_4_times_then_fortnightly_twice_then_monthly():
    stepped = item(
        every="week", weekday="mon", start="2026-01-05",
        step_down=[{"after": 4, "every": 14}, {"after": 2, "every": "month", "day_of_month": 1}],
    )  # fmt: skip
    begin = datetime(2026, 1, 1, tzinfo=UTC)
    found = schedule.occurrences(stepped, begin, datetime(2026, 6, 2, tzinfo=UTC), BERLIN)
    assert [o.due_at.date().isoformat() for o in found] == [
        "2026-01-05", "2026-01-12", "2026-01-19", "2026-01-26",
        "2026-02-09", "2026-02-23",
        "2026-03-01", "2026-04-01", "2026-05-01", "2026-06-01",
    ]  # fmt: skip
    assert schedule.item_from_dict(stepped.as_dict(), date(2030, 1, 1)) == stepped
    assert stepped.describe() == (
        "every week on Monday at 09:00, then after 4, every 14 days at 09:00, then after 2, "
        "every month on day 1 at 09:00, from 2026-01-05"
    )


def test_an_item_ends_on_its_last_day():
    short = item(every="day", start="2026-01-05", end="2026-01-07")
    found = schedule.next_occurrences(short, datetime(2026, 1, 1, tzinfo=UTC), BERLIN, 14)
    assert [o.due_at.date() for o in found] == [
        date(2026, 1, 5),
        date(2026, 1, 6),
        date(2026, 1, 7),
    ]
    assert found[-1].window_end - found[-1].due_at == schedule.LONGEST_WINDOW


@pytest.mark.parametrize(
    ("fields", "field", "form"),
    [
        ({"instrument": "mood"}, "items[0].instrument", "phq9, gad7"),
        ({"every": "fortnight"}, "items[0].every", "day, week, month or a number of days"),
        ({"every": "week"}, "items[0].weekday", "mon, tue"),
        ({"every": "week", "weekday": "someday"}, "items[0].weekday", "mon, tue"),
        ({"every": "month", "day_of_month": 31}, "items[0].day_of_month", "1 to 28"),
        ({"at": "9am"}, "items[0].at", "HH:MM"),
        ({"at": "24:00"}, "items[0].at", "HH:MM"),
        ({"start": "tomorrow"}, "items[0].start", "YYYY-MM-DD"),
        ({"end": "2025-01-01"}, "items[0].end", "before the start"),
        ({"step_down": [{"every": 14}]}, "items[0].step_down[0].after", "whole number"),
        ({"colour": "red"}, "items[0].colour", "not a schedule field"),
    ],
)
def test_bad_items_are_refused_naming_the_field_and_the_accepted_form(fields, field, form):
    raw = {"instrument": "phq9", "every": "day", "at": "09:00", **fields}
    with pytest.raises(InputError) as refused:
        schedule.items_from_list([raw], date(2026, 1, 5))
    assert refused.value.field == field and form in refused.value.problem


def test_one_item_per_instrument():
    raw = {"instrument": "sleep", "every": "day", "at": "08:30"}
    with pytest.raises(InputError, match=r"items\[1\].instrument: sleep is already"):
        schedule.items_from_list([raw, raw], date(2026, 1, 5))


def test_the_ledger_marks_done_inside_the_window_missed_after_it():
    daily = item(every="day", start="2026-01-05")
    found = schedule.occurrences(
        daily, datetime(2026, 1, 5, tzinfo=UTC), datetime(2026, 1, 9, tzinfo=UTC), BERLIN
    )
    now = datetime(2026, 1, 8, 10, tzinfo=UTC)
    recorded = {"phq9": [datetime(2026, 1, 5, 9, tzinfo=UTC), datetime(2026, 1, 4, 9, tzinfo=UTC)]}
    states = [entry.state for entry in schedule.ledger(found, recorded, now)]
    assert states == ["done", "missed", "missed", "due"]
    assert schedule.adherence(states) == (1, 3)
    assert schedule.missed_in_a_row(list(reversed(states))) == 2


def test_reminders_two_rounds_three_hours_apart_never_in_quiet_hours():
    occurrence = schedule.Occurrence(
        "phq9", datetime(2026, 1, 5, 8, tzinfo=UTC), datetime(2026, 1, 6, 8, tzinfo=UTC)
    )
    quiet = (schedule.QUIET_FROM, schedule.QUIET_TO)
    nine = datetime(2026, 1, 5, 8, tzinfo=UTC)  # 09:00 in Berlin
    due = schedule.reminder_round_due
    assert due(occurrence, "due", nine, None, 0, quiet, BERLIN) == 1
    assert due(occurrence, "due", nine + timedelta(hours=1), nine, 1, quiet, BERLIN) is None
    assert due(occurrence, "due", nine + timedelta(hours=3), nine, 1, quiet, BERLIN) == 2
    assert due(occurrence, "due", nine + timedelta(hours=5), nine, 2, quiet, BERLIN) is None
    assert due(occurrence, "done", nine, None, 0, quiet, BERLIN) is None
    late = datetime(2026, 1, 5, 22, tzinfo=UTC)  # 23:00 in Berlin
    assert due(occurrence, "due", late, nine, 1, quiet, BERLIN) is None
    assert due(occurrence, "due", late, nine, 1, (time(0), time(0)), BERLIN) == 2


zones = st.sampled_from(["Europe/Berlin", "America/New_York", "Australia/Sydney", "UTC"])
clocks = st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45]))
cadences = st.one_of(
    st.just({"every": "day"}),
    st.builds(lambda d: {"every": "week", "weekday": d}, st.sampled_from(schedule.WEEKDAYS)),
    st.builds(lambda n: {"every": n}, st.integers(1, 40)),
    st.builds(lambda d: {"every": "month", "day_of_month": d}, st.integers(1, 28)),
)


@settings(max_examples=150, deadline=None)
@given(zones, clocks, cadences, st.dates(date(2024, 1, 1), date(2028, 12, 31)), st.integers(0, 400))
def test_occurrences_are_in_order_at_the_local_time_with_windows_that_never_overlap(
    name, at, cadence, start, offset
):
    tz = ZoneInfo(name)
    one = schedule.item_from_dict(
        {"instrument": "gad7", "at": f"{at:%H:%M}", "start": start.isoformat(), **cadence}, start
    )
    assert schedule.item_from_dict(one.as_dict(), date(2000, 1, 1)) == one
    begin = datetime.combine(start + timedelta(days=offset), time(0), tz)
    found = schedule.occurrences(one, begin, begin + timedelta(days=90), tz)
    for occurrence in found:
        local = occurrence.due_at.astimezone(tz)
        # The wall clock says `at`, save on a spring-forward day when `at` does not exist.
        assert local.time() == at or local.utcoffset() != (local - timedelta(hours=3)).utcoffset()
        assert begin <= occurrence.due_at < begin + timedelta(days=90)
        assert timedelta(0) < occurrence.window_end - occurrence.due_at <= schedule.LONGEST_WINDOW
    for earlier, later in pairwise(found):
        assert earlier.window_end <= later.due_at
    # Asking for a later span gives the same occurrences as the whole walk from the start.
    walked = [
        o
        for o in schedule.occurrences(
            one, datetime.combine(start, time(0), tz), begin + timedelta(days=90), tz
        )
        if o.due_at >= begin
    ]
    assert walked == found
