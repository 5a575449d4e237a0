import pytest

from kratomlog.core.analysis import MIN_NIGHTS, bootstrap_difference, compare


def test_constant_samples_have_an_exact_difference_and_a_zero_width_interval():
    assert bootstrap_difference([5.0] * 8, [3.0] * 9) == (2.0, 2.0, 2.0)


def test_the_interval_is_the_same_for_the_same_seed():
    with_, without = [400, 380, 420, 390, 410, 395, 405], [430, 440, 425, 450, 435, 445, 420]
    assert bootstrap_difference(with_, without) == bootstrap_difference(with_, without)
    assert bootstrap_difference(with_, without, seed=1) != bootstrap_difference(
        with_, without, seed=2
    )


def test_a_clear_difference_has_an_interval_around_it_that_excludes_zero():
    with_ = [380, 390, 400, 385, 395, 388, 392, 398]
    without = [440, 450, 445, 455, 438, 448, 452, 442]
    difference, low, high = bootstrap_difference(with_, without)
    assert difference == pytest.approx(391.0 - 446.25)
    assert low < difference < high < 0


def test_a_difference_is_hidden_until_each_side_has_seven_nights():
    hidden = compare("total sleep time (minutes)", [400.0] * (MIN_NIGHTS - 1), [420.0] * 20)
    assert not hidden.shown and hidden.as_dict()["interval_95"] is None
    shown = compare("total sleep time (minutes)", [400.0] * MIN_NIGHTS, [420.0] * MIN_NIGHTS)
    assert shown.as_dict() == {
        "measure": "total sleep time (minutes)",
        "nights_with": 7,
        "nights_without": 7,
        "difference": -20.0,
        "interval_95": [-20.0, -20.0],
    }
