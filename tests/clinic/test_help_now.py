"""Help now in a clinic: "Tell my care team now" raises one urgent alert, on the page and by API;
the plan for hard moments is the patient's, read and written through the API."""

import json

from kratomlog.clinic import tokens
from kratomlog.clinic.models import Alert
from tests.clinic.conftest import NOW
from tests.clinic.helpers_ca import patient_client


def test_tell_my_care_team_now_raises_an_urgent_alert_for_the_team(cast):
    client = patient_client(cast.patient_a)
    page = client.get("/help").content.decode()
    assert "Tell my care team now" in page and "988" in page
    told = client.post("/help/tell-care-team").content.decode()
    assert "Your care team has been told" in told and "in working hours" in told
    alert = Alert.objects.get(patient=cast.patient_a)
    assert (alert.kind, alert.urgent) == ("help_requested", True)


def test_help_now_and_the_coping_plan_through_the_api(cast, client):
    token = tokens.issue(cast.patient_a.user, NOW)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    plan = {
        "warning_signs": ["Not sleeping"],
        "what_helps": ["A walk"],
        "people": [{"name": "Mara", "phone": "+49 30 1234567"}],
        "reasons": ["My daughter"],
    }
    put = client.put("/api/v1/me/coping-plan", json.dumps(plan), "application/json", **auth)
    assert put.status_code == 200 and put.json() == plan
    assert client.get("/api/v1/me/coping-plan", **auth).json() == plan
    bad = {**plan, "people": [{"name": "Mara", "phone": "call her"}]}
    refused = client.put("/api/v1/me/coping-plan", json.dumps(bad), "application/json", **auth)
    assert refused.status_code == 422 and "people[0].phone" in json.dumps(refused.json())
    assert client.get("/api/v1/me/coping-plan", **auth).json() == plan  # nothing half-written

    answer = client.post("/api/v1/me/help-now", **auth)
    assert answer.status_code == 201
    body = answer.json()
    assert body["care_team_alerted"] is True and body["coping_plan"] == plan
    assert any("988" in r["contact"] or "988" in r["name"] for r in body["crisis_resources"])
    assert Alert.objects.get(patient=cast.patient_a).kind == "help_requested"


NEVER = ("kratom", "dose", "gram", " mg", "capsule", "teaspoon")  # Help now suggests none of them


def never_suggested(text: str) -> list[str]:
    words = text.lower().replace("kratomlog", "")  # the product's name is not a suggestion
    return [word for word in NEVER if word in words]


def test_help_now_never_suggests_a_dose_or_kratom_on_the_page_the_api_or_after_telling(cast):
    client = patient_client(cast.patient_a)
    for page in (client.get("/help"), client.post("/help/tell-care-team")):
        text = page.content.decode()
        main = text[text.index("<main") : text.index("</main>")]
        assert "Help now" in main and never_suggested(main) == []
    auth = {"HTTP_AUTHORIZATION": f"Bearer {tokens.issue(cast.patient_a.user, NOW)}"}
    answer = client.post("/api/v1/me/help-now", **auth)
    assert answer.status_code == 201 and never_suggested(answer.content.decode()) == []
