"""Alerts a clinician can trust: one per event, never vanishing, saying what happened."""

import json
from datetime import timedelta

from django.core import mail
from django.test import override_settings

from kratomlog.checkins.services import record_checkin
from kratomlog.clinic import care_plans, inbox, stale, tasks
from kratomlog.clinic.models import Alert, AlertDelivery
from kratomlog.core.plan import preset_plan, taper_plan
from kratomlog.journal.services import log_kratom, log_magnesium
from tests.clinic.conftest import NOW
from tests.clinic.helpers_ca import patient_client, verified_client

LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
ITEM_9_AT_2 = "2,2,2,2,2,2,2,2,2"  # total 18, item 9 "more than half the days"


def _self_harm_alerts(patient):
    return Alert.objects.filter(patient=patient, kind="self_harm_risk").order_by("id")


def _resolve(alert, clinician, at):
    return inbox.resolve(clinician, alert.id, "called her; safety plan agreed", at)


@override_settings(MAILERS=LOCMEM)
def test_a_resolved_self_harm_alert_never_comes_back_for_the_same_phq9(cast, clock):
    person = cast.patient_a.person
    record_checkin(person=person, key="phq9", now=NOW, answers=ITEM_9_AT_2)
    first = _self_harm_alerts(cast.patient_a).get()
    tasks.deliver(first.id, tasks.FIRST)
    later = NOW + timedelta(minutes=10)
    clock.move_to(later)
    _resolve(first, cast.clinician_a, later)

    # What a clinician and the patient record next is no new evidence of self-harm.
    clock.move_to(later + timedelta(minutes=5))
    plan = taper_plan(12, "1g", 3, None, (NOW + timedelta(days=1)).date())
    care_plans.set_for_patient(cast.clinician_a, cast.patient_a, plan, later + timedelta(minutes=5))
    log_magnesium(person=person, amount="200mg", form="elemental", now=later + timedelta(minutes=6))
    log_kratom(person=person, amount="2g", now=later + timedelta(minutes=7))
    assert _self_harm_alerts(cast.patient_a).count() == 1
    assert _self_harm_alerts(cast.patient_a).get().state == "resolved"
    for alert in Alert.objects.all():
        tasks.deliver(alert.id, tasks.FIRST)
    assert [m.subject for m in mail.outbox].count(
        f"Urgent: a patient of {cast.north.name} needs attention"
    ) == 1


def test_a_later_phq9_with_item_9_above_0_raises_a_new_alert(cast, clock):
    person = cast.patient_a.person
    record_checkin(person=person, key="phq9", now=NOW, answers=ITEM_9_AT_2)
    _resolve(_self_harm_alerts(cast.patient_a).get(), cast.clinician_a, NOW)
    next_day = NOW + timedelta(days=1)
    clock.move_to(next_day)
    record_checkin(person=person, key="phq9", now=next_day, answers="1,1,1,1,1,1,1,1,1")
    old, new = _self_harm_alerts(cast.patient_a)
    assert (old.state, new.state, new.urgent) == ("resolved", "open", True)
    assert new.evidence["total"] == 9 and new.evidence["item_9"] == 1
    assert new.evidence["checkin_at"] == next_day.isoformat()


def test_a_new_breach_day_raises_a_new_limit_alert_but_the_same_day_does_not(cast, clock):
    start = (NOW - timedelta(days=3)).date()
    care_plans.set_for_patient(
        cast.clinician_a, cast.patient_a, preset_plan("break-90", start), NOW - timedelta(days=3)
    )
    person = cast.patient_a.person
    log_kratom(person=person, amount="2g", at=(NOW - timedelta(hours=5)).isoformat(), now=NOW)
    stale.bring_up_to_date(NOW)  # the worker's next turn, as after each dose below
    limit = Alert.objects.get(patient=cast.patient_a, kind="limit_broken")
    assert limit.evidence["day"] == "2026-11-23"
    assert limit.detail.startswith("Over a limit of the plan 'break-90' on Mon 23 Nov")
    _resolve(limit, cast.clinician_a, NOW)
    log_kratom(person=person, amount="1g", at=(NOW - timedelta(hours=4)).isoformat(), now=NOW)
    stale.bring_up_to_date(NOW)
    assert Alert.objects.filter(patient=cast.patient_a, kind="limit_broken").count() == 1
    tomorrow = NOW + timedelta(days=1)
    clock.move_to(tomorrow)
    log_kratom(person=person, amount="1g", now=tomorrow)
    stale.bring_up_to_date(tomorrow)
    kinds = Alert.objects.filter(patient=cast.patient_a, kind="limit_broken").order_by("id")
    assert [a.state for a in kinds] == ["resolved", "open"]
    assert kinds.last().evidence["day"] == "2026-11-24"


def test_the_alert_says_what_happened_with_the_patients_name_and_contact(cast):
    cast.patient_a.display_name, cast.patient_a.phone = "Ana P.", "+49 30 1234567"
    cast.patient_a.save()
    cast.clinician_a.account.timezone = "Europe/Berlin"
    cast.clinician_a.account.save()
    record_checkin(person=cast.patient_a.person, key="phq9", now=NOW, answers=ITEM_9_AT_2)
    alert = _self_harm_alerts(cast.patient_a).get()
    # 18:00 UTC is 19:00 in Berlin, the patient's zone.
    assert alert.detail == (
        "PHQ-9 on 23 Nov 19:00 CET: item 9 answered 2 (more than half the days), total 18"
    )
    client = verified_client(cast.clinician_a)
    page = client.get(f"/clinic/alerts/{alert.id}").content.decode()
    for fact in ("Ana P.", "ana@example.org", 'href="tel:+49 30 1234567"', alert.detail,
                 "Raised 23 Nov 2026 19:00 CET"):  # fmt: skip
        assert fact in page
    listed = client.get("/clinic/alerts").content.decode()
    assert "Ana P." in listed and alert.detail in listed


def test_not_heard_from_says_when_the_patient_was_last_heard_from(cast, clock):
    care_plans.set_for_patient(
        cast.clinician_a, cast.patient_a, preset_plan("occasional", NOW.date()), NOW
    )
    log_kratom(person=cast.patient_a.person, amount="2g", now=NOW)
    later = NOW + timedelta(days=9)
    clock.move_to(later)
    tasks.check_not_heard_from(later)
    alert = Alert.objects.get(patient=cast.patient_a, kind="not_heard_from")
    assert alert.detail == "Last heard from on Mon 23 Nov, 9 days ago"
    tasks.check_not_heard_from(later + timedelta(hours=1))  # the same silence
    _resolve(alert, cast.clinician_a, later + timedelta(hours=2))
    tasks.check_not_heard_from(later + timedelta(hours=3))
    assert Alert.objects.filter(patient=cast.patient_a, kind="not_heard_from").count() == 1


def test_triage_shows_a_resolved_alerts_state_instead_of_the_red_kind(cast, clock):
    record_checkin(person=cast.patient_a.person, key="phq9", now=NOW, answers=ITEM_9_AT_2)
    client = verified_client(cast.clinician_a)
    assert 'class="urgent"' in client.get("/clinic/").content.decode()
    _resolve(_self_harm_alerts(cast.patient_a).get(), cast.clinician_a, NOW + timedelta(hours=1))
    page = client.get("/clinic/").content.decode()
    assert "resolved by Dr Lee" in page and 'class="urgent"' not in page


def _stop_sharing_with_an_open_urgent_alert(cast):
    record_checkin(person=cast.patient_a.person, key="phq9", now=NOW, answers=ITEM_9_AT_2)
    alert = _self_harm_alerts(cast.patient_a).get()
    client = patient_client(cast.patient_a)
    page = client.get("/sharing").content.decode()
    assert "has an open urgent alert about you" in page
    asked = client.post("/sharing", {"share": "no"})
    assert asked.status_code == 400 and "Please confirm" in asked.content.decode()
    cast.patient_a.refresh_from_db()
    assert cast.patient_a.sharing  # nothing changed before the confirmation
    done = client.post("/sharing", {"share": "no", "confirm": "stop-sharing-team-keeps-the-alert"})
    assert done.status_code == 302
    cast.patient_a.refresh_from_db()
    assert not cast.patient_a.sharing
    return alert


def test_an_urgent_alert_stays_with_the_team_when_the_patient_stops_sharing(cast, clock):
    alert = _stop_sharing_with_an_open_urgent_alert(cast)
    client = verified_client(cast.clinician_a)
    page = client.get(f"/clinic/alerts/{alert.id}")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Stopped sharing while this alert was open" in text and "ana@example.org" in text
    assert client.get(f"/clinic/patients/{cast.patient_a.public_id}").status_code == 404
    assert (
        "stopped sharing while this alert was open" in client.get("/clinic/alerts").content.decode()
    )
    resolved = client.post(f"/clinic/alerts/{alert.id}/resolve", {"note": "phoned; she is safe"})
    assert resolved.status_code == 302
    alert.refresh_from_db()
    assert alert.state == "resolved" and alert.resolved_by == cast.clinician_a


@override_settings(MAILERS=LOCMEM)
def test_a_patient_who_does_not_share_raises_nothing_and_is_not_mailed_about(cast, clock):
    _stop_sharing_with_an_open_urgent_alert(cast)
    later = NOW + timedelta(days=1)
    clock.move_to(later)
    record_checkin(person=cast.patient_a.person, key="phq9", now=later, answers=ITEM_9_AT_2)
    assert _self_harm_alerts(cast.patient_a).count() == 1
    log_kratom(person=cast.patient_a.person, amount="2g", now=later)
    assert Alert.objects.filter(patient=cast.patient_a).count() == 1


@override_settings(MAILERS=LOCMEM)
def test_no_mail_goes_out_about_a_non_urgent_alert_once_the_patient_stopped_sharing(cast):
    care_plans.set_for_patient(
        cast.clinician_a, cast.patient_a, preset_plan("break-90", NOW.date()), NOW
    )
    log_kratom(person=cast.patient_a.person, amount="2g", now=NOW)
    stale.bring_up_to_date(NOW)  # the worker's next turn
    limit = Alert.objects.get(patient=cast.patient_a, kind="limit_broken")
    patient_client(cast.patient_a).post("/sharing", {"share": "no"})
    assert tasks.deliver(limit.id, tasks.FIRST) == 0 and not AlertDelivery.objects.exists()
    client = verified_client(cast.clinician_a)
    gone = client.get(f"/clinic/alerts/{limit.id}")
    assert gone.status_code == 404 and "stopped sharing" in gone.content.decode()
    assert "break-90" not in client.get("/clinic/alerts").content.decode()


def _bearer(client, user):
    from kratomlog.clinic import tokens

    key = tokens.issue(user, NOW)

    def run(method, path, body=None):
        extra = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
        if body is None:
            return getattr(client, method)(f"/api/v1{path}", **extra)
        return getattr(client, method)(
            f"/api/v1{path}", data=json.dumps(body), content_type="application/json", **extra
        )

    return run


def test_the_api_lists_an_alerts_evidence_and_resolves_it_with_a_note(client, cast, clock):
    record_checkin(person=cast.patient_a.person, key="phq9", now=NOW, answers=ITEM_9_AT_2)
    lee = _bearer(client, cast.clinician_a)
    (listed,) = lee("get", "/alerts").json()
    assert listed["detail"].startswith("PHQ-9 on 23 Nov 19:00 CET: item 9 answered 2")
    evidence = listed["evidence"]
    assert (evidence["item_9"], evidence["total"]) == (2, 18)
    assert evidence["checkin_at"].startswith("2026-11-23T18:00")
    assert listed["patient_sharing"] is True and listed["patient_email"] == "ana@example.org"
    assert (listed["resolved_at"], listed["resolved_by"], listed["resolution"]) == (None,) * 3

    refused = lee("post", f"/alerts/{listed['id']}/resolve", {"note": "  "})
    assert refused.status_code == 422 and "note" in json.dumps(refused.json()["detail"])
    assert Alert.objects.get().state == "open"
    assert lee("post", f"/alerts/{listed['id']}/resolve", {}).status_code == 422
    okafor = _bearer(client, cast.clinician_b)
    assert okafor("post", f"/alerts/{listed['id']}/resolve", {"note": "x"}).status_code == 404

    done = lee("post", f"/alerts/{listed['id']}/resolve", {"note": "called; safety plan agreed"})
    assert done.status_code == 200
    assert (done.json()["state"], done.json()["resolved_by"]) == ("resolved", "Dr Lee")
    (again,) = lee("get", "/alerts").json()
    assert again["resolution"] == "called; safety plan agreed" and again["resolved_at"]


def test_the_api_keeps_listing_an_urgent_alert_after_the_patient_stopped_sharing(client, cast):
    record_checkin(person=cast.patient_a.person, key="phq9", now=NOW, answers=ITEM_9_AT_2)
    _bearer(client, cast.patient_a.user)("post", "/me/consent", {"share_with_care_team": False})
    (listed,) = _bearer(client, cast.clinician_a)("get", "/alerts").json()
    assert listed["patient_sharing"] is False and listed["stopped_sharing_at"]


def test_the_patients_page_lists_their_alerts_with_acknowledge_and_resolve(cast):
    record_checkin(person=cast.patient_a.person, key="phq9", now=NOW, answers=ITEM_9_AT_2)
    alert = _self_harm_alerts(cast.patient_a).get()
    client = verified_client(cast.clinician_a)
    page = client.get(f"/clinic/patients/{cast.patient_a.public_id}").content.decode()
    assert alert.detail in page
    assert f'action="/clinic/alerts/{alert.id}/ack"' in page
    assert f'action="/clinic/alerts/{alert.id}/resolve"' in page
    client.post(f"/clinic/alerts/{alert.id}/resolve", {"note": "seen in clinic today"})
    page = client.get(f"/clinic/patients/{cast.patient_a.public_id}").content.decode()
    assert "resolved by Dr Lee" in page and f"/clinic/alerts/{alert.id}/resolve" not in page


def test_a_patient_replacing_a_clinicians_plan_is_told_with_both_plans_names(cast, clock):
    from kratomlog.plans.services import set_plan

    care_plans.set_for_patient(
        cast.clinician_a, cast.patient_a, preset_plan("break-90", NOW.date()), NOW
    )
    later = NOW + timedelta(minutes=5)
    clock.move_to(later)
    set_plan(person=cast.patient_a.person, preset_or_file="occasional", now=later)
    alert = Alert.objects.get(patient=cast.patient_a, kind="plan_changed_by_patient")
    assert alert.detail == "Changed the plan you set ('break-90') to 'occasional'"
    assert alert.evidence == {"replaced": "break-90", "in_force": "occasional"}
    log_kratom(person=cast.patient_a.person, amount="1g", now=later)  # no new change of plan
    assert Alert.objects.filter(kind="plan_changed_by_patient").count() == 1


def test_a_daily_limit_alert_says_by_how_much_the_day_went_over(cast):
    from kratomlog.core.plan import plan_from_document

    document = {"name": "eight a day", "rule": [{"kind": "max_grams_per_day", "max_grams": 8}]}
    plan = plan_from_document(document, NOW.date())
    care_plans.set_for_patient(cast.clinician_a, cast.patient_a, plan, NOW - timedelta(hours=6))
    for hours_ago in (5, 3):
        at = (NOW - timedelta(hours=hours_ago)).isoformat()
        log_kratom(person=cast.patient_a.person, amount="6g", at=at, now=NOW)
    stale.bring_up_to_date(NOW)  # the worker's next turn
    alert = Alert.objects.get(patient=cast.patient_a, kind="limit_broken")
    assert "on Mon 23 Nov by 4 g (12 g, 8 g allowed)" in alert.detail
    assert (alert.evidence["grams"], alert.evidence["allowed_grams"]) == (12, 8)
