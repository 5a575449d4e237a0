"""Escalation compares two fortnights only within recorded history: a new journal's first two
weeks are not compared with an unrecorded fortnight. The clock: Mon 23 Nov 2026, Berlin."""

import json


def kinds(kl) -> list[str]:
    return [signal["kind"] for signal in json.loads(kl("status", "--json").stdout)["signals"]]


def two_weeks_of_daily_use(kl):
    for day in range(10, 24):
        kl("dose", "3g", "--at", f"2026-11-{day:02d}T08:00")


def test_a_new_journal_of_two_weeks_is_not_escalation(kl):
    two_weeks_of_daily_use(kl)
    assert "escalation" not in kinds(kl)
    assert "frequent_use" in kinds(kl)  # 7 of the last 7: that needs no earlier fortnight


def test_a_journal_said_to_start_earlier_counts_the_empty_fortnight_as_no_use(kl):
    two_weeks_of_daily_use(kl)
    kl("config", "set", "journal-started", "2026-10-27")
    assert "escalation" in kinds(kl)
    assert "journal-started = 2026-10-27" in kl("config", "show").stdout
    kl("config", "set", "journal-started", "none")
    assert "escalation" not in kinds(kl)


def test_an_entry_of_any_kind_starts_the_record(kl):
    kl("magnesium", "200mg", "--at", "2026-10-26T08:00")
    two_weeks_of_daily_use(kl)
    assert "escalation" in kinds(kl)


def test_a_journal_start_in_the_future_is_refused_with_its_form(kl):
    out = kl("config", "set", "journal-started", "2027-01-01", code=2).stderr
    assert "journal-started: 2027-01-01 is out of range; a day between 1970-01-01" in out
