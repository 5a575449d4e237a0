"""`kratomlog schedule` and `due` on a schedule: the person's own cadence and its ledger."""

import json

from kratomlog.checkins.models import ScheduleVersion

# The clock: Monday 23 November 2026, 19:00 in Berlin (tests/integration/conftest.py).


def test_a_set_schedule_shows_with_its_next_times_and_clears_item_by_item(kl):
    out = kl("schedule", "set", "phq9", "--every", "week", "--on", "mon", "--at", "09:00").stdout
    assert "phq9: every week on Monday at 09:00, from 2026-11-23" in out
    kl("schedule", "set", "sleep", "--every", "day", "--at", "08:30")
    shown = json.loads(kl("schedule", "show", "--json").stdout)
    assert [item["instrument"] for item in shown["items"]] == ["phq9", "sleep"]
    assert shown["next"]["phq9"][0] == "2026-11-30T08:00:00+00:00"  # 09:00 in Berlin
    assert shown["next"]["sleep"][0] == "2026-11-24T07:30:00+00:00"
    kl("schedule", "clear", "phq9")
    assert "phq9" not in kl("schedule", "show").stdout
    assert ScheduleVersion.objects.count() == 3  # every version kept
    assert (
        "error: ITEM: 'gad7' is not in the schedule"
        in kl("schedule", "clear", "gad7", code=2).stderr
    )


def test_bad_schedule_input_names_the_option_and_saves_nothing(kl):
    refused = kl("schedule", "set", "phq9", "--every", "week", "--on", "someday", code=2)
    assert "error: --on: 'someday' is not a weekday; use one of mon, tue" in refused.stderr
    assert (
        "error: --at: '9am' is not a time of day; use HH:MM"
        in kl("schedule", "set", "phq9", "--at", "9am", code=2).stderr
    )
    assert (
        "error: ITEM: 'mood' is not an instrument" in kl("schedule", "set", "mood", code=2).stderr
    )
    assert not ScheduleVersion.objects.exists()


def test_without_a_schedule_due_suggests_with_one_it_shows_the_ledger(kl, tmp_path):
    suggested = json.loads(kl("due", "--json").stdout)
    assert [d["checkin"] for d in suggested] == ["withdrawal", "craving", "phq9", "gad7"]
    kl("schedule", "set", "craving", "--every", "day", "--at", "18:00", "--start", "2026-11-20")
    kl("checkin", "craving", "--answers", "3", "--at", "2026-11-21T18:30")
    ledger = json.loads(kl("due", "--json").stdout)
    assert [(e["due_at"][:10], e["state"]) for e in ledger] == [
        ("2026-11-20", "missed"), ("2026-11-21", "done"), ("2026-11-22", "missed"),
        ("2026-11-23", "due"), ("2026-11-24", "upcoming"),
    ]  # fmt: skip
    out = kl("due").stdout
    assert "- craving: due, open until Tue 18:00" in out and "phq9" not in out
    kl("checkin", "craving", "--answers", "2")
    assert "Nothing is due." in kl("due").stdout
    # The calendar follows the schedule.
    path = tmp_path / "schedule.ics"
    kl("due", "--ics", path)
    text = path.read_text()
    assert text.count("BEGIN:VEVENT") == 1 and "RRULE:FREQ=DAILY" in text
    assert "DTSTART:20261120T180000" in text and "kratomlog: craving" in text
