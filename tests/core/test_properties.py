"""Invariants of the core, checked on generated journals."""

from datetime import UTC, datetime, time, timedelta
from itertools import pairwise

from hypothesis import given, reject, settings
from hypothesis import strategies as st

from kratomlog.core import rules as r
from kratomlog.core.breaches import find_breaches
from kratomlog.core.days import local_day
from kratomlog.core.errors import InputError
from kratomlog.core.journal import Dose, UseIndex
from kratomlog.core.next_use import next_use_allowed
from kratomlog.core.plan import Plan, PlanHistory
from kratomlog.core.taper import allowance_on, allowances
from tests.core.helpers import BERLIN, DAY0, day

DAYS = 60

dose_specs = st.lists(
    st.tuples(
        st.integers(0, DAYS - 1), st.integers(0, 24 * 60 - 1), st.floats(0.1, 15, allow_nan=False)
    ),
    max_size=40,
)


def build(specs) -> UseIndex:
    doses = []
    for number, (n, minute, grams) in enumerate(specs, start=1):
        moment = datetime.combine(day(n), time(0), tzinfo=BERLIN) + timedelta(minutes=minute)
        moment = moment.astimezone(UTC)
        doses.append(Dose(number, moment, local_day(moment, BERLIN), grams))
    return UseIndex(doses)


@given(dose_specs, st.integers(0, 5), st.integers(1, 14), st.integers(0, DAYS - 1))
def test_rolling_window_equals_its_brute_force_definition(specs, most, window, start):
    index = build(specs)
    rule = r.MaxUseDays("w", "limit", max=most, window_days=window)
    plan = Plan("p", day(start), (rule,))
    found = {b.day for b in find_breaches(PlanHistory([plan]), index, DAY0, day(DAYS))}
    use_days = {dose.day for dose in index.doses}
    expected = {
        d
        for d in use_days
        if d >= day(start)
        and sum(1 for u in use_days if d - timedelta(days=window - 1) <= u <= d) > most
    }
    assert found == expected


@given(dose_specs, st.integers(0, 6))
def test_consecutive_days_equal_their_brute_force_definition(specs, most):
    index = build(specs)
    plan = Plan("p", DAY0, (r.MaxConsecutiveUseDays("c", "limit", max=most),))
    found = {b.day for b in find_breaches(PlanHistory([plan]), index, DAY0, day(DAYS))}
    use_days = {dose.day for dose in index.doses}

    def run(d):
        length = 0
        while d - timedelta(days=length) in use_days:
            length += 1
        return length

    assert found == {d for d in use_days if run(d) > most}


@given(dose_specs, st.floats(0.5, 20))
def test_day_totals_equal_their_brute_force_definition(specs, most):
    index = build(specs)
    plan = Plan("p", DAY0, (r.MaxGramsPerDay("g", "limit", max_grams=most),))
    found = {b.day for b in find_breaches(PlanHistory([plan]), index, DAY0, day(DAYS))}
    totals: dict = {}
    for dose in index.doses:
        totals[dose.day] = totals.get(dose.day, 0) + dose.grams
    assert found == {d for d, total in totals.items() if total > most + 1e-9}


tapers = st.builds(
    lambda start, percent, grams, use_percent, floor, every: r.Taper(
        "t",
        "limit",
        start_grams_per_day=start,
        step=f"{percent:g}%" if use_percent else f"{grams:g}",
        every_days=every,
        floor_grams=floor if use_percent else 0.0,
    ),
    st.floats(0.5, 60),
    st.integers(1, 60),
    st.floats(0.1, 5),
    st.booleans(),
    st.floats(0.1, 5),
    st.integers(1, 14),
)


@given(tapers)
def test_a_tapers_allowance_never_rises_and_ends_at_zero_within_ten_years(rule):
    try:
        steps = allowances(rule)
    except InputError as error:  # a taper longer than ten years is refused when it is set
        assert "ten years" in error.problem
        reject()
    assert all(later <= earlier for earlier, later in pairwise(steps))
    assert steps[-1] == 0 and all(step > 0 for step in steps[:-1])
    assert steps[0] == rule.start_grams_per_day
    assert (len(steps) - 1) * rule.every_days <= 3653


@given(tapers, st.integers(0, 400))
def test_a_tapers_daily_allowance_never_rises_from_one_day_to_the_next(rule, n):
    try:
        allowances(rule)
    except InputError:
        reject()
    assert allowance_on(rule, DAY0, day(n + 1)) <= allowance_on(rule, DAY0, day(n))


TIMING_LIMITS = st.lists(
    st.one_of(
        st.builds(
            lambda m, w: r.MaxUseDays("w", "limit", max=m, window_days=w),
            st.integers(0, 3),
            st.integers(1, 10),
        ),
        st.builds(lambda h: r.MinHoursBetweenDoses("h", "limit", hours=h), st.integers(1, 48)),
        st.builds(lambda m: r.MaxConsecutiveUseDays("c", "limit", max=m), st.integers(0, 3)),
        st.builds(lambda d: r.NoUse("n", "limit", days=d), st.integers(1, 20)),
    ),
    min_size=1,
    max_size=3,
    unique_by=lambda rule: rule.kind,
)


def breaks_a_timing_limit(history, index, moment) -> bool:
    trial = Dose(10_000, moment, local_day(moment, BERLIN), 1.0)
    with_trial = UseIndex([*index.doses, trial])
    return any(
        10_000 in b.entries
        for b in find_breaches(history, with_trial, trial.day, trial.day)
        if b.kind in r.TIMING_KINDS and b.severity == "limit"
    )


@settings(max_examples=150)
@given(
    dose_specs,
    TIMING_LIMITS,
    st.integers(0, DAYS - 1),
    st.integers(0, 24 * 60 - 1),
    st.integers(0, DAYS - 1),
)
def test_next_use_allowed_is_the_earliest_moment_a_dose_keeps_within_limits(
    specs, rules, as_of_day, as_of_minute, start
):
    as_of = (
        datetime.combine(day(as_of_day), time(0), tzinfo=BERLIN) + timedelta(minutes=as_of_minute)
    ).astimezone(UTC)
    index = build(specs)
    index = UseIndex([dose for dose in index.doses if dose.at <= as_of])
    history = PlanHistory([Plan("p", day(start), tuple(rules))])
    allowed = next_use_allowed(history, index, as_of, BERLIN)
    if allowed is None:  # only a rule that allows no use day at all never frees one
        assert any(getattr(rule, "max", None) == 0 for rule in rules)
        return
    assert allowed >= as_of
    assert not breaks_a_timing_limit(history, index, allowed)
    earlier = allowed - timedelta(minutes=1)
    if earlier >= as_of:
        assert breaks_a_timing_limit(history, index, earlier)


@given(dose_specs)
def test_an_index_of_doses_already_ordered_in_utc_equals_one_that_sorts_them(specs):
    shuffled = build(specs)
    ordered = UseIndex(sorted(shuffled.doses, key=lambda d: (d.at, d.id)), ordered_in_utc=True)
    assert ordered.doses == shuffled.doses and ordered.ids_by_day == shuffled.ids_by_day
    assert [ordered.streak_ending(d) for d in ordered.use_days] == [
        shuffled.streak_ending(d) for d in shuffled.use_days
    ]
