from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from kratomlog.core.errors import InputError
from kratomlog.core.sleep import night_from_diary

BERLIN = ZoneInfo("Europe/Berlin")


def diary(night=date(2026, 11, 22), tz=BERLIN, **given):
    times = dict(
        bed="23:10", tried="23:30", sol=20, wakes=2, waso=30, final="06:40", up="07:00", quality=3
    )
    times.update(given)
    return night_from_diary(night, tz, **times)


def test_a_night_across_midnight():
    night = diary()
    assert night.into_bed == datetime(2026, 11, 22, 22, 10, tzinfo=UTC)
    assert night.out_of_bed == datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
    assert night.time_in_bed_minutes == 470  # 23:10 to 07:00
    assert night.total_sleep_minutes == 380  # (06:40 - 23:30) 430 - 20 - 30
    assert night.sleep_efficiency == pytest.approx(80.85, abs=0.01)


def test_a_bedtime_after_midnight_belongs_to_the_evening_before():
    night = diary(bed="00:40", tried="00:45", final="08:00", up="08:30", sol=15, waso=0)
    assert night.into_bed.astimezone(BERLIN).date() == date(2026, 11, 23)
    assert night.time_in_bed_minutes == 470 and night.total_sleep_minutes == 420


def test_the_night_the_clocks_go_back_has_an_hour_more():
    # Berlin leaves summer time at 03:00 on 2026-10-25: 23:00 to 07:00 on the clock is 9 hours
    night = diary(
        night=date(2026, 10, 24),
        bed="23:00",
        tried="23:00",
        sol=0,
        waso=0,
        final="07:00",
        up="07:00",
    )
    assert night.time_in_bed_minutes == 540 and night.sleep_efficiency == 100


def test_the_night_the_clocks_go_forward_has_an_hour_less():
    night = diary(
        night=date(2026, 3, 28),
        bed="23:00",
        tried="23:00",
        sol=0,
        waso=0,
        final="07:00",
        up="07:00",
    )
    assert night.time_in_bed_minutes == 420


def test_out_of_bed_before_into_bed_cannot_be():
    with pytest.raises(InputError) as caught:
        diary(bed="23:10", tried="23:30", final="22:00", up="22:30")
    assert (
        caught.value.field == "--up"
        and "out of bed before into bed, or a night over 20 hours" in caught.value.problem
    )


def test_a_night_over_20_hours_cannot_be():
    with pytest.raises(InputError, match="hours after into bed"):
        diary(bed="20:00", tried="20:10", final="16:00", up="16:30")


def test_sleep_latency_and_waking_cannot_exceed_the_night():
    with pytest.raises(InputError) as caught:
        diary(sol=300, waso=200)
    assert caught.value.field == "--waso"


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"bed": "25:00"}, "--bed"),
        ({"quality": 6}, "--quality"),
        ({"sol": -5}, "--sol"),
        ({"up": "7am"}, "--up"),
    ],
)
def test_impossible_values_are_named(given, field):
    with pytest.raises(InputError) as caught:
        diary(**given)
    assert caught.value.field == field
