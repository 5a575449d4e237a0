"""The Plan page's taper review after a hold: the steps before it stay, the held step says so on
its row. The clock: Mon 23 Nov 2026 19:00 in Berlin."""

from tests.web.test_plan_review import rows, text


def test_the_plan_page_keeps_the_steps_before_a_hold_and_marks_the_held_step(kl, signed_in):
    # 6 g a day, 2 g less every 7 days from Mon 9 Nov: 6 g (9-15), 4 g (16-22), 2 g (23-29), 0 g;
    # the 2 g step held 7 days today, to 6 December.
    kl("plan", "taper", "--from", "6", "--step", "2", "--every", "7", "--start", "2026-11-09")
    kl("dose", "5g", "--at", "2026-11-10T09:00", "--note", "nausea")
    kl("plan", "taper", "--hold", "7")
    page = signed_in.get("/plan")
    assert "taper from 6 g (step 3 at 2 g held to 2026-12-06) from 2026-11-09;" in text(page)
    first, second, held, last = rows(page)
    assert first == "1 9 Nov to 15 Nov 6 g 7 of 7 0.7 g (5 g) 0.1 (1) – – – – nausea"
    assert second.startswith("2 16 Nov to 22 Nov 4 g 7 of 7")
    assert held.startswith("3 now held 7 days more on 23 Nov 23 Nov to 6 Dec 2 g 1 of 1")
    assert last == "4 From 7 Dec on 0 g to come"
