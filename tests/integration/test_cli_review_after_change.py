"""`kratomlog plan review` after `plan taper --hold` and `--step-back`: every step gone through,
the steps before the change with what the record shows, the change on the row it was made in.
The clock: Mon 23 Nov 2026 19:00 in Berlin."""

import json


def _taper_with_doses(kl):
    # 6 g a day, 2 g less every 7 days from Mon 9 Nov: 6 g (9-15), 4 g (16-22), 2 g (23-29), 0 g.
    kl("plan", "taper", "--from", "6", "--step", "2", "--every", "7", "--start", "2026-11-09")
    kl("dose", "7g", "--at", "2026-11-10T09:00", "--note", "nausea")  # over 6 g
    kl("dose", "3g", "--at", "2026-11-17T09:00")
    kl("dose", "2g", "--at", "2026-11-17T20:00")  # 5 g in 2 doses: over 4 g
    kl("dose", "2g", "--at", "2026-11-23T09:00")


def test_after_a_hold_the_review_keeps_the_steps_before_it(kl):
    _taper_with_doses(kl)
    kl("plan", "taper", "--hold", "7")  # today, the 2 g step's first day: to 6 December
    data = json.loads(kl("plan", "review", "--json").stdout)
    steps = data["steps"]
    assert [(s["step"], s["from"], s["to"], s["allowance_grams"], s["state"]) for s in steps] == [
        (1, "2026-11-09", "2026-11-15", 6, "done"),
        (2, "2026-11-16", "2026-11-22", 4, "done"),
        (3, "2026-11-23", "2026-12-06", 2, "current"),
        (4, "2026-12-07", None, 0, "to come"),
    ]  # fmt: skip
    first, second, held = steps[:3]
    assert (first["days"], first["days_within"], first["grams_max"]) == (7, 6, 7)
    assert first["notes"] == ["nausea"] and first["change"] is None
    assert (second["days_within"], second["grams_max"], second["doses_max"]) == (6, 5, 2)
    assert held["change"] == {"kind": "hold", "on": "2026-11-23", "days": 7}
    assert (held["days"], held["days_within"], held["grams_per_day"]) == (1, 1, 2.0)
    out = kl("plan", "review").stdout
    assert "from 2026-11-09, step by step" in out and "step 3: held 7 days more on 23 Nov" in out


def test_after_a_step_back_the_review_keeps_the_step_it_went_back_from(kl):
    # From Mon 16 Nov: 6 g (16-22), 4 g (23-29), ...: stepped back today, in the 4 g step's first
    # day, to 6 g for a week (23-29), then 4 g (30 Nov-6 Dec).
    kl("plan", "taper", "--from", "6", "--step", "2", "--every", "7", "--start", "2026-11-16")
    kl("dose", "5g", "--at", "2026-11-18T09:00")
    kl("plan", "taper", "--step-back")
    steps = json.loads(kl("plan", "review", "--json").stdout)["steps"]
    assert [(s["from"], s["to"], s["allowance_grams"], s["state"]) for s in steps[:3]] == [
        ("2026-11-16", "2026-11-22", 6, "done"),
        ("2026-11-23", "2026-11-29", 6, "current"),
        ("2026-11-30", "2026-12-06", 4, "to come"),
    ]  # fmt: skip
    assert steps[0]["grams_max"] == 5 and steps[0]["change"] is None
    assert steps[1]["change"] == {"kind": "step back", "on": "2026-11-23", "from_grams": 4}
