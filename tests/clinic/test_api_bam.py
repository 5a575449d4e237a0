"""The Brief Addiction Monitor through POST /api/v1/me/checkins: 201 with its subscales and
items, 422 naming the item and the accepted form, nothing half-written."""

import json

import pytest

from kratomlog.checkins.models import CheckIn
from kratomlog.clinic import stale, tokens
from tests.clinic.conftest import NOW

# health fair, sleep 4-8 nights, mood 1-3 days, no alcohol, kratom 16-30 days, item 7 kratom,
# cravings considerably, confidence slightly, no meetings, risky 9-15 days, spirituality
# moderately, work 16-30 days, income yes, arguments slightly, supportive 4-8 days, satisfied
# moderately
FLAGGED = [3, 2, 1, 0, 0, 4, ["kratom"], 3, 1, 0, 3, 2, 4, 4, 1, 2, 2]
CALM = [1, 0, 0, 0, 0, 0, [], 1, 3, 1, 0, 2, 4, 4, 0, 4, 3]


@pytest.fixture
def post(client, cast):
    key = tokens.issue(cast.patient_a.user, NOW)

    def run(body):
        return client.post(
            "/api/v1/me/checkins",
            data=json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {key}",
        )

    return run


def test_a_bam_answers_201_with_its_subscales_and_items(post, cast):
    answer = post({"kind": "bam", "answers": FLAGGED})
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["kind"] == "bam" and body["score"] is None
    assert body["subscales"] == {"use": 4, "risk": 13, "protective": 13}
    assert body["flagged_items"] == [8]
    items = body["items"]
    assert [item["number"] for item in items] == list(range(1, 18))
    assert items[6] == {
        "number": 7,
        "text": "In the past 30 days, which of the following drugs did you use?",
        "answer": ["kratom"],
        "label": None,
        "subscale": None,
    }
    assert (items[7]["label"], items[7]["subscale"]) == ("Considerably", "risk")
    assert (items[13]["answer"], items[13]["label"]) == (4, "Yes")
    assert items[16]["subscale"] is None  # satisfaction: read on its own
    kept = CheckIn.objects.get(person=cast.patient_a.person)
    assert kept.instrument == "bam" and kept.answers == FLAGGED


def test_an_empty_item_7_is_no_drugs(post):
    answer = post({"kind": "bam", "answers": CALM})
    assert answer.status_code == 201 and answer.json()["flagged_items"] == []
    assert answer.json()["subscales"] == {"use": 0, "risk": 2, "protective": 18}


@pytest.mark.parametrize(
    ("answers", "said"),
    [
        (FLAGGED[:16], "the BAM has 17 items; 16 answers given"),
        ([*FLAGGED[:13], 2, *FLAGGED[14:]], "item 14 is 2; 0 (no) or 4 (yes)"),
        ([*FLAGGED[:2], 7, *FLAGGED[3:]], "item 3 is 7; a whole number from 0 to 4 (0 = 0,"),
        ([*FLAGGED[:6], ["tea"], *FLAGGED[7:]], "item 7 names 'tea'; a list of drug names"),
        ([*FLAGGED[:6], 2, *FLAGGED[7:]], "item 7 is 2; a list of drug names, possibly empty"),
        ([*FLAGGED[:1], ["kratom"], *FLAGGED[2:]], "item 2 is ['kratom']; a whole number"),
    ],
)
def test_bad_answers_are_422_naming_the_item_and_nothing_is_kept(post, answers, said):
    answer = post({"kind": "bam", "answers": answers})
    assert answer.status_code == 422, answer.content
    assert said in json.dumps(answer.json()["detail"])
    assert "answers" in json.dumps(answer.json()["detail"])
    assert not CheckIn.objects.exists()


def test_a_list_is_refused_for_the_other_questionnaires(post):
    answer = post({"kind": "gad7", "answers": [0, 0, 0, [], 0, 0, 0]})
    assert answer.status_code == 422
    assert "gad7 answers are whole numbers" in json.dumps(answer.json()["detail"])


def test_cravings_at_considerably_raise_one_bam_flag_alert_naming_the_item(post, cast):
    from kratomlog.clinic.models import Alert, Standing
    from kratomlog.clinic.standing import REASONS

    assert post({"kind": "bam", "answers": CALM}).status_code == 201
    assert not Alert.objects.exists()
    assert post({"kind": "bam", "answers": FLAGGED}).status_code == 201
    stale.bring_up_to_date(NOW)  # the worker's turn: a flagged BAM is not urgent
    (alert,) = Alert.objects.all()
    assert (alert.kind, alert.patient, alert.urgent) == ("bam_flag", cast.patient_a, False)
    assert "item 8 (cravings) Considerably" in alert.detail
    assert alert.evidence["flagged_items"] == [8]
    assert alert.evidence["subscales"] == {"use": 4, "risk": 13, "protective": 13}
    assert Standing.objects.get(patient=cast.patient_a).reasons == ["bam_flag"]
    # ranked in triage right after withdrawal that persists
    assert REASONS.index("bam_flag") == REASONS.index("withdrawal_persisting") + 1
    assert post({"kind": "bam", "answers": FLAGGED}).status_code == 201
    stale.bring_up_to_date(NOW)
    assert Alert.objects.count() == 1  # the open alert carries the newer BAM
