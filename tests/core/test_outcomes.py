"""Reliable change and its categories at each threshold's edges, and over every score pair."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from kratomlog.core.outcomes import (
    CATEGORIES,
    DETERIORATED,
    IMPROVED,
    NO_RELIABLE_CHANGE,
    RECOVERED,
    THRESHOLDS,
    Score,
    category,
    outcome,
)

PHQ9, GAD7 = THRESHOLDS["phq9"], THRESHOLDS["gad7"]
START = datetime(2026, 9, 1, tzinfo=UTC)


def test_a_change_of_5_is_not_reliable_on_the_phq9_and_6_is():
    assert category(15, 10, PHQ9) == NO_RELIABLE_CHANGE
    assert category(16, 10, PHQ9) == IMPROVED  # ends at 10: still at caseness
    assert category(15, 9, PHQ9) == RECOVERED  # ends at 9: below it
    assert category(9, 3, PHQ9) == IMPROVED  # began below caseness: improved, not recovered
    assert category(4, 9, PHQ9) == NO_RELIABLE_CHANGE
    assert category(4, 10, PHQ9) == DETERIORATED


def test_the_gad7_uses_its_own_thresholds_4_and_8():
    assert category(10, 7, GAD7) == NO_RELIABLE_CHANGE
    assert category(11, 7, GAD7) == RECOVERED
    assert category(12, 8, GAD7) == IMPROVED
    assert category(3, 7, GAD7) == DETERIORATED


@given(st.integers(0, 27), st.integers(0, 27))
def test_every_phq9_pair_has_exactly_the_category_its_change_gives(first, last):
    found = category(first, last, PHQ9)
    assert found in CATEGORIES
    change = last - first
    if abs(change) < 6:
        assert found == NO_RELIABLE_CHANGE
    elif change > 0:
        assert found == DETERIORATED
    else:
        assert found == (RECOVERED if first >= 10 > last else IMPROVED)


@given(st.lists(st.integers(0, 27), min_size=2, max_size=12))
def test_the_baseline_is_the_first_score_after_the_start_and_the_latest_the_last(totals):
    before = Score(START - timedelta(days=3), 27)  # before care began: never the baseline
    scores = [before] + [Score(START + timedelta(days=7 * n), t) for n, t in enumerate(totals)]
    found = outcome("phq9", "PHQ-9", list(reversed(scores)), START)
    assert found is not None
    assert (found.baseline.total, found.latest.total) == (totals[0], totals[-1])
    assert found.change == totals[-1] - totals[0]


def test_fewer_than_two_scores_since_the_start_give_none():
    assert outcome("phq9", "PHQ-9", [Score(START, 12)], START) is None
    assert (
        outcome("phq9", "PHQ-9", [Score(START - timedelta(days=1), 12), Score(START, 5)], START)
        is None
    )


def test_withdrawal_has_no_category_and_says_why():
    found = outcome(
        "withdrawal",
        "Withdrawal check-in",
        [Score(START, 30), Score(START + timedelta(days=9), 9)],
        START,
    )
    assert found is not None and found.category is None
    document = found.as_dict()
    assert document["change"] == -21 and document["threshold"] is None
    assert "no published reliable-change value" in document["source"]


def test_the_words_say_what_changed_and_by_which_rule():
    found = outcome(
        "phq9", "PHQ-9", [Score(START, 15), Score(START + timedelta(days=28), 8)], START
    )
    assert found is not None
    assert found.words().startswith("PHQ-9 went from 15 to 8: a reliable improvement")
    assert "a change of 6 or more counts as reliable" in found.words()
    assert found.as_dict()["category"] == "recovered"
    assert "NHS Talking Therapies" in found.as_dict()["source"]


def test_the_wilson_interval_matches_its_worked_value_and_stays_within_0_and_1():
    from kratomlog.core.outcomes import wilson

    low, high = wilson(8, 20)  # 40%: 21.9% to 61.3% (Newcombe 1998's worked example method)
    assert (round(low, 3), round(high, 3)) == (0.219, 0.613)
    assert wilson(0, 10)[0] == 0.0 and wilson(10, 10)[1] == 1.0


def test_a_cell_of_fewer_than_5_shows_no_count():
    from kratomlog.core.outcomes import Share

    assert Share(4, 40).as_dict()["count"] == "fewer than 5" and Share(4, 40).words() == "fewer than 5"
    assert Share(0, 3).as_dict()["count"] == "fewer than 5"  # of fewer than 5: no share either
    assert Share(0, 40).as_dict()["count"] == 0 and Share(5, 40).as_dict()["count"] == 5
    assert Share(5, 40).words() == "5 (12%; 5% to 26%)"


def test_a_tally_counts_each_pair_once():
    from kratomlog.core.outcomes import tally

    shares = tally([(15, 8), (15, 14), (9, 3), (4, 12), (20, 12), (12, 12)], PHQ9)
    assert {key: share.count for key, share in shares.items()} == {
        "recovered": 1, "improved": 2, "no_reliable_change": 2, "deteriorated": 1,
    }  # fmt: skip
    assert all(share.total == 6 for share in shares.values())
