"""Hold and step back in a clinic: offered on the patient's page and in the API, shown before
they are set, set as the clinician's plan; a patient's own change to it tells the care team."""

import json
import re
from datetime import date, timedelta
from html import unescape

import pytest
from django.test import Client

from kratomlog.clinic import care_plans, tokens
from kratomlog.clinic.models import Alert
from kratomlog.core.plan import taper_plan
from tests.clinic.conftest import NOW
from tests.clinic.helpers_ca import verified_client as verified


def text(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


@pytest.fixture
def lee(cast):
    return verified(cast.clinician_a)


@pytest.fixture
def tapering(cast, clock):
    """Dr Lee's taper for Ana from Sunday 15 November: 12 g, 1 g less every 7 days; today
    (Monday 23 November) is step 2, 11 g from the 22nd to the 28th."""
    clock.move_to(NOW - timedelta(days=8))
    care_plans.set_for_patient(cast.clinician_a, cast.patient_a,
                               taper_plan(12, "1", 7, None, date(2026, 11, 15)),
                               NOW - timedelta(days=8))  # fmt: skip
    clock.move_to(NOW)
    return cast.patient_a


def test_the_clinician_holds_a_step_after_seeing_what_it_does(tapering, lee):
    page = f"/clinic/patients/{tapering.public_id}"
    offered = text(lee.get(page))
    assert "Hold step 2 (11 g a day, to 28 Nov) for this many more days" in offered
    assert "Offering these two after a hard week is kratomlog's own choice" in offered
    asked = lee.post(f"{page}/plan/hold", {"days": "4"})
    shown = text(asked)
    assert "Check before setting: taper from 12 g (step 2 at 11 g held to 2026-12-02)" in shown
    # 23 Nov to 2 Dec at 11 g (the 28th and 4 days more), then 10 g from 3 to 9 December.
    assert "1 23 Nov 2026 to 2 Dec 2026 11 g 2 3 Dec 2026 to 9 Dec 2026 10 g" in shown
    assert tapering.person.plan_versions.count() == 1
    done = lee.post(f"{page}/plan/hold", {"days": "4", "confirm": "1"})
    assert done.status_code == 302
    newest = tapering.person.plan_versions.order_by("-id").first()
    assert newest.set_by == "Dr Lee" and newest.start == date(2026, 11, 23)
    refused = lee.post(f"{page}/plan/hold", {"days": "a week"})
    assert refused.status_code == 400 and "is not a whole number of days" in text(refused)


def test_a_patient_stepping_back_a_clinicians_taper_tells_the_care_team(tapering):
    client = Client()
    client.force_login(tapering.user, backend="django.contrib.auth.backends.ModelBackend")
    asked = text(client.post("/plan/step-back", {}))
    assert "This replaces Dr Lee's plan; your care team will be told." in asked
    assert "Today's allowance goes from 11 g to 12 g." in asked
    client.post("/plan/step-back", {"confirmed": "1"})
    newest = tapering.person.plan_versions.order_by("-id").first()
    assert newest.set_by == "" and newest.name == "taper from 12 g (back to 12 g on 2026-11-23)"
    assert Alert.objects.filter(patient=tapering, kind="plan_changed_by_patient").exists()


@pytest.fixture
def call(client, cast):
    keys = {name: tokens.issue(getattr(cast, name), NOW) for name in ("clinician_a", "clinician_b")}

    def run(path, who, body):
        return client.post(f"/api/v1{path}", data=json.dumps(body),
                           content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {keys[who]}")  # fmt: skip

    return run


def test_the_api_previews_then_sets_a_hold_and_a_step_back(tapering, call):
    path = f"/patients/{tapering.public_id}/plan"
    seen = call(f"{path}/hold", "clinician_a", {"days": 4, "preview": True})
    assert seen.status_code == 200, seen.content
    body = seen.json()
    assert body["set"] is False and body["set_by"] is None
    assert body["steps"][0] == {"step": 1, "from": "2026-11-23", "to": "2026-12-02",
                                "allowance_grams": 11}  # fmt: skip
    assert "kratomlog's own choice" in body["offered_as"]
    assert tapering.person.plan_versions.count() == 1
    back = call(f"{path}/step-back", "clinician_a", {})
    assert back.status_code == 200, back.content
    # Back from step 2 (11 g) to step 1's 12 g, from today for 7 days, then 11 g on.
    assert [(s["from"], s["to"], s["allowance_grams"]) for s in back.json()["steps"][:2]] == [
        ("2026-11-23", "2026-11-29", 12), ("2026-11-30", "2026-12-06", 11),
    ]  # fmt: skip
    assert back.json()["set_by"] == "Dr Lee"
    held = call(f"{path}/hold", "clinician_a", {"days": 4}).json()
    assert held["set"] is True and held["steps"][0]["to"] == "2026-12-03"
    # Set the same day as the step back, it replaces it outright (one plan a start day).
    assert tapering.person.plan_versions.count() == 3
    again = call(f"{path}/step-back", "clinician_a", {})
    assert again.status_code == 422
    assert "step 1 is the taper's first" in str(again.json()["detail"])


def test_the_api_refuses_a_bad_hold_in_words_and_another_team_gets_404(tapering, call):
    path = f"/patients/{tapering.public_id}/plan"
    zero = call(f"{path}/hold", "clinician_a", {"days": 0})
    assert zero.status_code == 422 and "1 to 365" in str(zero.json()["detail"])
    words = call(f"{path}/hold", "clinician_a", {"days": "four"})
    assert words.status_code == 422 and "days" in str(words.json()["detail"])
    assert call(f"{path}/hold", "clinician_b", {"days": 4}).status_code == 404
    assert call(f"{path}/step-back", "clinician_b", {}).status_code == 404
    assert tapering.person.plan_versions.count() == 1
