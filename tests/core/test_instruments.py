import pytest

from kratomlog.core.errors import InputError
from kratomlog.core.instruments import CRAVING, GAD7, PHQ9, WITHDRAWAL, parse_answers, score


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately severe"),
        (19, "moderately severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_phq9_bands_at_every_edge(total, band):
    answers = [3] * (total // 3) + ([total % 3] if total % 3 else [])
    answers = (answers + [0] * 9)[:9]
    answers[8] = 0 if total <= 24 else answers[8]  # keep item 9 at 0 where the total allows
    if sum(answers) != total:
        answers = [3] * 8 + [total - 24]
    result = score(PHQ9, answers)
    assert (result.total, result.band) == (total, band)


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ],
)
def test_gad7_bands_at_every_edge(total, band):
    answers = ([3] * (total // 3) + [total % 3] + [0] * 7)[:7]
    assert score(GAD7, answers).band == band and score(GAD7, answers).total == total


def test_a_worked_phq9_example():
    # Kroenke 2001 scoring: the sum of the nine items
    result = score(PHQ9, [1, 2, 1, 2, 1, 0, 1, 1, 0])
    assert (result.total, result.band, result.self_harm) == (9, "mild", False)


def test_item_9_above_0_is_flagged_even_with_a_total_of_1():
    result = score(PHQ9, [0, 0, 0, 0, 0, 0, 0, 0, 1])
    assert (result.total, result.band, result.self_harm) == (1, "minimal", True)


def test_gad7_never_flags_self_harm():
    assert not score(GAD7, [3] * 7).self_harm


def test_the_withdrawal_check_in_is_ours_and_says_it_is_not_validated():
    result = score(WITHDRAWAL, [4] * 11)
    assert result.total == 44 and result.band is None
    assert not WITHDRAWAL.validated and "not a validated scale" in WITHDRAWAL.source
    assert {
        "Fatigue",
        "Restlessness",
        "Chills or hot flashes",
        "Runny eyes or nose",
        "Craving",
        "Diarrhoea or stomach upset",
        "Irritability or anger",
        "Muscle or bone aches",
        "Trouble sleeping",
        "Low mood",
        "Anxiety",
    } == set(WITHDRAWAL.items)


def test_craving_is_one_answer_from_0_to_10():
    assert score(CRAVING, [10]).total == 10
    with pytest.raises(InputError, match="answers run from 0 to 10"):
        score(CRAVING, [11])


def test_a_wrong_number_of_answers_is_named():
    with pytest.raises(InputError) as caught:
        parse_answers("1,0,2", PHQ9)
    assert caught.value.field == "--answers"
    assert caught.value.problem == "PHQ-9 has 9 items; 3 answers were given"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("1,0,2,0,0,0,0,0,4", "answer 9 is 4; PHQ-9 answers run from 0 to 3"),
        ("1,0,2,0,0,0,0,0,x", "answer 9 is 'x', not a whole number from 0 to 3"),
        ("1,0,2,0,0,0,0,0,-1", "answer 9 is '-1', not a whole number from 0 to 3"),
    ],
)
def test_out_of_range_answers_are_named(text, problem):
    with pytest.raises(InputError) as caught:
        parse_answers(text, PHQ9)
    assert caught.value.problem == problem


def test_the_published_wording_is_kept():
    assert (
        PHQ9.items[8]
        == "Thoughts that you would be better off dead or of hurting yourself in some way"
    )
    assert GAD7.items[0] == "Feeling nervous, anxious, or on edge"
    assert PHQ9.choices == (
        "Not at all",
        "Several days",
        "More than half the days",
        "Nearly every day",
    )


def test_each_questionnaires_highest_total_and_scale_come_from_its_items():
    assert [(i.most, i.scale) for i in (PHQ9, GAD7, WITHDRAWAL, CRAVING)] == [
        (27, "0-27"),
        (21, "0-21"),
        (44, "0-44"),
        (10, "0-10"),
    ]
