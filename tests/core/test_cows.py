"""COWS scoring: each item's published options, a total of 0-48, the published bands."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kratomlog.core import cows
from kratomlog.core.errors import InputError

ratings = st.tuples(*(st.sampled_from([s for s, _ in item.options]) for item in cows.ITEMS))


@given(ratings)
def test_every_valid_rating_totals_between_0_and_48(answers):
    rating = cows.rate(answers)
    assert 0 <= rating.total <= 48 and rating.total == sum(answers)


def test_the_highest_possible_total_is_48():
    assert cows.HIGHEST == 48


@pytest.mark.parametrize(
    ("total", "band"),
    [(0, None), (4, None), (5, "mild"), (12, "mild"), (13, "moderate"), (24, "moderate"),
     (25, "moderately severe"), (36, "moderately severe"), (37, "severe"), (48, "severe")],
)  # fmt: skip
def test_the_bands_follow_wesson_and_ling(total, band):
    assert cows.band_of(total) == band


def test_a_rating_that_is_not_one_of_the_items_options_is_refused():
    answers = [0] * 11
    answers[2] = 2  # restlessness is rated 0, 1, 3 or 5
    with pytest.raises(InputError, match="restlessness"):
        cows.rate(answers)
    with pytest.raises(InputError, match="11 items"):
        cows.rate([0] * 10)
