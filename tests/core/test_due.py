"""core.due: which check-ins are due now, in the journal's zone."""

from kratomlog.core import due
from tests.core.helpers import BERLIN, at, day


def test_daily_check_ins_are_due_after_6_pm_if_not_done():
    morning, evening = at(day(3), 9), at(day(3), 18, 30)
    assert [d.checkin for d in due.due(morning, BERLIN, {}, None, False)] == ["phq9", "gad7"]
    found = due.due(
        evening,
        BERLIN,
        {"withdrawal": at(day(3), 8), "phq9": at(day(1)), "gad7": at(day(1))},
        None,
        False,
    )
    assert [d.checkin for d in found] == ["craving"]


def test_phq9_and_gad7_are_due_every_14_days():
    taken = {"phq9": at(day(0), 10), "gad7": at(day(1), 10)}
    assert [d.checkin for d in due.due(at(day(14), 10), BERLIN, taken, None, False)] == ["phq9"]


def test_the_sleep_diary_is_due_each_morning_only_during_a_taper_or_break():
    assert [
        d.checkin
        for d in due.due(
            at(day(5), 8), BERLIN, {"phq9": at(day(4)), "gad7": at(day(4))}, day(3), True
        )
    ] == ["sleep"]
    assert (
        due.due(at(day(5), 8), BERLIN, {"phq9": at(day(4)), "gad7": at(day(4))}, day(4), True) == []
    )
    assert (
        due.due(at(day(5), 8), BERLIN, {"phq9": at(day(4)), "gad7": at(day(4))}, day(3), False)
        == []
    )
