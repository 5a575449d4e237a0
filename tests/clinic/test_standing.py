"""The clinic's standing of a patient (clinic/standing.py): triage reasons and last contact."""

from datetime import timedelta

from kratomlog.checkins.services import record_sleep
from kratomlog.clinic import care_plans, stale, tasks
from kratomlog.clinic.models import Alert, Standing
from kratomlog.core.plan import preset_plan, taper_plan
from kratomlog.journal.services import log_kratom
from tests.clinic.conftest import NOW


def test_a_sleep_diary_counts_as_hearing_from_the_patient(cast, clock):
    start = (NOW - timedelta(days=1)).date()
    care_plans.set_for_patient(
        cast.clinician_a, cast.patient_a, preset_plan("break-90", start), NOW - timedelta(days=1)
    )
    person = cast.patient_a.person
    # On a break, the patient fills in the sleep diary every morning, as the app asks.
    for day in range(1, 9):
        morning = NOW + timedelta(days=day)
        clock.move_to(morning)
        record_sleep(person=person, now=morning, bed="23:10", tried="23:30", sol=20, wakes=1,
                     waso=10, final="06:40", up="07:00", quality=3)  # fmt: skip
    assert tasks.check_not_heard_from(NOW + timedelta(days=8, hours=1)) == 0
    standing = Standing.objects.get(patient=cast.patient_a)
    assert "not_heard_from" not in standing.reasons
    assert standing.last_activity_at > NOW + timedelta(days=7)
    assert not Alert.objects.filter(kind="not_heard_from").exists()


def test_going_over_a_clinician_set_tapers_allowance_is_a_reason_of_its_own(cast):
    start = (NOW - timedelta(days=2)).date()
    plan = taper_plan(4, "1g", 7, None, start)
    care_plans.set_for_patient(cast.clinician_a, cast.patient_a, plan, NOW - timedelta(days=2))
    log_kratom(person=cast.patient_a.person, amount="6g", now=NOW)
    stale.bring_up_to_date(NOW)  # the worker's next turn
    standing = Standing.objects.get(patient=cast.patient_a)
    assert "over_allowance" in standing.reasons and "limit_broken" not in standing.reasons
    alert = Alert.objects.get(patient=cast.patient_a, kind="over_allowance")
    assert alert.detail.startswith("Over the taper's allowance of the plan")
    assert "on Mon 23 Nov by 2 g (6 g, 4 g allowed)" in alert.detail
