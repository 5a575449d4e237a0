"""A plan says what it does to today before it is saved, and can be undone on the page; a
90-day break asks in words; the taper builder offers no unsourced numbers. The clock: Mon 23
Nov 2026 19:00 in Berlin."""

import re
from html import unescape

from kratomlog.plans.models import PlanVersion


def text(response) -> str:
    return unescape(re.sub(r"<[^>]+>", "", response.content.decode()))


def hidden(response) -> dict[str, str]:
    found = re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', response.content.decode())
    return {name: unescape(value) for name, value in found}


def test_a_taper_says_what_it_does_to_todays_allowance_before_it_is_saved(kl, signed_in, person):
    kl("dose", "2g", "--at", "2026-11-10T08:00")
    kl("plan", "taper", "--from", "2", "--step", "1", "--every", "5", "--start", "2026-11-10")
    asked = signed_in.post(
        "/plan/taper", {"from": "6", "step": "1", "every": "7", "start": "2026-11-23"}
    )
    page = text(asked)
    assert "Today's allowance goes from 0 g to 6 g." in page
    assert "Today under it: 6 g left today under your taper allowance of 6 g." in page
    assert PlanVersion.objects.filter(person=person).count() == 1  # nothing saved yet
    signed_in.post("/plan/taper", hidden(asked))
    assert PlanVersion.objects.filter(person=person).count() == 2


def test_a_new_plan_says_the_loss_of_control_signal_starts_afresh(kl, signed_in):
    kl("plan", "set", "occasional", "--start", "2026-11-01")
    for day in ("02", "03", "12", "13"):
        kl("dose", "2g", "--at", f"2026-11-{day}T08:00")
    asked = text(signed_in.get("/plan?preview=break-90"))
    assert "Start a break: “break-90” from 2026-11-23?" in asked
    assert "The loss-of-control signal starts afresh" in asked
    assert "A break starts: no kratom until the end of Saturday 20 February 2027." in asked
    assert "Stopping daily use all at once can bring withdrawal" in asked
    assert "Yes, start the break" in asked


def test_a_saved_plan_can_be_undone_on_the_page(kl, signed_in, person):
    done = signed_in.post(
        "/plan/preset",
        {"preset": "occasional", "start": "2026-11-23", "confirmed": "1"},
        follow=True,
    )
    html = done.content.decode()
    assert "Plan “occasional” is in force from 2026-11-23." in unescape(html)
    assert 'name="next" value="plan"' in html
    undone = signed_in.post("/undo", {"next": "plan"}, follow=True)
    assert "Undid: set plan" in text(undone)
    assert not PlanVersion.objects.filter(person=person, withdrawn=False).exists()


def test_the_taper_builder_prefills_no_step_or_interval_and_says_it_rounds(signed_in):
    html = signed_in.get("/plan").content.decode()
    for name in ("from", "step", "every", "floor"):
        assert re.search(rf'<input id="taper-{name}" name="{name}" value=""', html), name
    assert "kratomlog suggests no step or interval" in unescape(html)
    preview = text(signed_in.get("/plan/taper/preview?from=6&step=10%25&every=7&floor=1"))
    assert "Steps rounded down to 0.1 g" in preview
    assert "4.374" not in preview and "4.86" not in preview
