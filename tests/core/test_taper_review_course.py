"""The taper review across a hold and a step back: every step the person went through, on a
constructed journal whose every number is worked out by hand."""

from kratomlog.core.plan import Plan, PlanHistory
from kratomlog.core.rules import Taper
from kratomlog.core.taper_change import change_between, hold, step_back
from kratomlog.core.taper_review import Checkin, Note, StepChange, review, taper_course
from tests.core.helpers import day, journal
from tests.core.test_taper_review import night

# From day 0 (Sunday 1 March 2026): 4 g a day, 1 g less every 3 days: 4 g (days 0-2), 3 g
# (3-5), 2 g (6-8), 1 g (9-11), 0 g from day 12.
TAPER = Taper("taper", "limit", start_grams_per_day=4, step="1", every_days=3, floor_grams=0)
FIRST = Plan("taper from 4 g", day(0), (TAPER,))
# On day 4 (Thursday 5 March), in the 3 g step, held 2 days: 3 g to day 7 (from day 4: a first
# step of 4 days), then 2 g (days 8-10), 1 g (11-13), 0 g from day 14.
HELD = hold(FIRST, day(4), 2)
# On day 9 (Tuesday 10 March), in the 2 g step, a step back to 3 g for a whole step (days
# 9-11), then 2 g (12-14), 1 g (15-17), 0 g from day 18.
BACK = step_back(HELD, day(9))
TODAY = day(10)

DOSES = journal(
    (0, 2), (0, 2), (1, 5),  # step 1 (4 g): day 0 4 g in 2 doses, day 1 5 g (over), day 2 none
    (3, 3), (4, 2), (4, 2), (5, 3), (7, 1), (7, 1), (7, 1),  # step 2 (3 g), day 4 over
    (8, 2.5),  # step 3 (2 g): over
    (9, 3), (10, 2),  # step 4 (3 g again): both kept
)  # fmt: skip
CHECKINS = [
    Checkin(day(1), "withdrawal", 10), Checkin(day(2), "withdrawal", 14),
    Checkin(day(5), "withdrawal", 20), Checkin(day(8), "withdrawal", 16),
    Checkin(day(4), "craving", 6), Checkin(day(7), "craving", 8),
    Checkin(day(9), "craving", 9), Checkin(day(10), "craving", 5),
    Checkin(day(3), "phq9", 12), Checkin(day(6), "phq9", 10),
]  # fmt: skip
NIGHTS = [night(4, 420), night(9, 360), night(10, 240)]
NOTES = [Note(day(4), "headache"), Note(day(9), "restless legs")]


def test_the_versions_of_one_taper_are_found_through_its_hold_and_step_back():
    assert change_between(FIRST, HELD) == "hold" and change_between(HELD, BACK) == "step back"
    history = PlanHistory([FIRST, HELD, BACK])
    assert taper_course(history, BACK) == [FIRST, HELD]
    assert taper_course(history, HELD) == [FIRST]
    # A new taper under another name is a taper of its own, not a change of the one before.
    other = Plan("taper from 3 g", day(9), (TAPER,))
    assert change_between(HELD, other) is None
    assert taper_course(PlanHistory([FIRST, HELD, other]), other) == []


def test_the_review_shows_every_step_gone_through_across_a_hold_and_a_step_back():
    steps = review(BACK, DOSES, CHECKINS, NIGHTS, NOTES, TODAY, earlier=[FIRST, HELD])
    assert [(s.number, str(s.first_day), str(s.last_day), s.allowance_grams, s.state)
            for s in steps] == [
        (1, "2026-03-01", "2026-03-03", 4, "done"),      # days 0-2
        (2, "2026-03-04", "2026-03-08", 3, "done"),      # days 3-7: 3 days, held 2 more
        (3, "2026-03-09", "2026-03-09", 2, "done"),      # day 8: cut short by the step back
        (4, "2026-03-10", "2026-03-12", 3, "current"),   # days 9-11: back to 3 g
        (5, "2026-03-13", "2026-03-15", 2, "to come"),
        (6, "2026-03-16", "2026-03-18", 1, "to come"),
        (7, "2026-03-19", "None", 0, "to come"),
    ]  # fmt: skip
    first, held, cut, back = steps[:4]
    # Each change on the row it was made in; the other rows have none.
    assert held.change == StepChange("hold", day(4), days=2)
    assert held.change.words == "held 2 days more on 5 Mar"
    assert back.change == StepChange("step back", day(9), from_grams=2)
    assert back.change.words == "stepped back on 10 Mar from 2 g"
    assert [s.change for s in (first, cut, *steps[4:])] == [None] * 5
    # Step 1, days 0-2: 4 g (2 doses), 5 g (over 4 g), nothing: 9 g over 3 days.
    assert (first.days, first.days_within, first.grams_per_day, first.grams_max) == (3, 2, 3.0, 5)
    assert (first.doses_per_day, first.doses_max) == (1.0, 2)
    assert (first.withdrawal_mean, first.craving_mean, first.phq9_latest) == (12.0, None, None)
    # Step 2, days 3-7, before the hold (day 3) and after it (days 4-7) alike: 3, 4 (over 3 g),
    # 3, 0 and 3 g: 13 g over 5 days; doses 1, 2, 1, 0 and 3: 7 over 5 days.
    assert (held.days, held.days_within, held.grams_per_day, held.grams_max) == (5, 4, 2.6, 4)
    assert (held.doses_per_day, held.doses_max) == (1.4, 3)
    assert (held.withdrawal_mean, held.craving_mean, held.phq9_latest) == (20.0, 7.0, 10)
    assert (held.sleep_tst_minutes, held.sleep_efficiency) == (420.0, 87.5)  # 420 of 480
    assert held.notes == ("headache",)
    # Step 3, day 8 only: 2.5 g over the 2 g allowance.
    assert (cut.days, cut.days_within, cut.grams_per_day, cut.doses_per_day) == (1, 0, 2.5, 1.0)
    assert (cut.withdrawal_mean, cut.sleep_tst_minutes) == (16.0, None)
    # Step 4 so far, days 9-10: 3 g and 2 g, both kept; craving 9 and 5; nights 360 and 240
    # minutes asleep of 480 in bed (75% and 50%).
    assert (back.days, back.days_within, back.grams_per_day, back.grams_max) == (2, 2, 2.5, 3)
    assert (back.doses_per_day, back.craving_mean) == (1.0, 7.0)
    assert (back.sleep_tst_minutes, back.sleep_efficiency) == (300.0, 62.5)
    assert back.notes == ("restless legs",) and back.current
    assert back.as_dict()["change"] == {"kind": "step back", "on": "2026-03-10", "from_grams": 2}
    assert held.as_dict()["change"] == {"kind": "hold", "on": "2026-03-05", "days": 2}


def test_a_hold_made_on_a_steps_first_day_is_that_step_lengthened():
    # Held 3 days on day 3, the 3 g step's first day: 3 g on days 3-8, then 2 g from day 9.
    held = hold(FIRST, day(3), 3)
    steps = review(held, journal(), [], [], [], day(4), earlier=[FIRST])
    assert [(str(s.first_day), str(s.last_day), s.allowance_grams) for s in steps[:3]] == [
        ("2026-03-01", "2026-03-03", 4), ("2026-03-04", "2026-03-09", 3),
        ("2026-03-10", "2026-03-12", 2),
    ]  # fmt: skip
    assert steps[1].change == StepChange("hold", day(3), days=3) and steps[1].days == 2


def test_a_step_back_then_held_the_same_day_still_follows_the_steps_before_it():
    # On day 4 (in the 3 g step), back to 4 g for a whole step (days 4-6), then that held 2 days
    # (to day 8): set the same day, the hold replaces the step back, and is a step back itself.
    back_and_held = hold(step_back(FIRST, day(4)), day(4), 2)
    history = PlanHistory([FIRST, back_and_held])
    assert taper_course(history, back_and_held) == [FIRST]
    steps = review(back_and_held, journal(), [], [], [], day(5), earlier=[FIRST])
    assert [(str(s.first_day), str(s.last_day), s.allowance_grams) for s in steps[:4]] == [
        ("2026-03-01", "2026-03-03", 4), ("2026-03-04", "2026-03-04", 3),
        ("2026-03-05", "2026-03-09", 4), ("2026-03-10", "2026-03-12", 3),
    ]  # fmt: skip
    assert steps[2].change == StepChange("step back", day(4), from_grams=3)
