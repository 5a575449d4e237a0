"""Where you stand: status (plain and JSON), history, and plans."""

import json

import pytest

from kratomlog.journal.models import Entry
from tests import fixtures


def ids_on(person, day):
    return [e.id for e in Entry.objects.filter(person=person, local_day=day, substance="kratom")]


@pytest.fixture
def fixture_journal(kl, person):
    fixtures.load(kl)
    return person


def test_status_json_on_the_fixture_journal(kl, fixture_journal):
    person = fixture_journal
    data = json.loads(kl("status", "--json").stdout)
    assert data["as_of"] == "2026-11-23T19:00:00+01:00"
    assert data["timezone"] == "Europe/Berlin"
    assert data["plan"]["name"] == "occasional" and data["plan"]["start"] == "2026-11-01"
    assert data["plan"]["rules"] == [
        {
            "id": "max_use_days",
            "kind": "max_use_days",
            "severity": "limit",
            "max": 1,
            "window_days": 7,
        },
        {
            "id": "max_use_days-target",
            "kind": "max_use_days",
            "severity": "target",
            "max": 2,
            "window_days": 30,
        },
    ]
    assert [(b["day"], b["severity"], b["entries"]) for b in data["breaches"]] == [
        ("2026-11-02", "limit", ids_on(person, "2026-11-02")),
        ("2026-11-12", "target", ids_on(person, "2026-11-12")),
        ("2026-11-20", "target", ids_on(person, "2026-11-20")),
        ("2026-11-23", "limit", ids_on(person, "2026-11-23")),
        ("2026-11-23", "target", ids_on(person, "2026-11-23")),
    ]
    assert all(b["kind"] == "max_use_days" for b in data["breaches"])
    # today is already over "1 in 7"; the use on the 23rd leaves the window on the 30th
    assert data["next_use_allowed"] == "2026-11-30T00:00:00+01:00"
    assert data["totals"] == {
        "use_days_last_7": 2,
        "use_days_last_30": 5,
        "grams_last_7": 5.5,
        "grams_last_30": 12.5,
        "grams_today": 1.5,
        "doses_last_7": 2,
        "doses_last_30": 5,
    }
    assert data["magnesium"]["today_elemental_mg"] == 141.0
    assert data["magnesium"]["over_limit"] is False
    assert data["days_since_last_use"] == 0
    assert [(s["kind"], s["since"]) for s in data["signals"]] == [("loss_of_control", "2026-11-23")]
    assert data["signals"][0]["preset"] == "break-90"
    assert "a break of at least 90 days" in data["signals"][0]["recommendation"]
    assert "a self-help text by one kratom user" in data["signals"][0]["source"]
    assert data["today_left"]["sentence"] == (
        "Your plan sets no gram limit for today. "
        "Your timing limits allow no use before Monday 30 November."
    )


def test_status_on_an_earlier_moment_counts_only_what_was_taken_by_then(kl, fixture_journal):
    data = json.loads(kl("status", "--on", "2026-11-20T12:00", "--json").stdout)
    assert [b["day"] for b in data["breaches"]] == ["2026-11-02", "2026-11-12"]
    assert data["next_use_allowed"] == "2026-11-20T12:00:00+01:00"  # a dose now keeps the limit
    assert data["totals"]["grams_today"] == 0 and data["days_since_last_use"] == 8
    assert data["signals"] == []


def test_status_in_plain_words(kl, fixture_journal):
    out = kl("status").stdout
    assert "As of Mon 23 Nov 2026 19:00 (Europe/Berlin)" in out
    assert "Plan: occasional from 2026-11-01" in out
    assert "over  max_use_days: 2 use days in the last 7 days" in out
    assert "Your timing limits allow no use before Monday 30 November." in out
    assert "To set it: kratomlog plan set break-90" in out
    assert "Magnesium today: 141 mg elemental of the 350 mg upper limit" in out
    assert "loss of control since 2026-11-23" in out
    assert "\x1b[" not in out


def test_doses_are_counted_beside_use_days_and_grams(kl):
    # How often, beside how much: three doses on one day are one use day and three doses.
    for at in ("2026-11-23T07:00", "2026-11-23T12:00", "2026-11-23T16:00", "2026-11-01T09:00"):
        kl("dose", "1g", "--at", at)
    totals = json.loads(kl("status", "--json").stdout)["totals"]
    assert (totals["use_days_last_7"], totals["doses_last_7"], totals["grams_last_7"]) == (1, 3, 3)
    assert (totals["use_days_last_30"], totals["doses_last_30"]) == (2, 4)
    assert "Last 7 days: 1 use day, 3 doses, 3 g." in kl("status").stdout


def test_status_of_an_empty_journal(kl):
    data = json.loads(kl("status", "--json").stdout)
    assert data["plan"] is None and data["breaches"] == [] and data["signals"] == []
    assert data["next_use_allowed"] == data["as_of"] and data["days_since_last_use"] is None
    assert "No use recorded." in kl("status").stdout


def test_a_future_status_moment_is_refused(kl):
    assert "error: --on: " in kl("status", "--on", "2026-12-01T00:00", code=2).stderr


def test_history_has_a_row_a_day_with_breaches_and_magnesium(kl, fixture_journal):
    rows = json.loads(kl("history", "--from", "2026-11-20", "--to", "2026-11-23", "--json").stdout)
    assert [(r["day"], r["use"], r["grams"], r["doses"], r["magnesium_mg"]) for r in rows] == [
        ("2026-11-20", True, 4.0, 1, 0.0),
        ("2026-11-21", False, 0.0, 0, 0.0),
        ("2026-11-22", False, 0.0, 0, 0.0),
        ("2026-11-23", True, 1.5, 1, 141.0),
    ]
    assert [b["severity"] for b in rows[3]["breaches"]] == ["limit", "target"]
    assert all(row["allowance"] is None for row in rows)
    table = kl("history", "--from", "2026-11-20", "--to", "2026-11-23").stdout
    assert "2026-11-23" in table and "max_use_days (limit)" in table


def test_history_rejects_a_backwards_range(kl):
    assert (
        "error: --from: 2026-11-20 is after --to"
        in kl("history", "--from", "2026-11-20", "--to", "2026-11-01", code=2).stderr
    )


def test_history_days_follow_local_midnight_across_the_end_of_summer_time(kl):
    # Berlin leaves summer time on 2026-10-25: 02:30 happens twice, and 23:30 is still the 25th
    kl("dose", "1g", "--at", "2026-10-25T02:30+02:00")
    kl("dose", "1g", "--at", "2026-10-25T02:30+01:00")
    kl("dose", "1g", "--at", "2026-10-25T23:30")
    kl("dose", "1g", "--at", "2026-10-26T00:30")
    rows = json.loads(kl("history", "--from", "2026-10-25", "--to", "2026-10-26", "--json").stdout)
    assert [(r["day"], r["doses"]) for r in rows] == [("2026-10-25", 3), ("2026-10-26", 1)]


def test_presets_show_their_source_and_evidence(kl):
    out = kl("plan", "presets").stdout
    for name in ("occasional", "ceiling-3g-a-dose", "break-90"):
        assert name in out
    assert out.count("not established by clinical trials") == 3


def test_taper_prints_its_schedule_and_judges_days_by_it(kl):
    out = kl(
        "plan",
        "taper",
        "--from",
        "12",
        "--step",
        "10%",
        "--every",
        "7",
        "--floor",
        "1",
        "--start",
        "2026-11-09",
    ).stdout
    assert "Taper set as your plan." in out
    assert "2026-11-09  2026-11-15  12 g" in out and "2026-11-16  2026-11-22  10.8 g" in out
    kl("dose", "11g", "--at", "2026-11-17T09:00")
    assert "Taper allowance today: 10.8 g" in kl("status", "--on", "2026-11-17T10:00").stdout
    rows = json.loads(kl("history", "--from", "2026-11-15", "--to", "2026-11-17", "--json").stdout)
    assert [(r["allowance"], len(r["breaches"])) for r in rows] == [(12, 0), (10.8, 0), (10.8, 1)]


def test_the_taper_review_shows_each_step_with_what_the_record_shows(kl):
    assert "No taper to review" in kl("plan", "review").stdout
    kl("plan", "taper", "--from", "6", "--step", "2", "--every", "7", "--start", "2026-11-09")
    kl("dose", "5g", "--at", "2026-11-10T09:00", "--note", "nausea")
    kl("dose", "4g", "--at", "2026-11-17T09:00")
    kl("dose", "1g", "--at", "2026-11-17T20:00")
    kl("checkin", "craving", "--answers", "6", "--at", "2026-11-17T21:00")
    data = json.loads(kl("plan", "review", "--json").stdout)
    first, second, third = data["steps"][:3]
    assert (first["allowance_grams"], first["days"], first["days_within"]) == (6, 7, 7)
    assert first["notes"] == ["nausea"] and first["state"] == "done"
    # 16-22 November at 4 g: the 17th's 5 g in two doses breaks it.
    assert (second["days_within"], second["grams_max"], second["doses_max"]) == (6, 5, 2)
    assert second["craving_mean"] == 6 and second["state"] == "done"
    assert third["state"] == "current" and third["days"] == 1  # Monday 23 November
    out = kl("plan", "review").stdout
    assert "3 (now)" in out and "step 1: nausea" in out and "NIDA Clinical Trials" in out


def test_a_percentage_taper_without_floor_is_refused(kl, person):
    result = kl("plan", "taper", "--from", "12", "--step", "10%", "--every", "7", code=2)
    assert result.stderr.startswith("error: --floor: a percentage taper never reaches 0")
    assert not person.plan_versions.exists()


def test_a_dry_run_taper_is_not_set(kl, person):
    assert (
        "Schedule only (not set)"
        in kl("plan", "taper", "--from", "3", "--step", "1", "--every", "5", "--dry-run").stdout
    )
    assert not person.plan_versions.exists()


def test_changing_the_plan_keeps_the_old_version_for_its_days(kl, tmp_path):
    kl("plan", "set", "ceiling-3g-a-dose", "--start", "2026-11-01")
    kl("plan", "set", "occasional", "--start", "2026-11-15")
    kl("dose", "4g", "--at", "2026-11-10T09:00")
    data = json.loads(kl("status", "--json").stdout)
    assert data["plan"]["name"] == "occasional" and data["breaches"] == []
    rows = json.loads(kl("history", "--from", "2026-11-10", "--to", "2026-11-10", "--json").stdout)
    assert [b["plan"] for b in rows[0]["breaches"]] == ["ceiling-3g-a-dose"]
    shown = json.loads(kl("plan", "show", "--json").stdout)
    assert [v["name"] for v in shown["versions"]] == ["ceiling-3g-a-dose", "occasional"]


def test_undo_withdraws_the_plan_just_set(kl):
    kl("plan", "set", "ceiling-3g-a-dose", "--start", "2026-11-01")
    kl("plan", "set", "break-90")
    assert "undid: set plan 'break-90'" in kl("undo").stdout
    assert json.loads(kl("status", "--json").stdout)["plan"]["name"] == "ceiling-3g-a-dose"


def test_a_plan_file_is_read_and_its_errors_named(kl, tmp_path):
    good = tmp_path / "plan.toml"
    good.write_text('name = "evenings"\n[[rule]]\nkind = "min_hours_between_doses"\nhours = 8\n')
    assert (
        "min_hours_between_doses (limit): at least 8 hours between doses"
        in kl("plan", "set", good).stdout
    )
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\n[[rule]]\nkind = "no_use"\n')
    assert kl("plan", "set", bad, code=2).stderr.strip() == (
        "error: rule 1.days: missing; no_use takes days"
    )


def test_a_breach_of_no_use_is_loss_of_control_at_once(kl):
    kl("plan", "set", "break-90", "--start", "2026-11-20")
    kl("dose", "2g", "--at", "10:00")
    data = json.loads(kl("status", "--json").stdout)
    assert [(s["kind"], s["since"]) for s in data["signals"]] == [("loss_of_control", "2026-11-23")]
    assert data["next_use_allowed"] == "2027-02-18T00:00:00+01:00"  # day 91 of the break
