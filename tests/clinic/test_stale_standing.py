"""A write marks the patient's standing stale; the worker's turn, or the page about to show it,
refreshes it once however many writes came meanwhile. A PHQ-9 that answers item 9 above 0
raises its urgent alert in its own write; the rest of its standing, and any other check-in,
waits for the worker, as a dose does."""

from datetime import timedelta

from kratomlog.checkins.models import CheckIn
from kratomlog.checkins.services import record_checkin
from kratomlog.clinic import care_plans, stale
from kratomlog.clinic import standing as clinic_standing
from kratomlog.clinic.models import Alert, Standing
from kratomlog.core.plan import preset_plan
from kratomlog.journal.models import Change
from kratomlog.journal.services import log_kratom
from tests.clinic.conftest import NOW
from tests.clinic.helpers_ca import verified_client
from tests.clinic.test_api import call  # noqa: F401  (the API fixture)
from tests.clinic.test_triage_layout import _triage_row

ITEM_9 = "0,0,0,0,0,0,0,0,2"


def _on_a_break(cast):
    """Dr Lee sets Ana a 90-day break three days ago (her first record: her standing is made)."""
    start = (NOW - timedelta(days=3)).date()
    plan = preset_plan("break-90", start)
    care_plans.set_for_patient(cast.clinician_a, cast.patient_a, plan, NOW - timedelta(days=3))


def _standing(cast) -> Standing:
    return Standing.objects.get(patient=cast.patient_a)


def _count_refreshes(monkeypatch) -> list[object]:
    refreshed: list[object] = []
    real = clinic_standing.refresh

    def counting(patient, now):
        refreshed.append(patient.id)
        return real(patient, now)

    monkeypatch.setattr(clinic_standing, "refresh", counting)
    return refreshed


def test_three_doses_mark_the_standing_stale_and_one_refresh_takes_them_all(cast, monkeypatch):
    _on_a_break(cast)
    refreshed = _count_refreshes(monkeypatch)
    for hours_ago in (5, 4, 3):
        at = (NOW - timedelta(hours=hours_ago)).isoformat()
        log_kratom(person=cast.patient_a.person, amount="2g", at=at, now=NOW)
    assert refreshed == []  # none in the writes
    assert _standing(cast).stale_since == NOW
    assert not Alert.objects.filter(patient=cast.patient_a, kind="limit_broken").exists()
    assert stale.bring_up_to_date(NOW, wait=False) == 1  # the worker's turn
    assert refreshed == [cast.patient_a.id]
    standing = _standing(cast)
    assert standing.stale_since is None and standing.grams_28 == 6
    assert "limit_broken" in standing.reasons
    assert Alert.objects.filter(patient=cast.patient_a, kind="limit_broken").count() == 1
    assert stale.bring_up_to_date(NOW, wait=False) == 0  # nothing left


def test_the_worker_lets_a_patient_still_writing_settle_before_it_refreshes(cast, monkeypatch):
    _on_a_break(cast)
    refreshed = _count_refreshes(monkeypatch)
    log_kratom(person=cast.patient_a.person, amount="2g", now=NOW)
    soon = NOW + stale.SETTLE - timedelta(seconds=1)
    log_kratom(person=cast.patient_a.person, amount="1g", now=soon)
    assert stale.bring_up_to_date(soon, wait=False, settled=stale.SETTLE) == 0
    settled = NOW + stale.SETTLE
    assert stale.bring_up_to_date(settled, wait=False, settled=stale.SETTLE) == 1
    assert refreshed == [cast.patient_a.id] and _standing(cast).grams_28 == 3


def test_triage_refreshes_a_stale_standing_before_it_ranks(cast):
    _on_a_break(cast)
    log_kratom(person=cast.patient_a.person, amount="2g", now=NOW)  # no worker has run
    row = _triage_row(verified_client(cast.clinician_a).get("/clinic/").content.decode(), "ana@")
    assert "a limit you set was broken" in row and "1 use day, 2 g" in row
    assert _standing(cast).stale_since is None
    # And the alert it raised is on the alert list.
    alerts = verified_client(cast.clinician_a).get("/clinic/alerts").content.decode()
    assert "Over a limit of the plan &#x27;break-90&#x27;" in alerts


def test_the_triage_api_and_the_alert_api_refresh_a_stale_standing(call, cast):  # noqa: F811
    _on_a_break(cast)
    log_kratom(person=cast.patient_a.person, amount="3g", now=NOW)
    kinds = [alert["kind"] for alert in call("get", "/alerts", "clinician_a").json()]
    assert "limit_broken" in kinds
    log_kratom(person=cast.patient_a.person, amount="1g", now=NOW)
    ana = next(
        r for r in call("get", "/patients", "clinician_a").json() if r["email"] == "ana@example.org"
    )
    assert ana["grams_28"] == 4 and "limit_broken" in ana["reasons"]


def test_the_patient_page_shows_the_standing_of_now(cast):
    _on_a_break(cast)
    log_kratom(person=cast.patient_a.person, amount="2g", now=NOW)
    page = verified_client(cast.clinician_a).get(f"/clinic/patients/{cast.patient_a.public_id}")
    assert page.status_code == 200
    assert "a limit you set was broken in the last 7 days" in page.content.decode()
    assert _standing(cast).stale_since is None


def test_a_phq9_with_item_9_raises_its_urgent_alert_in_its_own_write(cast, monkeypatch):
    _on_a_break(cast)
    log_kratom(person=cast.patient_a.person, amount="2g", now=NOW)  # marked stale
    refreshed = _count_refreshes(monkeypatch)
    record_checkin(person=cast.patient_a.person, key="phq9", now=NOW, answers=ITEM_9)
    urgent = Alert.objects.get(patient=cast.patient_a, kind="self_harm_risk")
    assert urgent.urgent and "item 9 answered 2" in urgent.detail
    # The alert alone: the rest of the standing (the dose before it too) is the worker's.
    assert refreshed == [] and _standing(cast).stale_since == NOW
    assert stale.bring_up_to_date(NOW, wait=False) == 1
    standing = _standing(cast)
    assert standing.reasons[0] == "self_harm_risk" and "limit_broken" in standing.reasons
    assert Alert.objects.filter(patient=cast.patient_a, kind="self_harm_risk").count() == 1
    # A later PHQ-9 with item 9 at 0 raises nothing in its write.
    record_checkin(person=cast.patient_a.person, key="phq9", now=NOW, answers=ITEM_9[:-1] + "0")
    assert Alert.objects.filter(patient=cast.patient_a, kind="self_harm_risk").count() == 1


def test_a_check_in_without_a_self_harm_answer_waits_for_the_worker_as_a_dose_does(
    cast, monkeypatch
):
    _on_a_break(cast)
    refreshed = _count_refreshes(monkeypatch)
    record_checkin(person=cast.patient_a.person, key="phq9", now=NOW, answers="3,3,3,3,3,3,3,3,0")
    record_checkin(person=cast.patient_a.person, key="gad7", now=NOW, answers="3,3,3,3,3,3,3")
    assert refreshed == []
    assert _standing(cast).stale_since == NOW and _standing(cast).phq9_latest is None
    assert stale.bring_up_to_date(NOW, wait=False) == 1
    assert _standing(cast).phq9_latest == 24
    assert not Alert.objects.filter(patient=cast.patient_a, kind="self_harm_risk").exists()


def test_a_check_in_is_judged_from_what_its_change_says_without_reading_it_back(cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _on_a_break(cast)
    person = cast.patient_a.person
    with CaptureQueriesContext(connection) as captured:
        record_checkin(person=person, key="phq9", now=NOW, answers="3,3,3,3,3,3,3,3,0")
    reads = [q["sql"] for q in captured if q["sql"].startswith("SELECT")]
    assert not any('FROM "checkins_checkin"' in sql for sql in reads), reads
    assert _standing(cast).stale_since == NOW  # left for the worker
    # A change made by other code says nothing of the answers: the check-in is read, and a
    # self-harm answer is judged in the write all the same.
    urgent = CheckIn.objects.create(person=person, instrument="phq9", taken_at=NOW,
                                    timezone=person.timezone, local_day=NOW.date(),
                                    answers=[0] * 8 + [2], total=2, band="minimal",
                                    self_harm=True)  # fmt: skip
    Change.objects.create(person=person, at=NOW, action="checkin", summary="recorded PHQ-9 (2)",
                          after={"model": "checkin", "uid": str(urgent.uid)})  # fmt: skip
    assert Alert.objects.get(patient=cast.patient_a, kind="self_harm_risk").urgent


def test_a_standing_that_fails_to_refresh_stays_stale_and_the_others_go_on(cast, monkeypatch):
    _on_a_break(cast)
    care_plans.set_for_patient(
        cast.clinician_b, cast.patient_b, preset_plan("break-90", NOW.date()), NOW
    )
    for patient in (cast.patient_a, cast.patient_b):
        log_kratom(person=patient.person, amount="2g", now=NOW)
    real = clinic_standing.refresh

    def failing_for_ana(patient, now):
        if patient.id == cast.patient_a.id:
            raise RuntimeError("a fault in Ana's refresh")
        return real(patient, now)

    monkeypatch.setattr(clinic_standing, "refresh", failing_for_ana)
    assert stale.bring_up_to_date(NOW, wait=False) == 1
    assert _standing(cast).stale_since == NOW  # tried again at the next turn
    assert Standing.objects.get(patient=cast.patient_b).stale_since is None
    monkeypatch.undo()
    assert stale.bring_up_to_date(NOW, wait=False) == 1 and _standing(cast).stale_since is None
