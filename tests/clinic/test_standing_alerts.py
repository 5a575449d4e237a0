"""A patient's standing follows each write; alerts are raised once per kind and mailed once."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings

from kratomlog.checkins.services import record_checkin
from kratomlog.clinic import stale, tasks
from kratomlog.clinic.models import Alert, AlertDelivery, Standing
from kratomlog.journal.services import log_kratom
from kratomlog.plans.services import set_plan
from tests.clinic.conftest import NOW

LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
PHQ9_ITEM9 = "1,1,1,1,1,1,1,1,1"


def test_a_phq9_with_item_9_raises_an_urgent_alert_at_once_and_puts_the_patient_first(cast):
    record_checkin(person=cast.patient_b.person, key="phq9", now=NOW, answers="0,0,0,0,0,0,0,0,0")
    record_checkin(person=cast.patient_a.person, key="phq9", now=NOW, answers=PHQ9_ITEM9)
    alert = Alert.objects.get(patient=cast.patient_a)
    assert (alert.kind, alert.urgent, alert.state) == ("self_harm_risk", True, "open")
    first = Standing.objects.order_by("priority").first()
    assert first.patient == cast.patient_a and first.reasons[0] == "self_harm_risk"
    assert first.phq9_latest == 9
    assert Standing.objects.get(patient=cast.patient_b).reasons == []


def test_a_repeat_updates_the_open_alert_and_never_duplicates_it(cast, clock):
    record_checkin(person=cast.patient_a.person, key="phq9", now=NOW, answers=PHQ9_ITEM9)
    later = NOW + timedelta(hours=2)
    clock.move_to(later)
    record_checkin(person=cast.patient_a.person, key="phq9", now=later, answers=PHQ9_ITEM9)
    alerts = Alert.objects.filter(patient=cast.patient_a, kind="self_harm_risk")
    assert alerts.count() == 1 and alerts.get().updated_at == later


def _dose(person, grams, when):
    """A dose, and the worker's next turn, which refreshes the standing it marked stale."""
    logged = log_kratom(person=person, amount=f"{grams}g", at=when.isoformat(), now=NOW)
    stale.bring_up_to_date(NOW)
    return logged


def test_the_standing_counts_the_last_28_days_for_the_sparkline(cast):
    person = cast.patient_a.person
    for days_ago, grams in [(1, 3.0), (3, 2.5), (40, 9.0)]:
        _dose(person, grams, NOW - timedelta(days=days_ago))
    standing = Standing.objects.get(patient=cast.patient_a)
    assert standing.use_days_28 == 2 and standing.grams_28 == pytest.approx(5.5)
    assert len(standing.grams_by_day_28) == 28 and standing.grams_by_day_28[-2] == 3.0
    assert standing.days_since_last_dose == 1


def test_breaking_a_clinician_set_limit_is_a_reason_and_an_alert(cast):
    from kratomlog.clinic import care_plans
    from kratomlog.core.plan import preset_plan

    plan = preset_plan("break-90", (NOW - timedelta(days=3)).date())
    care_plans.set_for_patient(cast.clinician_a, cast.patient_a, plan, NOW - timedelta(days=3))
    _dose(cast.patient_a.person, 2, NOW - timedelta(hours=5))
    standing = Standing.objects.get(patient=cast.patient_a)
    assert "limit_broken" in standing.reasons and "loss_of_control" in standing.reasons
    assert set(Alert.objects.filter(patient=cast.patient_a).values_list("kind", flat=True)) >= {
        "limit_broken",
        "loss_of_control",
    }


def test_a_patient_silent_for_a_week_under_a_plan_is_not_heard_from(cast, clock):
    set_plan(person=cast.patient_a.person, preset_or_file="occasional", now=NOW)
    _dose(cast.patient_a.person, 2, NOW - timedelta(hours=1))
    assert tasks.check_not_heard_from(NOW + timedelta(days=6)) == 0
    clock.move_to(NOW + timedelta(days=8))
    assert tasks.check_not_heard_from(NOW + timedelta(days=8)) == 1
    assert Alert.objects.filter(patient=cast.patient_a, kind="not_heard_from").exists()
    assert not Alert.objects.filter(patient=cast.patient_b, kind="not_heard_from").exists()


@override_settings(MAILERS=LOCMEM)
def test_each_alert_is_mailed_once_to_each_clinician_however_often_the_task_runs(cast):
    record_checkin(person=cast.patient_a.person, key="phq9", now=NOW, answers=PHQ9_ITEM9)
    alert = Alert.objects.get(patient=cast.patient_a)
    assert tasks.deliver(alert.id, "first", NOW) == 1
    assert tasks.deliver(alert.id, "first", NOW) == 0  # a retry, or a second worker
    assert [m.to for m in mail.outbox] == [["lee@clinic.test"]]
    body = mail.outbox[0].subject + mail.outbox[0].body
    assert "North" in body and f"/clinic/alerts/{alert.id}" in body
    for detail in ("PHQ", "self", "harm", "kratom", "9"):
        assert detail.lower() not in body.lower().replace(f"/clinic/alerts/{alert.id}", "")


@override_settings(MAILERS=LOCMEM)
def test_an_unacknowledged_urgent_alert_is_resent_to_the_team_after_an_hour(cast):
    from kratomlog.clinic import inbox, people

    people.add_staff(email="kim@clinic.test", role="clinician", now=NOW, teams=["North"])
    record_checkin(person=cast.patient_a.person, key="phq9", now=NOW, answers=PHQ9_ITEM9)
    alert = Alert.objects.get(patient=cast.patient_a)
    tasks.deliver(alert.id, "first", NOW)
    assert tasks.escalate_urgent(NOW + timedelta(minutes=59)) == 0
    assert tasks.escalate_urgent(NOW + timedelta(minutes=61)) == 1
    assert tasks.escalate_urgent(NOW + timedelta(minutes=90)) == 0  # once
    rounds = AlertDelivery.objects.filter(alert=alert).values_list("round", flat=True)
    assert sorted(rounds) == ["escalation", "escalation", "first", "first"]
    # Acknowledged in time: no escalation.
    record_checkin(person=cast.patient_b.person, key="phq9", now=NOW, answers=PHQ9_ITEM9)
    other = Alert.objects.get(patient=cast.patient_b)
    inbox.acknowledge(cast.clinician_b, other.id, NOW + timedelta(minutes=10))
    assert tasks.escalate_urgent(NOW + timedelta(hours=3)) == 0


def test_a_stale_claim_is_taken_over_but_a_fresh_one_is_not(cast):
    record_checkin(person=cast.patient_a.person, key="phq9", now=NOW, answers=PHQ9_ITEM9)
    alert = Alert.objects.get(patient=cast.patient_a)
    AlertDelivery.objects.create(
        alert=alert, recipient=cast.clinician_a, round="first", claimed_at=NOW
    )
    with override_settings(MAILERS=LOCMEM):
        assert tasks.deliver(alert.id, "first", NOW + timedelta(minutes=1)) == 0
        assert tasks.deliver(alert.id, "first", NOW + timedelta(minutes=11)) == 1


def test_a_patient_replacing_or_undoing_a_clinician_set_plan_alerts_the_clinician(cast, clock):
    from kratomlog.clinic import care_plans
    from kratomlog.core.plan import preset_plan
    from kratomlog.journal.services import undo

    person = cast.patient_a.person
    set_plan(person=person, preset_or_file="occasional", now=NOW)
    assert not Alert.objects.filter(kind="plan_changed_by_patient").exists()
    care_plans.set_for_patient(
        cast.clinician_a, cast.patient_a, preset_plan("break-90", NOW.date()), NOW
    )
    assert not Alert.objects.filter(kind="plan_changed_by_patient").exists()
    undo(person=person, now=NOW + timedelta(minutes=1))
    alert = Alert.objects.get(patient=cast.patient_a, kind="plan_changed_by_patient")
    alert.state = "resolved"
    alert.save()
    care_plans.set_for_patient(
        cast.clinician_a,
        cast.patient_a,
        preset_plan("break-90", NOW.date()),
        NOW + timedelta(minutes=2),
    )
    set_plan(person=person, preset_or_file="occasional", now=NOW + timedelta(minutes=3))
    assert Alert.objects.filter(patient=cast.patient_a, kind="plan_changed_by_patient").count() == 2


def test_a_claim_of_a_worker_whose_lease_expired_is_taken_over_but_a_live_ones_is_not(cast):
    from kratomlog.clinic import people
    from kratomlog.clinic.models import WorkerLease

    kim, _ = people.add_staff(email="kim@clinic.test", role="clinician", now=NOW, teams=["North"])
    record_checkin(person=cast.patient_a.person, key="phq9", now=NOW, answers=PHQ9_ITEM9)
    alert = Alert.objects.get(patient=cast.patient_a)
    WorkerLease.objects.create(worker_id="alive", started_at=NOW, beat_at=NOW)
    WorkerLease.objects.create(worker_id="dead", started_at=NOW, beat_at=NOW - timedelta(hours=1))
    for user, worker in [(cast.clinician_a, "alive"), (kim, "dead")]:
        AlertDelivery.objects.create(
            alert=alert, recipient=user, round="first", claimed_at=NOW, claimed_by=worker
        )
    with override_settings(MAILERS=LOCMEM):
        # Moments later: the dead worker's claim is free, the live one's is not (nor stale).
        assert tasks.deliver(alert.id, "first", NOW + timedelta(seconds=30)) == 1
        assert [message.to for message in mail.outbox] == [["kim@clinic.test"]]
        assert tasks.deliver(alert.id, "first", NOW + timedelta(seconds=40)) == 0
