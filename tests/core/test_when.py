from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from kratomlog.core.errors import InputError
from kratomlog.core.when import parse_when

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)  # 19:00 in Berlin


def test_no_time_means_now():
    assert parse_when(None, NOW, BERLIN) == NOW


def test_a_clock_time_is_today_in_the_persons_zone():
    assert parse_when("08:15", NOW, BERLIN) == datetime(2026, 11, 23, 7, 15, tzinfo=UTC)


def test_yesterday_with_a_clock_time():
    assert parse_when("yesterday 21:30", NOW, BERLIN) == datetime(2026, 11, 22, 20, 30, tzinfo=UTC)


def test_an_iso_time_without_offset_is_local():
    assert parse_when("2026-11-20T10:00", NOW, BERLIN) == datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def test_an_iso_time_with_offset_keeps_it():
    moment = parse_when("2026-11-20T10:00-05:00", NOW, BERLIN)
    assert moment == datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def test_a_future_time_is_refused_and_named():
    with pytest.raises(InputError, match=r"^--at: 2026-11-23 21:30 is in the future"):
        parse_when("21:30", NOW, BERLIN)


@pytest.mark.parametrize("text", ["25:00", "tomorrow", "21h30", "2026-13-01"])
def test_unparseable_times_name_the_accepted_forms(text):
    with pytest.raises(InputError) as caught:
        parse_when(text, NOW, BERLIN)
    assert caught.value.field == "--at"
    assert "ISO 8601" in caught.value.problem and "yesterday HH:MM" in caught.value.problem
