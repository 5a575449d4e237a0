"""Settings shows what is in force: the crisis resources (the default list when none is set)
and the day the journal started."""

from html import unescape


def test_settings_shows_the_default_crisis_resources_in_force(signed_in):
    html = unescape(signed_in.get("/settings").content.decode())
    assert "In force now (the default list):" in html
    assert "988 Suicide &amp; Crisis Lifeline" in html or "988 Suicide & Crisis Lifeline" in html


def test_settings_shows_ones_own_crisis_resources_once_set(signed_in):
    signed_in.post("/settings/crisis", {"crisis_resources": "Samaritans | call 116 123"})
    html = unescape(signed_in.get("/settings").content.decode())
    assert "(the default list)" not in html
    assert '<strong>Samaritans</strong>: call <a href="tel:116123">116 123</a>' in html
    assert "Samaritans | call 116 123</textarea>" in html  # the text to edit, as saved


def test_the_journal_start_is_set_on_the_page_with_the_rest(signed_in, person):
    saved = signed_in.post(
        "/settings/save",
        {"timezone": "Europe/Berlin", "dose_unit": "g", "journal_started": "2026-10-01"},
    )
    assert saved.status_code == 302
    person.refresh_from_db()
    assert str(person.journal_started) == "2026-10-01"
    refused = signed_in.post(
        "/settings/save",
        {"timezone": "Asia/Tokyo", "dose_unit": "g", "journal_started": "2030-01-01"},
    )
    assert refused.status_code == 400 and "2030-01-01 is out of range" in refused.content.decode()
    person.refresh_from_db()
    assert person.timezone == "Europe/Berlin"  # the whole form or nothing
