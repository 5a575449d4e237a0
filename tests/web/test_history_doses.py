"""History shows how often beside how much: doses a day with the grams. The clock: Mon 23 Nov
2026 19:00 in Berlin."""

import re
from html import unescape


def test_history_gives_doses_a_day_beside_grams(kl, signed_in):
    kl("dose", "2g", "--at", "2026-11-21T08:00")
    kl("dose", "1g", "--at", "2026-11-21T14:00")
    kl("dose", "1.5g", "--at", "2026-11-21T20:00")
    kl("dose", "3g", "--at", "2026-11-22T09:00")
    html = signed_in.get("/history?range=30").content.decode()
    shown = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    # 4 doses in 30 days: 0.1 a day; the 21st had 3.
    assert "4 doses, 0.1 a day on average; most in a day 3." in shown
    assert "2026-11-21: 4.5 g in 3 doses" in html
    assert "Day Grams Doses Allowance Breaches" in shown
    assert "2026-11-21 4.5 3" in shown and "2026-11-22 3 1" in shown
