import pytest
from hypothesis import given
from hypothesis import strategies as st

from kratomlog.core import bam
from kratomlog.core.errors import InputError


def answers(**items: object) -> list[object]:
    """17 answers, all 0 (item 7 none), with the items named item_N set."""
    values: list[object] = [0] * 17
    values[6] = []
    for name, value in items.items():
        values[int(name.removeprefix("item_")) - 1] = value
    return values


def test_all_zero_is_every_subscale_at_its_minimum():
    result = bam.score(answers())
    assert result.subscales == {"use": 0, "risk": 0, "protective": 0}
    assert result.drugs == () and result.flags == ()


def test_all_highest_is_every_subscale_at_its_maximum():
    highest = [4] * 17
    highest[6] = ["kratom"]
    result = bam.score(highest)
    # Use 3 items x 4, Risk 6 x 4, Protective 6 x 4 (income yes is 4)
    assert result.subscales == {"use": 12, "risk": 24, "protective": 24}


def test_each_subscale_adds_its_own_items_only():
    use = bam.score(answers(item_4=1, item_5=2, item_6=3))
    assert use.subscales == {"use": 6, "risk": 0, "protective": 0}
    risk = bam.score(answers(item_1=4, item_2=1, item_3=2, item_8=2, item_11=1, item_15=2))
    assert risk.subscales == {"use": 0, "risk": 12, "protective": 0}
    protective = bam.score(answers(item_9=3, item_10=1, item_12=2, item_13=1, item_14=4, item_16=1))
    assert protective.subscales == {"use": 0, "risk": 0, "protective": 12}


def test_item_17_and_item_7_count_in_no_subscale():
    result = bam.score(answers(item_17=4, item_7=["kratom", "opiates"]))
    assert result.subscales == {"use": 0, "risk": 0, "protective": 0}
    assert result.drugs == ("kratom", "opiates") and result.item(17) == 4


def test_a_worked_example_as_the_vas_scoring_adds_it():
    # health fair 3, sleep 4-8 nights 2, mood 1-3 days 1, no alcohol, kratom 16-30 days 4,
    # cravings considerably 3, confidence slightly 1, no meetings, risky 9-15 days 3,
    # spirituality moderately 2, work 16-30 days 4, income yes 4, arguments slightly 1,
    # supportive people 4-8 days 2, satisfaction moderately 2
    result = bam.parse_answers("3,2,1,0,0,4,kratom,3,1,0,3,2,4,4,1,2,2")
    assert result.subscales == {"use": 4, "risk": 3 + 2 + 1 + 3 + 3 + 1, "protective": 13}
    assert result.drugs == ("kratom",)
    assert result.flags == (8,)


@pytest.mark.parametrize(("craving", "flags"), [(0, ()), (2, ()), (3, (8,)), (4, (8,))])
def test_cravings_flag_from_considerably(craving, flags):
    assert bam.score(answers(item_8=craving)).flags == flags


@pytest.mark.parametrize(
    ("days", "score"),
    [(0, 0), (1, 1), (3, 1), (4, 2), (8, 2), (9, 3), (15, 3), (16, 4), (30, 4)],
)
def test_days_bands_at_their_edges(days, score):
    assert bam.days_score(days) == score


@pytest.mark.parametrize("days", [-1, 31, 2.5, True, "3"])
def test_days_outside_the_past_30_are_refused(days):
    with pytest.raises(InputError, match="0 to 30"):
        bam.days_score(days)


def test_income_is_no_0_or_yes_4_and_nothing_between():
    assert bam.score(answers(item_14=4)).protective == 4
    with pytest.raises(InputError, match=r"item 14 is 2; 0 \(no\) or 4 \(yes\)"):
        bam.score(answers(item_14=2))


def test_bad_answers_name_the_item_and_the_accepted_form():
    with pytest.raises(InputError, match=r"item 3 is 5; a whole number from 0 to 4"):
        bam.score(answers(item_3=5))
    with pytest.raises(InputError, match=r"item 7 names 'tea'; a list of drug names"):
        bam.score(answers(item_7=["tea"]))
    with pytest.raises(InputError, match=r"item 7 is 0; a list of drug names"):
        bam.score(answers(item_7=0))
    with pytest.raises(InputError, match="17 items; 16 answers given"):
        bam.score([0] * 16)
    with pytest.raises(InputError, match=r"^--answers: item 2 is 'x'"):
        bam.parse_answers("0,x,0,0,0,0,none,0,0,0,0,0,0,0,0,0,0")


def test_none_and_names_joined_by_plus_on_the_command_line():
    assert bam.parse_answers("0,0,0,0,0,0,none,0,0,0,0,0,0,0,0,0,0").drugs == ()
    both = bam.parse_answers("0,0,0,0,0,1,Opiates+kratom,0,0,0,0,0,0,0,0,0,0")
    assert both.drugs == ("kratom", "opiates")  # in the published order, kratom first


def test_item_14_reads_no_and_yes_and_the_rest_read_their_published_labels():
    by_number = {item.number: item for item in bam.ITEMS}
    assert by_number[14].choices == ("No", "Yes") and by_number[14].scores == (0, 4)
    assert by_number[1].choices[0] == "Excellent" and by_number[1].choices[4] == "Poor"
    assert by_number[10].days and by_number[8].choices[3] == "Considerably"
    assert [item.number for item in bam.ITEMS] == list(range(1, 18))
    assert "kratom" in by_number[6].text and "kratom" in by_number[8].text


scored_answer = st.integers(0, 4)
drug_names = st.lists(st.sampled_from(list(bam.DRUGS)), unique=True)


@st.composite
def any_answers(draw: st.DrawFn) -> list[object]:
    values: list[object] = [draw(scored_answer) for _ in range(17)]
    values[13] = draw(st.sampled_from([0, 4]))
    values[6] = draw(drug_names)
    return values


@given(any_answers())
def test_subscales_are_the_sums_of_their_items_within_their_range(values):
    result = bam.score(values)
    for key, numbers in bam.SUBSCALES.items():
        assert result.subscales[key] == sum(values[n - 1] for n in numbers)  # type: ignore[misc]
    assert 0 <= result.use <= 12 and 0 <= result.risk <= 24 and 0 <= result.protective <= 24
    assert result.stored()[6] == [k for k in bam.DRUGS if k in values[6]]  # type: ignore[operator]
    assert bam.score(result.stored()) == result  # what is kept scores the same again


@given(any_answers(), st.integers(0, 16), st.integers(5, 1000) | st.integers(-1000, -1))
def test_any_answer_outside_its_scale_is_refused_by_item(values, at, wrong):
    if at == 6:
        values[6] = [str(wrong)]
    else:
        values[at] = wrong
    with pytest.raises(InputError, match=f"item {at + 1} "):
        bam.score(values)


@given(st.integers(0, 30))
def test_every_day_count_falls_in_exactly_one_band(days):
    band = bam.days_score(days)
    low, high = bam.DAY_BANDS[band]
    assert low <= days <= high
