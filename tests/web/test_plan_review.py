"""The Plan page shows the taper step by step: a row a step with the current one marked, steps
to come with their allowance, a chart of allowance against grams, and the five things of the
NIDA consensus with its source. The clock: Mon 23 Nov 2026 19:00 in Berlin."""

import re
from html import unescape


def text(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def rows(response) -> list[str]:
    body = response.content.decode().split('class="review"')[1].split("</table>")[0]
    return [text_of(row) for row in body.split("<tr")[2:]]


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", "<" + html)).split())


def test_the_plan_page_shows_the_taper_step_by_step(kl, signed_in):
    # 6 g a day, 2 g less every 7 days from Mon 9 Nov: 6 g (9-15), 4 g (16-22), 2 g (23-29), 0 g.
    kl("plan", "taper", "--from", "6", "--step", "2", "--every", "7", "--start", "2026-11-09")
    kl("dose", "5g", "--at", "2026-11-10T09:00", "--note", "nausea")
    kl("dose", "4g", "--at", "2026-11-17T09:00")
    kl("dose", "1g", "--at", "2026-11-17T20:00")
    kl("checkin", "craving", "--answers", "6", "--at", "2026-11-17T21:00")
    page = signed_in.get("/plan")
    shown = text(page)
    assert "Your taper, step by step" in shown
    assert "now in step 3 (2 g a day)" in shown
    assert "withdrawal, use, the effects of use, craving and side effects" in shown
    assert "NIDA Clinical Trials Network consensus on dose adjustment" in shown
    first, second, third, fourth = rows(page)
    # Step 1: 5 g on one day of seven, all kept; the note written on the 10th.
    assert first == "1 9 Nov to 15 Nov 6 g 7 of 7 0.7 g (5 g) 0.1 (1) – – – – nausea"
    # Step 2: 5 g in two doses on the 17th, over 4 g: 6 of 7 kept; craving 6.
    assert second == "2 16 Nov to 22 Nov 4 g 6 of 7 0.7 g (5 g) 0.3 (2) – 6.0 – – –"
    assert third.startswith("3 now 23 Nov to 29 Nov 2 g 1 of 1 0 g (0 g)")
    assert fourth == "4 From 30 Nov on 0 g to come"
    assert 'aria-current="step"' in page.content.decode()
    assert "Allowance against grams, step by step." in shown
    assert "4 steps from 6 g to 0 g a day; 3 begun, 14 of 15 days kept within the allowance." in (
        shown
    )
    assert "Craving by step, mean (0-10)" in shown


def test_a_plan_without_a_taper_has_no_review(kl, signed_in):
    kl("plan", "set", "occasional", "--start", "2026-11-01")
    assert "step by step" not in text(signed_in.get("/plan"))


def hidden(response) -> dict[str, str]:
    found = re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', response.content.decode())
    return {name: unescape(value) for name, value in found}


def test_hold_and_step_back_are_offered_shown_first_and_set_on_a_yes(kl, signed_in, person):
    # 6 g, 2 g less every 7 days from Mon 16 Nov: today (the 23rd) is step 2, 4 g to the 29th.
    kl("plan", "taper", "--from", "6", "--step", "2", "--every", "7", "--start", "2026-11-16")
    page = text(signed_in.get("/plan"))
    assert "A hard week? Hold this step or step back" in page
    assert "Hold step 2 (4 g a day, to 29 Nov) for this many more days" in page
    assert "Offering these two after a hard week is kratomlog's own choice" in page
    asked = signed_in.post("/plan/hold", {"days": "3"})
    shown = text(asked)
    assert "Set “taper from 6 g (step 2 at 4 g held to 2026-12-02)” from 2026-11-23?" in shown
    assert "1 23 Nov to 2 Dec 4 g 2 3 Dec to 9 Dec 2 g" in shown
    assert person.plan_versions.count() == 1  # nothing set before the yes
    signed_in.post("/plan/hold", hidden(asked))
    assert person.plan_versions.count() == 2
    back = text(signed_in.post("/plan/step-back", {}))
    assert "Today's allowance goes from 4 g to 6 g." in back
    assert "1 23 Nov to 29 Nov 6 g 2 30 Nov to 6 Dec 4 g" in back
    refused = signed_in.post("/plan/hold", {"days": "none"})
    assert refused.status_code == 400 and "days: 'none' is not a whole number" in text(refused)
