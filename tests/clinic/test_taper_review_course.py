"""The taper review in the clinic after Dr Lee holds a step: the API and the patient's page keep
the steps before the hold, and mark the held step where it was made."""

from kratomlog.clinic import tokens
from kratomlog.journal.services import log_kratom
from tests.clinic.conftest import NOW
from tests.clinic.test_taper_changes import call, lee, tapering, text  # noqa: F401  (fixtures)


def test_a_hold_keeps_the_steps_before_it_in_the_review(tapering, call, lee, client, cast):  # noqa: F811
    # Dr Lee's taper from Sunday 15 November: 12 g (15-21), 11 g (22-28), ...; Ana takes 13 g on
    # the 18th (over 12 g); today, Monday the 23rd, Dr Lee holds the 11 g step 4 days: to 2 Dec.
    log_kratom(person=tapering.person, amount="13g", at="2026-11-18T09:00", now=NOW)
    held = call(f"/patients/{tapering.public_id}/plan/hold", "clinician_a", {"days": 4})
    assert held.status_code == 200, held.content
    key = tokens.issue(cast.clinician_a, NOW)
    steps = client.get(f"/api/v1/patients/{tapering.public_id}/taper-review",
                       HTTP_AUTHORIZATION=f"Bearer {key}").json()["steps"]  # fmt: skip
    assert [(s["from"], s["to"], s["allowance_grams"], s["state"]) for s in steps[:3]] == [
        ("2026-11-15", "2026-11-21", 12, "done"),
        ("2026-11-22", "2026-12-02", 11, "current"),
        ("2026-12-03", "2026-12-09", 10, "to come"),
    ]  # fmt: skip
    assert (steps[0]["days"], steps[0]["days_within"], steps[0]["grams_max"]) == (7, 6, 13)
    assert steps[0]["change"] is None
    assert steps[1]["change"] == {"kind": "hold", "on": "2026-11-23", "days": 4, "from_grams": None}
    assert steps[1]["days"] == 2  # the 22nd and today
    page = text(lee.get(f"/clinic/patients/{tapering.public_id}"))
    assert "2 now held 4 days more on 23 Nov 22 Nov to 2 Dec 11 g" in page
