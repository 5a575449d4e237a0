"""The taper review on a constructed journal whose every number is worked out by hand."""

from datetime import timedelta

from kratomlog.core.plan import Plan
from kratomlog.core.rules import Taper
from kratomlog.core.sleep import Night
from kratomlog.core.taper_review import Checkin, Note, review
from tests.core.helpers import at, day, journal

# 4 g a day, 1 g less every 3 days: steps of 4, 3, 2, 1 g (3 days each), then 0 g from day 12.
TAPER = Taper("taper", "limit", start_grams_per_day=4, step="1", every_days=3, floor_grams=0)
PLAN = Plan("taper", day(0), (TAPER,))


def night(n: int, asleep_minutes: int) -> Night:
    """A night in bed 23:00 to 07:00 (480 minutes), asleep `asleep_minutes` of it."""
    into = at(day(n), 23)
    return Night(day(n), into, into, 0, 0, 0, into + timedelta(minutes=asleep_minutes),
                 into + timedelta(minutes=480), 3)  # fmt: skip


def test_each_step_shows_its_days_kept_use_withdrawal_craving_sleep_and_notes():
    doses = journal((0, 2), (0, 2), (1, 5), (3, 3), (4, 1), (4, 1), (4, 1.5), (6, 2))
    checkins = [
        Checkin(day(1), "withdrawal", 10),
        Checkin(day(2), "withdrawal", 14),
        Checkin(day(0), "craving", 5),
        Checkin(day(4), "craving", 7),
        Checkin(day(4), "phq9", 12),
        Checkin(day(5), "phq9", 9),
    ]
    nights = [night(0, 420), night(1, 360), night(6, 300)]
    notes = [Note(day(1), "headache after the 5 g"), Note(day(7), "restless legs")]
    steps = review(PLAN, doses, checkins, nights, notes, today=day(7))

    assert [(s.number, s.allowance_grams, s.state) for s in steps] == [
        (1, 4, "done"), (2, 3, "done"), (3, 2, "current"), (4, 1, "to come"), (5, 0, "to come"),
    ]  # fmt: skip
    first, second, third = steps[:3]
    # Step 1, days 0-2: 4 g (2 doses), 5 g (1 dose, over 4 g), nothing.
    assert (first.days, first.days_within) == (3, 2)
    assert (first.grams_per_day, first.grams_max) == (3.0, 5)
    assert (first.doses_per_day, first.doses_max) == (1.0, 2)
    assert (first.withdrawal_mean, first.craving_mean) == (12.0, 5.0)
    # Nights of days 0 and 1: 420 and 360 minutes asleep of 480 in bed, 87.5% and 75%.
    assert (first.sleep_tst_minutes, first.sleep_efficiency) == (390.0, 81.2)
    assert first.phq9_latest is None and first.notes == ("headache after the 5 g",)
    # Step 2, days 3-5: 3 g, 3.5 g (3 doses, over 3 g), nothing.
    assert (second.days, second.days_within) == (3, 2)
    assert (second.grams_per_day, second.grams_max) == (2.2, 3.5)
    assert (second.doses_per_day, second.doses_max) == (1.3, 3)
    assert (second.craving_mean, second.withdrawal_mean, second.phq9_latest) == (7.0, None, 9)
    assert second.sleep_tst_minutes is None
    # Step 3 so far, days 6-7: 2 g, nothing.
    assert (third.days, third.days_within, third.grams_per_day) == (2, 2, 1.0)
    assert third.notes == ("restless legs",) and third.current
    assert third.as_dict()["from"] == str(day(6)) and third.as_dict()["to"] == str(day(8))
    to_come = steps[4].as_dict()
    assert (to_come["to"], to_come["days"], to_come["grams_per_day"]) == (None, 0, None)


def test_a_plan_without_a_taper_has_no_review():
    assert review(Plan("none", day(0), ()), journal(), [], [], [], day(3)) == []


def test_the_tally_counts_every_taper_day_kept_and_whether_0_g_was_kept_a_day():
    from kratomlog.core.plan import PlanHistory
    from kratomlog.core.taper_review import TaperTally, tally

    # Days 0-11 at 4, 3, 2, 1 g; 0 g from day 12. Day 1 over (5 g > 4 g), day 4 over (3.5 g >
    # 3 g), day 12 over (0.5 g > 0 g), day 13 no use: 14 days to day 13, 11 kept, 0 g reached.
    doses = journal((0, 2), (0, 2), (1, 5), (3, 3), (4, 1), (4, 2.5), (6, 2), (12, 0.5))
    assert tally(PlanHistory([PLAN]), doses, day(13)) == TaperTally(14, 11, True)
    assert tally(PlanHistory([PLAN]), doses, day(12)) == TaperTally(13, 10, False)
    assert tally(PlanHistory([]), doses, day(12)) == TaperTally(0, 0, False)
