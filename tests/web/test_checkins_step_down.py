"""The Checkins page sets a step-down, in plain words: weekly for 4 weeks, then every 2 weeks,
then every 4 weeks."""

from html import unescape

from kratomlog.checkins import schedules

WEEKLY = {"instrument": "phq9", "every": "week", "on": "mon", "at": "09:00"}


def test_the_checkins_page_sets_a_weekly_check_in_that_steps_down(signed_in, person):
    page = unescape(signed_in.get("/checkins").content.decode())
    assert "Step down (optional): weekly for 4 weeks, then every 2 weeks" in page
    assert '<option value="14">every 2 weeks</option>' in page
    form = {**WEEKLY, "then1-after": "4", "then1-every": "14", "then2-after": "2",
            "then2-every": "28"}  # fmt: skip
    html = unescape(signed_in.post("/checkins/schedule", form).content.decode())
    assert (
        "On your schedule: every week on Monday at 09:00, then after 4, every 14 days at 09:00, "
        "then after 2, every 28 days at 09:00, from 2026-11-23." in html
    )
    (item,) = schedules.current(person)
    assert item.as_dict()["step_down"] == [{"after": 4, "every": 14}, {"after": 2, "every": 28}]


def test_a_step_down_without_how_many_is_refused_in_plain_words(signed_in, person):
    form = {**WEEKLY, "then1-every": "14"}
    refused = signed_in.post("/checkins/schedule", form)
    assert refused.status_code == 400
    assert "then, after how many of these? a whole number such as 4" in unescape(
        refused.content.decode()
    )
    assert schedules.current(person) == []


def test_no_step_down_chosen_keeps_the_one_cadence(signed_in, person):
    signed_in.post("/checkins/schedule", {**WEEKLY, "then1-after": "4", "then1-every": ""})
    (item,) = schedules.current(person)
    assert item.step_down == ()
