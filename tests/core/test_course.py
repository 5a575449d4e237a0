"""core.course: a stop after frequent use, withdrawal that persists, self-harm risk."""

from kratomlog.core import course
from kratomlog.core.course import Answered
from tests.core.helpers import at, day, journal


def stopped_journal():
    """Daily use on days 0-9, the last dose on day 9 at noon."""
    return journal(*[(n, 2) for n in range(10)])


def test_a_stop_begins_48_hours_after_the_last_dose_of_a_frequent_stretch():
    index = stopped_journal()
    assert course.current_stop(index, at(day(11), 11)) is None  # 47 hours
    stop = course.current_stop(index, at(day(11), 12))
    assert stop.last_dose.day == day(9) and stop.day_number(day(16)) == 7


def test_no_stop_after_occasional_use():
    index = journal((0, 2), (5, 2), (9, 2))
    assert course.current_stop(index, at(day(20))) is None


def checkin(kind, n, total, self_harm=False, hour=20):
    return Answered(kind, day(n), at(day(n), hour), total, self_harm)


def test_withdrawal_persisting_when_still_half_its_peak_a_week_on():
    stop = course.current_stop(stopped_journal(), at(day(17)))
    answered = [
        checkin("withdrawal", 10, 20),
        checkin("withdrawal", 12, 30),
        checkin("withdrawal", 15, 14),
        checkin("withdrawal", 16, 15),
    ]
    signal = course.withdrawal_persisting(stop, answered)
    assert signal.kind == "withdrawal_persisting" and signal.since == day(16)
    assert "day 7 after the last dose" in signal.message and "clinician" in signal.recommendation
    assert "4 to 5 days" in signal.source


def test_withdrawal_that_halved_by_day_7_is_not_persisting():
    stop = course.current_stop(stopped_journal(), at(day(17)))
    answered = [checkin("withdrawal", 12, 30), checkin("withdrawal", 16, 14)]
    assert course.withdrawal_persisting(stop, answered) is None


def test_withdrawal_that_fell_after_persisting_is_no_longer_flagged():
    stop = course.current_stop(stopped_journal(), at(day(20)))
    persisting = [checkin("withdrawal", 10, 39), checkin("withdrawal", 16, 30)]
    assert course.withdrawal_persisting(stop, persisting) is not None
    fallen = [*persisting, checkin("withdrawal", 19, 9)]
    assert course.withdrawal_persisting(stop, fallen) is None


def test_a_phq9_that_fell_below_10_is_no_longer_persisting():
    stop = course.current_stop(stopped_journal(), at(day(30)))
    answered = [checkin("phq9", 23, 12), checkin("phq9", 27, 4)]
    assert course.withdrawal_persisting(stop, answered) is None


def test_phq9_of_10_two_weeks_after_a_stop_is_persisting():
    stop = course.current_stop(stopped_journal(), at(day(30)))
    assert course.withdrawal_persisting(stop, [checkin("phq9", 22, 10)]) is None  # day 13
    signal = course.withdrawal_persisting(stop, [checkin("phq9", 23, 10)])
    assert signal and "PHQ-9 of 10 on day 14" in signal.message


def test_self_harm_risk_stays_until_a_later_phq9_has_item_9_at_0():
    flagged = checkin("phq9", 1, 1, self_harm=True)
    assert course.self_harm_risk([flagged]).since == day(1)
    assert course.self_harm_risk([flagged, checkin("gad7", 2, 3)]).since == day(1)
    assert course.self_harm_risk([flagged, checkin("phq9", 3, 12, self_harm=False)]) is None


def test_a_stop_counts_local_days_across_the_clocks_going_forward():
    stop = course.current_stop(stopped_journal(), at(day(30)))
    # Berlin's clocks went forward on 29 March 2026: day 28 is still 19 days after day 9
    assert stop.day_number(day(28)) == 19
    assert stop.since == at(day(11), 12)  # 48 hours after the last dose
    shown = stop.as_dict(day(16))
    assert shown["last_dose_day"] == "2026-03-10" and shown["days_since_last_dose"] == 7
    assert shown["seed_claim"] == course.COURSE_CLAIM


def test_nothing_persists_without_a_stop_or_from_check_ins_before_the_last_dose():
    assert course.withdrawal_persisting(None, [checkin("withdrawal", 20, 30)]) is None
    stop = course.current_stop(stopped_journal(), at(day(30)))
    before = [checkin("withdrawal", 9, 40, hour=8), checkin("withdrawal", 16, 15)]
    signal = course.withdrawal_persisting(stop, before)
    assert signal and "half its peak of 15" in signal.message  # the 40 at 08:00 was before


def test_a_phq9_under_10_after_a_stop_is_not_persisting():
    stop = course.current_stop(stopped_journal(), at(day(30)))
    assert course.withdrawal_persisting(stop, [checkin("phq9", 25, 9)]) is None


def test_self_harm_risk_cites_phq9_item_9_and_names_the_crisis_line():
    signal = course.self_harm_risk([checkin("phq9", 1, 4, self_harm=True)])
    assert signal.kind == "self_harm_risk" and "item 9" in signal.source
    assert "988" in signal.recommendation
    assert course.self_harm_risk([]) is None
