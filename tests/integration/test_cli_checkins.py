"""Check-ins from the terminal: scored at once, crisis resources on item 9, nothing half-saved."""

import json

from kratomlog.checkins.models import CheckIn, SleepDiary

# The diary of a night of 23:10 to 07:00, with 380 minutes asleep: 80.9% efficiency.
LAST_NIGHT = (
    "--bed",
    "23:10",
    "--tried",
    "23:30",
    "--sol",
    "20",
    "--wakes",
    "2",
    "--waso",
    "30",
    "--final",
    "06:40",
    "--up",
    "07:00",
    "--quality",
    "3",
)


def test_phq9_with_answers_gives_the_score_band_and_json(kl):
    data = json.loads(kl("checkin", "phq9", "--answers", "1,2,1,2,1,0,1,1,0", "--json").stdout)
    assert (data["total"], data["band"], data["self_harm"]) == (9, "mild", False)
    assert data["crisis_resources"] == [] and "Kroenke 2001" in data["source"]


def test_item_9_above_0_shows_crisis_resources_at_once_whatever_the_total(kl, person):
    out = kl("checkin", "phq9", "--answers", "0,0,0,0,0,0,0,0,1").stdout
    assert "PHQ-9: 1 of 27 (minimal)." in out
    # The journal's zone is Berlin: the international directory first, the US lines after.
    assert out.index("Find a helpline: findahelpline.com") < out.index("988 Suicide")
    assert "988 Suicide & Crisis Lifeline: in the US: call or text 988" in out
    assert "SAMHSA National Helpline: in the US: 1-800-662-4357" in out
    assert CheckIn.objects.get(person=person).self_harm  # marked for a care team
    status = json.loads(kl("status", "--json").stdout)
    assert status["signals"][0]["kind"] == "self_harm_risk"
    assert "988 Suicide & Crisis Lifeline" in kl("status").stdout
    kl("checkin", "phq9", "--answers", "0,0,0,0,0,0,0,0,0", "--at", "19:00")
    later = json.loads(kl("status", "--json").stdout)
    assert [s["kind"] for s in later["signals"]] == []


def test_a_journal_in_a_us_zone_keeps_the_us_list_first(kl):
    kl("config", "set", "timezone", "America/Chicago")
    out = kl("checkin", "phq9", "--answers", "0,0,0,0,0,0,0,0,1").stdout
    assert "988 Suicide & Crisis Lifeline: call or text 988" in out
    assert out.index("988 Suicide") < out.index("findahelpline.com")


def test_crisis_resources_can_be_set_for_another_country(kl, tmp_path):
    lines = tmp_path / "uk.txt"
    lines.write_text("Samaritans | call 116 123, free, 24/7\nEmergency | call 999\n")
    kl("config", "set", "crisis-resources", lines)
    out = kl("checkin", "phq9", "--answers", "0,0,0,0,0,0,0,0,2").stdout
    assert "Samaritans: call 116 123, free, 24/7" in out and "988" not in out
    bad = tmp_path / "bad.txt"
    bad.write_text("just a name\n")
    assert "line 1 is 'just a name'" in kl("config", "set", "crisis-resources", bad, code=2).stderr


def test_interactive_prompts_ask_each_item(kl):
    from typer.testing import CliRunner

    from kratomlog.cli import app

    result = CliRunner().invoke(app, ["checkin", "gad7"], input="1\n9\n2\n0\n0\n1\n0\n3\n")
    assert result.exit_code == 0, result.output
    assert "Feeling nervous, anxious, or on edge" in result.output
    assert "answer with a whole number from 0 to 3" in result.output  # the 9 was asked again
    assert "GAD-7: 7 of 21 (mild)." in result.output


def test_wrong_answers_are_refused_and_nothing_saved(kl, person):
    assert (
        "PHQ-9 has 9 items; 2 answers were given"
        in kl("checkin", "phq9", "--answers", "1,2", code=2).stderr
    )
    assert (
        "answer 1 is 11; Craving answers run from 0 to 10"
        in kl("checkin", "craving", "--answers", "11", code=2).stderr
    )
    assert "error: INSTRUMENT: 'isi'" in kl("checkin", "isi", "--answers", "1", code=2).stderr
    assert not CheckIn.objects.filter(person=person).exists()


def test_the_withdrawal_check_in_says_it_is_not_validated(kl):
    out = kl("checkin", "withdrawal", "--answers", "2,2,1,0,1,2,2,3,1,2,3").stdout
    assert "Kratom withdrawal check-in: 19 of 44." in out and "Not a validated scale" in out


def test_the_sleep_diary_computes_efficiency(kl, person):
    data = json.loads(
        kl(
            "sleep",
            *LAST_NIGHT,
            "--json",
        ).stdout
    )
    assert data["night"] == "2026-11-22"
    assert (data["time_in_bed_minutes"], data["total_sleep_minutes"], data["sleep_efficiency"]) == (
        470,
        380,
        80.9,
    )
    again = kl(
        "sleep",
        *LAST_NIGHT,
        code=2,
    )
    assert "already recorded; add --replace" in again.stderr


def test_impossible_sleep_times_are_refused_and_nothing_saved(kl, person):
    result = kl(
        "sleep",
        "--bed",
        "23:10",
        "--tried",
        "23:30",
        "--sol",
        "20",
        "--wakes",
        "2",
        "--waso",
        "30",
        "--final",
        "21:40",
        "--up",
        "22:00",
        "--quality",
        "3",
        code=2,
    )
    assert result.stderr.startswith("error: --up: out of bed at 22:00")
    assert not SleepDiary.objects.filter(person=person).exists()


def test_activities_and_what_is_due(kl, clock):
    assert (
        "Recorded support-group, 90 minutes."
        in kl("activity", "support-group", "--minutes", "90").stdout
    )
    assert "error: KIND: 'yoga'" in kl("activity", "yoga", code=2).stderr
    due = json.loads(kl("due", "--json").stdout)  # 19:00 in Berlin: the daily ones are due
    assert [d["checkin"] for d in due] == ["withdrawal", "craving", "phq9", "gad7"]
    kl("checkin", "craving", "--answers", "4")
    assert "craving" not in kl("due").stdout


def test_the_sleep_diary_is_due_during_a_break_and_the_schedule_downloads(kl, tmp_path):
    kl("plan", "set", "break-90", "--start", "2026-11-20")
    assert "sleep: each morning during a taper or break" in kl("due").stdout
    path = tmp_path / "schedule.ics"
    kl("due", "--ics", path)
    text = path.read_text()
    assert text.count("BEGIN:VEVENT") == 4 and "RRULE:FREQ=DAILY;INTERVAL=14" in text
    assert "RRULE:FREQ=DAILY;UNTIL=20270218T073000" in text


def test_a_stop_the_course_and_withdrawal_persisting(kl):
    for n in range(1, 11):
        kl("dose", "3g", "--at", f"2026-11-{n:02d}T09:00")
    kl("checkin", "withdrawal", "--answers", "3,3,3,2,2,2,2,2,2,2,3", "--at", "2026-11-12T20:00")
    kl("checkin", "withdrawal", "--answers", "2,2,2,1,1,1,1,1,1,1,2", "--at", "2026-11-18T20:00")
    status = json.loads(kl("status", "--json").stdout)
    assert (
        status["stop"]["last_dose_day"] == "2026-11-10"
        and status["stop"]["days_since_last_dose"] == 13
    )
    assert "4 to 5 days" in status["stop"]["seed_claim"]
    assert [s["kind"] for s in status["signals"]] == ["withdrawal_persisting"]
    shows = json.loads(kl("recovery", "--json").stdout)
    assert [(w["day_since_last_dose"], w["total"]) for w in shows["withdrawal_by_day"]] == [
        (2, 26),
        (8, 15),
    ]
    out = kl("recovery").stdout
    assert "Day 13 since the last dose (2026-11-10)." in out and "observational" in out


def test_dose_and_sleep_differences_show_from_seven_nights_each_side(kl):
    for n in range(1, 15):
        evening = n % 2 == 0
        if evening:
            kl("dose", "2g", "--at", f"2026-11-{n:02d}T19:00")
        kl(
            "sleep",
            "--night",
            f"2026-11-{n:02d}",
            "--bed",
            "23:00",
            "--tried",
            "23:00",
            "--sol",
            "40" if evening else "10",
            "--wakes",
            "1",
            "--waso",
            "10",
            "--final",
            "07:00",
            "--up",
            "07:00",
            "--quality",
            "3",
        )
    shows = json.loads(kl("recovery", "--json").stdout)["dose_and_sleep"]
    latency = shows["measures"][1]
    assert latency["measure"] == "sleep onset latency (minutes)"
    assert (latency["nights_with"], latency["nights_without"], latency["difference"]) == (
        7,
        7,
        30.0,
    )
    assert latency["interval_95"] == [30.0, 30.0]
    assert "observational" in shows["label"]


def test_check_ins_are_in_the_export_and_its_round_trip(kl, tmp_path, person):
    kl("checkin", "phq9", "--answers", "0,0,0,0,0,0,0,0,1")
    kl(
        "sleep",
        *LAST_NIGHT,
    )
    kl("activity", "exercise", "--minutes", "30")
    data = json.loads(kl("export", "json").stdout)
    assert (len(data["checkins"]), len(data["sleep"]), len(data["activities"])) == (1, 1, 1)
    out = tmp_path / "journal.csv"
    kl("export", "csv", "--output", out)
    phq9 = (tmp_path / "journal-phq9.csv").read_text().splitlines()
    assert phq9[0] == "time,instrument,item,question,answer" and len(phq9) == 11
    assert phq9[-1].endswith(",phq9,total,minimal,1")
    sleep = (tmp_path / "journal-sleep.csv").read_text()
    assert "2026-11-22,sleep_efficiency,80.9" in sleep
    assert (tmp_path / "journal-activities.csv").read_text().count("exercise") == 1


def test_once_a_break_is_over_the_sleep_diary_is_asked_for_nowhere(kl, tmp_path):
    # A 90-day break from 20 August ended on 18 November; on 23 November neither `due` nor the
    # calendar asks for the diary any more, though the plan is still the one in force.
    kl("plan", "set", "break-90", "--start", "2026-08-20")
    assert "sleep" not in kl("due").stdout
    path = tmp_path / "schedule.ics"
    kl("due", "--ics", path)
    text = path.read_text()
    assert text.count("BEGIN:VEVENT") == 3 and "sleep diary" not in text


def test_the_change_since_the_start_says_whether_it_is_reliable(kl):
    kl("checkin", "phq9", "--answers", "3,2,2,2,2,2,2,2,0", "--at", "2026-10-26T19:00")  # 17
    kl("checkin", "phq9", "--answers", "1,1,1,1,1,1,1,1,0", "--at", "2026-11-23T18:30")  # 8
    kl("checkin", "gad7", "--answers", "1,1,1,1,1,1,1", "--at", "2026-11-01T19:00")
    found = json.loads(kl("checkins", "--outcomes", "--json").stdout)
    assert found["phq9"]["baseline"]["total"] == 17 and found["phq9"]["latest"]["total"] == 8
    assert (found["phq9"]["change"], found["phq9"]["category"]) == (-9, "recovered")
    assert (found["phq9"]["threshold"], found["phq9"]["cutoff"]) == (6, 10)
    assert found["gad7"] is None and found["withdrawal"] is None
    words = kl("checkins", "--outcomes").stdout
    assert "Your PHQ-9 went from 17 to 8: a reliable improvement" in words
    assert "GAD-7: fewer than two scores" in words
    listed = kl("checkins").stdout
    assert "17 of 27" in listed and "8 of 27" in listed and "7 of 21" in listed


def test_help_now_shows_the_crisis_resources_and_the_persons_own_plan(kl, tmp_path):
    out = kl("help").stdout
    assert "988 Suicide & Crisis Lifeline" in out and "no plan for hard moments yet" in out
    plan = tmp_path / "plan.txt"
    plan.write_text(
        "# My warning signs\nNot sleeping two nights running\n"
        "# What helps me\nA walk by the river\nCalling my sister\n"
        "# People I can call\nMara | +49 30 1234567\n"
        "# My reasons to keep going\nMy daughter\n"
    )
    assert "saved" in kl("help", "--set", plan).stdout
    shown = json.loads(kl("help", "--json").stdout)
    assert shown["coping_plan"] == {
        "warning_signs": ["Not sleeping two nights running"],
        "what_helps": ["A walk by the river", "Calling my sister"],
        "people": [{"name": "Mara", "phone": "+49 30 1234567"}],
        "reasons": ["My daughter"],
    }
    assert "988" in json.dumps(shown["crisis_resources"])
    out = kl("help").stdout
    assert "What helps me" in out and "Mara: +49 30 1234567" in out and "gram" not in out


def test_a_plan_with_a_bad_line_is_refused_naming_it_and_nothing_changes(kl, tmp_path):
    plan = tmp_path / "plan.txt"
    plan.write_text("# People I can call\nMara | call her\n")
    result = kl("help", "--set", plan, code=2)
    assert "people[0].phone" in result.stderr and "is not a phone number" in result.stderr
    plan.write_text("A walk\n")
    assert "line 1" in kl("help", "--set", plan, code=2).stderr
    assert json.loads(kl("help", "--json").stdout)["coping_plan"]["what_helps"] == []
