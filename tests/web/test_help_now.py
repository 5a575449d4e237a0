"""Help now on the web: the crisis resources and the person's own plan, written on its page."""

from html import unescape


def test_help_now_shows_the_resources_and_invites_a_plan_of_ones_own(signed_in):
    html = unescape(signed_in.get("/help").content.decode())
    assert "988 Suicide & Crisis Lifeline" in html
    assert "You have not written one yet" in html and 'href="/help/plan"' in html
    assert "Tell my care team now" not in html  # a local journal has no care team


def test_the_plan_is_written_line_by_line_and_shown_with_tap_to_call(signed_in, person):
    answer = signed_in.post(
        "/help/plan",
        {
            "warning_signs": "Not sleeping\nSkipping meals",
            "what_helps": "A walk by the river",
            "people": "Mara | +49 30 1234567",
            "reasons": "My daughter",
        },
    )
    html = unescape(answer.content.decode())
    assert answer.status_code == 200 and "Skipping meals" in html
    assert '<a href="tel:+49301234567">+49 30 1234567</a>' in html
    person.refresh_from_db()
    assert person.coping_plan["what_helps"] == ["A walk by the river"]
    form = unescape(signed_in.get("/help/plan").content.decode())
    assert "Mara | +49 30 1234567" in form


def test_a_refused_plan_keeps_what_was_typed_and_names_the_line(signed_in, person):
    answer = signed_in.post(
        "/help/plan", {"what_helps": "Tea with Ana", "people": "Mara | call her"}
    )
    html = unescape(answer.content.decode())
    assert answer.status_code == 400 and "is not a phone number" in html
    assert "Tea with Ana" in html and "Mara | call her" in html
    person.refresh_from_db()
    assert person.coping_plan == {}
