"""Check-ins on the web: one short form each, crisis resources at once, the sleep diary."""

from html import unescape

from kratomlog.checkins.models import CheckIn, SleepDiary


def phq9(item9: int) -> dict[str, str]:
    answers = {f"item-{n}": "0" for n in range(9)}
    answers["item-8"] = str(item9)
    return answers


def test_a_phq9_with_item_9_at_1_shows_the_crisis_resources_at_once(signed_in, person):
    html = unescape(signed_in.post("/checkin/phq9", phq9(1)).content.decode())
    assert "Your score: 1 of 27 (minimal)" in html
    assert 'role="alert"' in html and "988 Suicide & Crisis Lifeline" in html
    assert CheckIn.objects.get(person=person).self_harm
    today = unescape(signed_in.get("/").content.decode())
    assert "You deserve support now" in today and "Self harm risk" in today


def test_a_phq9_with_item_9_at_0_shows_no_crisis_box(signed_in):
    html = signed_in.post("/checkin/phq9", phq9(0)).content.decode()
    assert "Your score: 0 of 27" in html and "988" not in html


def test_the_form_uses_the_published_wording_and_refuses_a_missing_answer(signed_in, person):
    form = unescape(signed_in.get("/checkin/phq9").content.decode())
    assert "Over the last 2 weeks, how often have you been bothered" in form
    assert "Thoughts that you would be better off dead or of hurting yourself in some way" in form
    answers = phq9(0)
    del answers["item-4"]
    refused = unescape(signed_in.post("/checkin/phq9", answers).content.decode())
    assert "item 5:</strong> choose an answer for “Poor appetite or overeating”" in refused
    assert not CheckIn.objects.filter(person=person).exists()


def test_the_withdrawal_form_says_it_is_not_validated(signed_in):
    assert "Not a validated scale" in signed_in.get("/checkin/withdrawal").content.decode()


def test_the_sleep_diary_shows_its_efficiency(signed_in, person):
    html = signed_in.post(
        "/sleep",
        {
            "bed": "23:10",
            "tried": "23:30",
            "sol": "20",
            "wakes": "2",
            "waso": "30",
            "final": "06:40",
            "up": "07:00",
            "quality": "3",
        },
    ).content.decode()
    assert 'id="efficiency">81%' in html and "In bed 470 minutes; asleep 380 minutes" in html
    assert SleepDiary.objects.filter(person=person).count() == 1


def test_impossible_sleep_times_are_named_and_nothing_saved(signed_in, person):
    response = signed_in.post(
        "/sleep",
        {
            "bed": "23:10",
            "tried": "23:30",
            "sol": "20",
            "wakes": "2",
            "waso": "30",
            "final": "21:00",
            "up": "21:30",
            "quality": "3",
        },
    )
    assert (
        response.status_code == 400
        and "Out of bed:</strong> out of bed at 21:30" in response.content.decode()
    )
    assert not SleepDiary.objects.filter(person=person).exists()


def test_today_lists_what_is_due_with_one_tap_links(signed_in):
    html = signed_in.get("/").content.decode()  # 19:00 in Berlin: daily check-ins are due
    assert 'href="/checkin/withdrawal">Kratom withdrawal check-in</a>' in html
    assert 'href="/checkin/phq9">PHQ-9</a>' in html


def test_the_check_ins_page_shows_the_course_and_the_observational_label(kl, signed_in):
    for n in range(1, 11):
        kl("dose", "3g", "--at", f"2026-11-{n:02d}T09:00")
    signed_in.post("/checkin/withdrawal", {f"item-{n}": "2" for n in range(11)})
    html = unescape(signed_in.get("/checkins").content.decode())
    assert "Day <strong>13</strong> since the last dose (2026-11-10)" in html
    assert "about 4 to 5 days" in html and "unconfirmed" in html
    assert "observational" in html and "shown from 7 nights on each side" in html
    assert html.count('role="img"') >= 1
    schedule = signed_in.get("/checkins/schedule.ics")
    assert schedule.content.decode().count("BEGIN:VEVENT") == 3


def test_crisis_resources_are_set_in_settings(signed_in, person):
    signed_in.post("/settings/crisis", {"crisis_resources": "Samaritans | call 116 123"})
    html = signed_in.post("/checkin/phq9", phq9(2)).content.decode()
    assert "Samaritans" in html and "988" not in html
    refused = signed_in.post("/settings/crisis", {"crisis_resources": "no bar here"})
    assert refused.status_code == 400


def test_activities_are_recorded(signed_in, person):
    html = signed_in.post("/activity", {"kind": "support-group", "minutes": "60"}).content.decode()
    assert "Recorded support-group." in html and person.activities.count() == 1


def test_history_shows_check_ins_beside_the_doses(signed_in):
    signed_in.post("/checkin/craving", {"item-0": "6"})
    html = signed_in.get("/history").content.decode()
    assert "Craving (0-10).</strong> 1 check-in from 2026-10-25 to 2026-11-23." in html
    assert "<title>2026-11-23: 6 of 10</title>" in html


def test_craving_is_charted_against_the_tapers_steps(kl, signed_in):
    kl("plan", "taper", "--from", "6", "--step", "1", "--every", "7", "--start", "2026-11-09")
    kl("checkin", "craving", "--answers", "7", "--at", "2026-11-10T20:00")
    kl("checkin", "craving", "--answers", "5", "--at", "2026-11-12T20:00")
    kl("checkin", "craving", "--answers", "3", "--at", "2026-11-17T20:00")
    html = unescape(signed_in.get("/checkins").content.decode())
    assert (
        "Mean craving at each taper step.</strong> 2 taper steps with craving check-ins; the mean craving from 6 at step 1 to 3 at step 2."
        in html
    )
    assert "step 1 (6 g a day): mean craving 6 from 2 check-ins" in html


def test_each_kind_of_check_in_downloads_as_a_long_csv(signed_in):
    signed_in.post("/checkin/gad7", {f"item-{n}": "1" for n in range(7)})
    response = signed_in.get("/export-gad7.csv")
    lines = response.content.decode().splitlines()
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="kratomlog-gad7-'
    )
    assert lines[0] == "time,instrument,item,question,answer" and lines[-1].endswith(
        ",gad7,total,mild,7"
    )
    assert signed_in.get("/export-isi.csv").status_code == 404


def test_the_check_ins_page_says_in_words_how_the_phq9_changed_since_the_start(kl, signed_in):
    kl("checkin", "phq9", "--answers", "3,2,2,2,2,2,2,2,0", "--at", "2026-10-26T19:00")  # 17
    html = unescape(signed_in.get("/checkins").content.decode())
    assert "Shown once a questionnaire has two scores since you started" in html
    kl("checkin", "phq9", "--answers", "1,1,1,1,1,1,1,1,0", "--at", "2026-11-23T18:30")  # 8
    html = unescape(signed_in.get("/checkins").content.decode())
    assert "Your PHQ-9 went from 17 to 8: a reliable improvement" in html
    assert 'href="/sources#reliable-change"' in html


def test_the_checkins_page_sets_the_schedule_and_shows_what_is_due_and_the_last_4_weeks(
    signed_in,
):
    page = unescape(signed_in.get("/checkins").content.decode())
    assert "No schedule: what is due is suggested" in page
    set_ = signed_in.post(
        "/checkins/schedule", {"instrument": "gad7", "every": "day", "at": "18:00"}
    )
    html = unescape(set_.content.decode())
    assert "On your schedule: every day at 18:00, from 2026-11-23." in html
    assert 'Due now:</strong> <a href="/checkin/gad7">GAD-7</a> (open until Tue 18:00)' in html
    assert "GAD-7: none due yet" in html
    refused = signed_in.post(
        "/checkins/schedule", {"instrument": "gad7", "every": "week", "at": "18:00"}
    )
    assert refused.status_code == 400
    assert "every week needs a weekday" in unescape(refused.content.decode())
    cleared = signed_in.post("/checkins/schedule/clear", {"instrument": "gad7"})
    assert "No schedule: what is due is suggested" in unescape(cleared.content.decode())
