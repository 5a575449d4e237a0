from datetime import date

from kratomlog.core import signals
from kratomlog.core.breaches import Breach
from tests.core.helpers import day, journal


def breach(n, severity="limit", kind="max_use_days"):
    return Breach("r", kind, severity, day(n), (1,), "plan", "")


def test_two_limit_days_within_30_days_is_loss_of_control_from_the_second():
    signal = signals.loss_of_control([breach(0), breach(29)])
    assert signal.kind == "loss_of_control" and signal.since == day(29)
    assert signal.preset == "break-90" and "90 days" in signal.recommendation
    assert "kratomlog" not in signal.recommendation  # words; each shell says how to act
    assert "withdrawal" in signal.recommendation and "clinician" in signal.recommendation
    assert "a self-help text by one kratom user" in signal.source


def test_two_limit_days_30_days_apart_are_not():
    assert signals.loss_of_control([breach(0), breach(30)]) is None


def test_target_breaches_do_not_count_towards_loss_of_control():
    assert signals.loss_of_control([breach(0, "target"), breach(1, "target")]) is None


def test_one_limit_day_is_not_loss_of_control():
    assert signals.loss_of_control([breach(0), breach(0)]) is None


def test_any_use_in_a_no_use_period_is_loss_of_control():
    signal = signals.loss_of_control([breach(4, kind="no_use")])
    assert signal.since == day(4) and "no use" in signal.message


def test_use_against_a_no_use_target_is_not_loss_of_control():
    assert signals.loss_of_control([breach(4, "target", kind="no_use")]) is None
    assert signals.loss_of_control([breach(4, "target", "no_use"), breach(9, "target")]) is None


TODAY = day(27)


def test_escalation_by_grams_per_use_day():
    # days 0-13: 4 use days at 2 g; days 14-27: 4 use days at 2.5 g (1.25x)
    index = journal(*[(n, 2) for n in (0, 3, 6, 9)], *[(n, 2.5) for n in (14, 17, 20, 23)])
    signal = signals.escalation(index, TODAY)
    assert signal.kind == "escalation" and signal.since == day(14)
    assert "2.5 g per use day" in signal.message


def test_no_escalation_just_under_the_ratio():
    index = journal(*[(n, 2) for n in (0, 3, 6, 9)], *[(n, 2.49) for n in (14, 17, 20, 23)])
    assert signals.escalation(index, TODAY) is None


def test_grams_escalation_needs_four_use_days_in_each_half():
    index = journal(*[(n, 1) for n in (0, 3, 6)], *[(n, 5) for n in (14, 17, 20)])
    assert signals.escalation(index, TODAY) is None


def test_escalation_by_use_days():
    # 2 use days then 5: 5 >= 1.5 * 2 and 5 >= 2 + 3
    index = journal((0, 1), (5, 1), (14, 1), (16, 1), (18, 1), (20, 1), (22, 1))
    signal = signals.escalation(index, TODAY)
    assert signal and "5 use days in the last 14 against 2" in signal.message


def test_use_days_must_also_grow_by_three():
    # 2 to 4 is 2x but only 2 more days
    index = journal((0, 1), (5, 1), (14, 1), (16, 1), (18, 1), (20, 1))
    assert signals.escalation(index, TODAY) is None


def test_frequent_use_is_five_use_days_in_the_last_seven():
    signal = signals.frequent_use(journal(*[(n, 1) for n in (21, 22, 24, 26, 27)]), TODAY)
    assert signal.kind == "frequent_use" and signal.since == day(21)
    assert "Rogers 2024" in signal.source


def test_four_use_days_in_seven_is_not_frequent_use():
    assert signals.frequent_use(journal(*[(n, 1) for n in (20, 22, 24, 26, 27)]), TODAY) is None


def test_signals_serialise_with_their_source():
    data = signals.frequent_use(journal(*[(n, 1) for n in range(21, 28)]), TODAY).as_dict()
    assert set(data) == {"kind", "since", "message", "recommendation", "preset", "source"}
    assert date.fromisoformat(data["since"]) == day(21)


def test_use_during_a_break_says_what_the_record_shows_and_where_help_is():
    signal = signals.loss_of_control([breach(4, kind="no_use")], "break-90", on_break=True)
    assert "the record shows use on 1 day" in signal.message
    assert signal.preset is None and "90-day" not in signal.recommendation
    assert "1-800-662-4357" in signal.recommendation


def test_a_signal_never_recommends_the_plan_in_force():
    frequent = journal(*[(n, 1) for n in range(21, 28)])
    assert signals.frequent_use(frequent, TODAY).preset == "occasional"
    assert signals.frequent_use(frequent, TODAY, "occasional").preset is None
    growing = journal((0, 1), (5, 1), (14, 1), (16, 1), (18, 1), (20, 1), (22, 1))
    assert signals.escalation(growing, TODAY).preset == "occasional"
    in_force = signals.escalation(growing, TODAY, plan_name="occasional")
    assert in_force.preset is None and "'occasional'" not in in_force.recommendation


def test_escalation_never_compares_with_days_before_the_record_began():
    # two weeks of daily use, the journal's first: the fortnight before it is unrecorded
    new_journal = journal(*[(n, 3) for n in range(14, 28)])
    assert signals.escalation(new_journal, TODAY) is None
    # a journal the person says began on day 0 records the first fortnight as no use
    assert signals.escalation(new_journal, TODAY, recorded_from=day(0)) is not None
    assert signals.escalation(new_journal, TODAY, recorded_from=day(1)) is None


def test_a_recommendation_of_a_pause_warns_of_stopping_daily_use_abruptly():
    signal = signals.frequent_use(journal(*[(n, 1) for n in range(21, 28)]), TODAY)
    assert "stopping daily use all at once can bring withdrawal" in signal.recommendation
    assert "taper" in signal.recommendation
