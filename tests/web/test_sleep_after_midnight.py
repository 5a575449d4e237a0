"""The sleep diary just after midnight: "last night" is the night that has ended, the night is
chosen in plain sight, and a refused diary keeps its answers and says why in words."""

import re
from datetime import UTC, datetime
from html import unescape

from kratomlog.checkins.models import SleepDiary

ANSWERS = {
    "bed": "23:00",
    "tried": "23:15",
    "sol": "20",
    "wakes": "1",
    "waso": "10",
    "final": "06:20",
    "up": "06:40",
    "quality": "4",
}


def text(response) -> str:
    return unescape(re.sub(r"<[^>]+>", "", response.content.decode()))


def test_just_after_midnight_last_night_is_the_night_that_has_ended(signed_in, person, clock):
    clock.move_to(datetime(2026, 11, 24, 23, 30, tzinfo=UTC))  # 00:30 on Wed 25 Nov in Berlin
    form = signed_in.get("/sleep").content.decode()
    assert 'name="night" type="date" value="2026-11-23"' in form
    main = form.split('<main id="main">', 1)[1]  # the page's own content, not its navigation
    assert "<details>" not in main  # the night is chosen in plain sight
    saved = signed_in.post("/sleep", ANSWERS)
    assert saved.status_code == 200
    assert SleepDiary.objects.get(person=person).night.isoformat() == "2026-11-23"


def test_a_night_not_over_yet_is_refused_in_words_with_the_answers_kept(signed_in, clock):
    clock.move_to(datetime(2026, 11, 24, 23, 30, tzinfo=UTC))
    refused = signed_in.post("/sleep", {**ANSWERS, "night": "2026-11-24"})
    page = text(refused)
    assert refused.status_code == 400
    assert (
        "Out of bed: getting up at 06:40 after the night that began on Tuesday 24 November is "
        "still to come" in page
    )
    assert "--" not in page.split("Sleep diary", 1)[1]
    html = refused.content.decode()
    assert 'value="23:15"' in html and 'value="2026-11-24"' in html
    assert re.search(r'name="quality" value="4" required checked', html)
