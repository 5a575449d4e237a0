"""The Brief Addiction Monitor on a 390x844 phone: one page, filled in by tapping."""

import re

from playwright.sync_api import expect

from kratomlog.checkins.models import CheckIn
from tests.browser.conftest import screenshot, sign_in

# item: the label tapped (item 7: the drugs ticked)
ANSWERS = {
    1: "Fair",
    2: "4-8",
    3: "1-3",
    4: "0",
    5: "0",
    6: "16-30",
    7: ["Kratom", "Opiates"],
    8: "Considerably",
    9: "Slightly",
    10: "0",
    11: "9-15",
    12: "Moderately",
    13: "16-30",
    14: "Yes",
    15: "Slightly",
    16: "4-8",
    17: "Moderately",
}


def test_the_bam_fills_in_on_a_phone_and_shows_its_subscales(phone, app):
    url, person = app
    sign_in(phone, app)
    phone.goto(url + "/checkins")
    phone.get_by_role("link", name="BAM (past 30 days)").tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Brief Addiction Monitor (BAM)")
    expect(phone.locator("main")).to_contain_text("Adapted for kratom")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing wider than the phone
    screenshot(phone, "bam-form-phone")
    for number, answer in ANSWERS.items():
        group = phone.get_by_role("group", name=re.compile(rf"^{number}\. "))
        ticked = isinstance(answer, list)
        for label in answer if ticked else [answer]:
            group.get_by_text(label, exact=not ticked).first.tap()
    phone.get_by_role("button", name="Save").tap()
    result = phone.locator("#score")
    expect(result).to_contain_text("Use 4 of 12 · Risk 13 of 24 · Protective 13 of 24")
    expect(result).to_contain_text("Item 8 (cravings) is high.")
    screenshot(phone, "bam-result-phone")
    kept = CheckIn.objects.get(person=person, instrument="bam")
    assert kept.answers == [3, 2, 1, 0, 0, 4, ["kratom", "opiates"], 3, 1, 0, 3, 2, 4, 4, 1, 2, 2]
