"""Today never contradicts itself and never nudges a dose; a very large dose is confirmed in
words on the page and recorded exactly as typed. The clock: Mon 23 Nov 2026 19:00 in Berlin."""

import json
import re

from tests.web.conftest import htmx


def today(client) -> str:
    return client.get("/").content.decode()


def offers_a_dose(html: str) -> bool:
    """A prefilled amount or a one-tap amount button."""
    prefilled = re.search(r'<input id="amount" name="amount" value="[^"]+"', html)
    return bool(prefilled or 'name="quick"' in html)


def test_a_taper_at_0g_says_nothing_is_left_and_offers_no_dose(kl, signed_in):
    kl("dose", "2g", "--at", "2026-11-10T08:00")
    kl("plan", "taper", "--from", "2", "--step", "1", "--every", "5", "--start", "2026-11-10")
    html = today(signed_in)
    assert "Today&#x27;s taper allowance is 0 g: no kratom today under your plan." in html
    assert "A dose now keeps" not in html and not offers_a_dose(html)
    left = json.loads(kl("status", "--json").stdout)["today_left"]
    assert left["grams_allowed"] == 0 and left["grams_left"] == 0 and left["quiet"] is True
    assert left["dose_now_within_limits"] is False


def test_a_break_says_the_day_it_ends_and_offers_no_dose(kl, signed_in):
    kl("dose", "2g", "--at", "2026-11-20T08:00")
    kl("dose", "2g", "--at", "2026-11-21T08:00")
    kl("plan", "set", "break-90", "--start", "2026-11-22")
    html = today(signed_in)
    assert "A break is in force: no use today under your plan, day 2 of 90" in html
    assert "it runs to the end of Friday 19 February 2027" in html
    assert not offers_a_dose(html)
    out = kl("status").stdout
    assert "A break is in force" in out and "Next dose" not in out
    assert json.loads(kl("status", "--json").stdout)["today_left"]["break_until"] == "2027-02-19"


def test_grams_left_under_a_daily_limit_are_said_and_a_dose_still_offered(kl, signed_in, tmp_path):
    plan = tmp_path / "day.toml"
    plan.write_text('name = "six"\n[[rule]]\nkind = "max_grams_per_day"\nmax_grams = 6\n')
    kl("plan", "set", str(plan), "--start", "2026-11-01")
    kl("dose", "2.5g", "--at", "08:00")
    html = today(signed_in)
    assert "3.5 g left today under your daily limit of 6 g." in html
    assert offers_a_dose(html)  # the person's own last amount, nothing is wrong today


def test_loss_of_control_offers_no_dose_and_recommends_no_plan_in_force(kl, signed_in):
    kl("plan", "set", "break-90", "--start", "2026-11-20")
    kl("dose", "2g", "--at", "2026-11-21T08:00")
    kl("dose", "2g", "--at", "08:00")
    html = today(signed_in)
    assert "Loss of control" in html and "The record shows use on 2 days" in html
    assert "1-800-662-4357" in html  # where help is
    assert "preview=break-90" not in html and "90-day break" not in html
    assert not offers_a_dose(html)
    # logging stays possible: a journal records what happened
    assert htmx(signed_in, "/log/dose", {"amount": "1g"}).status_code == 200


def test_over_50g_the_page_asks_in_words_and_records_exactly_what_was_typed(kl, signed_in, person):
    asked = htmx(signed_in, "/log/dose", {"amount": "60 g", "note": "big day"}).content.decode()
    assert "Record 60 g of kratom?" in asked and "Yes, record 60 g" in asked
    assert "--confirm-high" not in asked and "AMOUNT" not in asked
    assert 'href="/sources#large-dose-check"' in asked
    assert 'id="confirm-high" tabindex="-1" autofocus data-focus' in asked
    assert person.entries.count() == 0
    fields = dict(re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', asked))
    assert fields["amount"] == "60 g" and fields["note"] == "big day"
    assert fields["confirm_high"] == "1"
    htmx(signed_in, "/log/dose", fields)
    entry = person.entries.get()
    assert (entry.amount, entry.unit, entry.grams, entry.note) == (60, "g", 60, "big day")
