"""Plans a clinician sets: judged from the moment they exist, never started in the past."""

import json
from datetime import timedelta

import pytest

from kratomlog.clinic import stale, tokens
from kratomlog.clinic.models import Alert, Standing
from kratomlog.journal.services import log_kratom
from tests.clinic.conftest import NOW
from tests.clinic.helpers_ca import verified_client as verified

TAPER_12 = {"kind": "taper", "start_grams": "12", "step": "1", "every_days": "7",
            "floor_grams": "", "confirm": "1"}  # fmt: skip


@pytest.fixture
def lee(cast):
    return verified(cast.clinician_a)


@pytest.fixture
def call(client, cast):
    """The API as `who` (a name of the cast) with their own token."""
    keys = {name: tokens.issue(getattr(cast, name).user if name.startswith("patient")
                               else getattr(cast, name), NOW)
            for name in ("clinician_a", "clinician_b", "patient_a", "patient_b")}  # fmt: skip

    def run(method, path, who, body=None):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {keys[who]}"}
        if body is None:
            return getattr(client, method)(f"/api/v1{path}", **headers)
        return getattr(client, method)(
            f"/api/v1{path}", data=json.dumps(body), content_type="application/json", **headers
        )

    return run


def _page(cast):
    return f"/clinic/patients/{cast.patient_a.public_id}"


def _dose(cast, grams, when):
    """A dose, and the worker's next turn, which refreshes the standing it marked stale."""
    log_kratom(person=cast.patient_a.person, amount=f"{grams}g", at=when.isoformat(), now=when)
    stale.bring_up_to_date(when)


def test_a_taper_set_after_a_heavy_morning_judges_only_what_comes_after_it(cast, lee, clock):
    _dose(cast, 15, NOW - timedelta(hours=10))  # 09:00 in Berlin, the same day
    answer = lee.post(f"{_page(cast)}/plan", TAPER_12)
    assert answer.status_code == 302
    # Going over a taper's allowance is its own reason and alert ("over the taper's allowance").
    assert not Alert.objects.filter(patient=cast.patient_a, kind="over_allowance").exists()
    assert "over_allowance" not in Standing.objects.get(patient=cast.patient_a).reasons
    later = NOW + timedelta(minutes=30)
    clock.move_to(later)
    _dose(cast, 1, later)  # the day's total, 16 g, is over the taper's 12 g
    assert Alert.objects.filter(patient=cast.patient_a, kind="over_allowance").exists()
    assert "over_allowance" in Standing.objects.get(patient=cast.patient_a).reasons


def test_a_plan_a_clinician_sets_cannot_start_in_the_past_on_the_page(cast, lee):
    _dose(cast, 15, NOW - timedelta(days=20))
    answer = lee.post(f"{_page(cast)}/plan", {**TAPER_12, "start": "2026-11-01"})
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "starts today or later" in page and "1 Nov 2026" in page
    assert not cast.patient_a.person.plan_versions.exists()
    assert not Alert.objects.filter(patient=cast.patient_a).exists()


def test_a_plan_a_clinician_sets_cannot_start_in_the_past_on_the_api(cast, call):
    path = f"/patients/{cast.patient_a.public_id}/plan"
    plan = {"name": "500 g a day", "start": "2020-01-01",
            "rule": [{"kind": "max_grams_per_day", "max_grams": 500}]}  # fmt: skip
    answer = call("put", path, "clinician_a", plan)
    assert answer.status_code == 422, answer.content
    assert "starts today or later" in str(answer.json()["detail"])
    assert not cast.patient_a.person.plan_versions.exists()


def test_a_plan_read_from_the_status_is_written_back_as_it_is(cast, call):
    path = f"/patients/{cast.patient_a.public_id}"
    first = {"name": "taper with Dr Lee", "start": "2026-11-23",
             "rule": [{"kind": "taper", "start_grams_per_day": 6, "step": 0.5, "every_days": 7,
                       "floor_grams": 1}, {"kind": "max_grams_per_dose", "max_grams": 3}]}  # fmt: skip
    assert call("put", f"{path}/plan", "clinician_a", first).status_code == 200
    status = call("get", f"{path}/status", "clinician_a").json()
    read = status["plan"]
    again = call("put", f"{path}/plan", "clinician_a", {**read, "name": "the same, again"})
    assert again.status_code == 200, again.content
    assert again.json()["rules"] == read["rules"]
    versions = cast.patient_a.person.plan_versions.order_by("id")
    assert [v.rules for v in versions] == [read["rules"], read["rules"]]
    both = call("put", f"{path}/plan", "clinician_a", {**read, "rule": first["rule"]})
    assert both.status_code == 422 and "once" in str(both.json()["detail"])


def test_a_patient_cannot_rewrite_a_clinicians_plan_through_sync(cast, call, clock):
    """What an allowed endpoint lets its caller change: the patient may sync their journal,
    and may set a plan of their own, but the version their clinician set stays theirs."""
    from kratomlog.plans.services import plan_history

    path = f"/patients/{cast.patient_a.public_id}/plan"
    plan = {"name": "4 g a day", "rule": [{"kind": "max_grams_per_day", "max_grams": 4}]}
    assert call("put", path, "clinician_a", plan).status_code == 200
    sent = call("get", "/me/sync", "patient_a").json()["plans"][0]
    edited = {**sent["data"], "rules": [{**sent["data"]["rules"][0], "max_grams": 60.0}]}
    clock.move_to(NOW + timedelta(minutes=5))
    answer = call("post", "/me/sync", "patient_a", {"records": [
        {"kind": "plan", "uid": edited["uid"], "base": sent["digest"],
         "edited_at": (NOW + timedelta(minutes=4)).isoformat(), "data": edited}]})  # fmt: skip
    assert answer.status_code == 200, answer.content
    result = answer.json()["results"][0]
    assert result["outcome"] == "kept_clinic" and result["data"] == sent["data"]
    clinicians = cast.patient_a.person.plan_versions.get(uid=edited["uid"])
    assert clinicians.rules[0]["max_grams"] == 4.0 and clinicians.set_by == "Dr Lee"
    own = cast.patient_a.person.plan_versions.exclude(uid=edited["uid"]).get()
    assert own.set_by == "" and own.set_by_user_id is None and own.rules[0]["max_grams"] == 60.0
    assert result["replaced_by"]["data"]["uid"] == str(own.uid)
    assert plan_history(cast.patient_a.person).in_force(NOW.date()).rules[0].max_grams == 60.0
    alert = Alert.objects.get(patient=cast.patient_a, kind="plan_changed_by_patient")
    assert alert.state == "open"


def test_a_taper_is_previewed_with_its_schedule_and_today_before_anything_is_set(cast, lee):
    _dose(cast, 3, NOW - timedelta(hours=2))
    form = {key: value for key, value in TAPER_12.items() if key != "confirm"}
    answer = lee.post(f"{_page(cast)}/plan", form)
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "Check before setting: taper from 12 g from 23 Nov 2026" in page
    assert "23 Nov 2026 to 29 Nov 2026</td><td>12 g" in page
    assert "30 Nov 2026 to 6 Dec 2026</td><td>11 g" in page
    assert "Today under it" in page and 'name="confirm" value="1"' in page
    assert not cast.patient_a.person.plan_versions.exists()
    assert lee.post(f"{_page(cast)}/plan", TAPER_12).status_code == 302
    assert cast.patient_a.person.plan_versions.count() == 1


@pytest.mark.parametrize(
    ("values", "asked"),
    [({"start_grams": "150"}, "starts at 150 g a day, above 100 g"),
     ({"step": "0.1"}, "over a year")],
)  # fmt: skip
def test_an_unusual_plan_is_asked_about_in_words_before_it_is_set(cast, lee, values, asked):
    form = {**TAPER_12, **values}
    answer = lee.post(f"{_page(cast)}/plan", form)
    assert answer.status_code == 200 and asked in answer.content.decode()
    assert 'name="confirm_unusual"' in answer.content.decode()
    assert not cast.patient_a.person.plan_versions.exists()
    answer = lee.post(f"{_page(cast)}/plan", {**form, "confirm_unusual": "1"})
    assert answer.status_code == 302 and cast.patient_a.person.plan_versions.count() == 1


def test_a_taper_past_the_journals_bounds_is_refused_next_to_its_field(cast, lee):
    answer = lee.post(f"{_page(cast)}/plan", {**TAPER_12, "start_grams": "2000"})
    page = answer.content.decode()
    assert answer.status_code == 400
    assert (
        '<p class="error" id="taper-start_grams-error">2000 is out of range; at most 1000 g' in page
    )
    assert not cast.patient_a.person.plan_versions.exists()


def test_a_refused_taper_keeps_what_was_typed_and_says_in_words_what_is_missing(cast, lee):
    answer = lee.post(f"{_page(cast)}/plan", {**TAPER_12, "step": "10%", "start": "2026-11-30"})
    page = answer.content.decode()
    assert answer.status_code == 400
    for name, value in [("start_grams", "12"), ("step", "10%"), ("every_days", "7"),
                        ("start", "2026-11-30")]:  # fmt: skip
        assert f'name="{name}" inputmode' in page and f'value="{value}"' in page
    assert 'id="taper-floor_grams-error">a percentage taper never reaches 0' in page
    assert "give a floor" in page
    for code in ("--floor", "floor_grams =", "--from", "--step"):
        assert code not in page


def test_the_plans_list_shows_the_plan_in_force_first_with_its_steps_author_and_dates(
    cast, lee, call
):
    path = f"/patients/{cast.patient_a.public_id}/plan"
    later = {"name": "ceiling from December", "start": "2026-12-07",
             "rule": [{"kind": "max_grams_per_dose", "max_grams": 3}]}  # fmt: skip
    assert call("put", path, "clinician_a", later).status_code == 200
    assert lee.post(f"{_page(cast)}/plan", TAPER_12).status_code == 302
    page = lee.get(_page(cast)).content.decode()
    section = page[page.index('id="plans"') :]
    assert section.index("In force: taper from 12 g") < section.index("ceiling from December")
    assert "set by Dr Lee on 23 Nov 2026; from 23 Nov 2026 to 6 Dec 2026" in section
    assert "taper from 12 g a day, down 1 g every 7 days" in section
    assert "at most 3 g a dose" in section and "from 7 Dec 2026" in section


def _ratings(count):
    from kratomlog.core import cows

    return {f"cows_{item.key}": str(item.options[1][0]) for item in cows.ITEMS[:count]}


def test_a_refused_visit_keeps_every_rating_the_note_and_the_dates(cast, lee):
    from kratomlog.clinic.models import Visit

    sent = {**_ratings(3), "note": "sweating; seen with her sister", "on": "2026-11-23",
            "next_visit_on": "2026-11-30"}  # fmt: skip
    answer = lee.post(f"{_page(cast)}/visit", sent)
    page = answer.content.decode()
    assert answer.status_code == 400 and not Visit.objects.exists()
    assert "3 of 11 items are rated; rate all 11 COWS items, or none of them" in page
    assert "Not yet rated: Pupil size" in page
    assert page.count(" checked>") == 3
    assert ">sweating; seen with her sister</textarea>" in page
    assert 'value="2026-11-23"' in page and 'value="2026-11-30"' in page
    assert 'COWS total: <output id="cows-total">3 so far (3 of 11 items rated)' in page


def test_a_saved_visit_shows_its_date_total_band_items_and_next_visit(cast, lee):
    from kratomlog.clinic.models import Visit

    sent = {**_ratings(11), "note": "restless", "on": "2026-11-22", "next_visit_on": "2026-11-30"}
    assert lee.post(f"{_page(cast)}/visit", sent).status_code == 302
    visit = Visit.objects.get()
    assert visit.next_visit_on.isoformat() == "2026-11-30"
    assert visit.at.date().isoformat() == "2026-11-22"
    page = lee.get(_page(cast)).content.decode()
    assert "22 Nov 2026 by lee@clinic.test: COWS 13 of 48, moderate; next visit 30 Nov 2026" in page
    assert "Resting pulse rate: 1 (81-100)" in page


def test_a_visit_in_the_future_or_a_next_visit_before_it_is_refused_next_to_its_field(cast, lee):
    from kratomlog.clinic.models import Visit

    answer = lee.post(f"{_page(cast)}/visit", {"note": "call", "on": "2026-11-25"})
    assert answer.status_code == 400
    assert 'id="visit-on-error">25 Nov 2026 is in the future' in answer.content.decode()
    answer = lee.post(f"{_page(cast)}/visit", {"note": "call", "next_visit_on": "2026-11-01"})
    assert 'id="next-visit-on-error">1 Nov 2026 is before' in answer.content.decode()
    assert not Visit.objects.exists()


def test_a_refused_report_period_keeps_both_days_and_says_what_is_wrong(cast, lee):
    answer = lee.get(f"{_page(cast)}/report.pdf", {"from": "2026-11-30", "to": "2026-11-01"})
    page = answer.content.decode()
    assert answer.status_code == 400
    assert 'name="from" type="date" value="2026-11-30"' in page
    assert 'name="to" type="date" value="2026-11-01"' in page
    assert 'id="report-from-error">From: a period of one day to ten years' in page


def _patient_client(cast):
    from django.test import Client

    client = Client()
    client.force_login(cast.patient_a.user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_the_patients_plan_page_names_the_clinician_and_a_replacement_says_so(cast, lee):
    assert lee.post(f"{_page(cast)}/plan", TAPER_12).status_code == 302
    patient = _patient_client(cast)
    page = patient.get("/plan").content.decode()
    current = page[page.index('id="current-title"') : page.index('id="presets-title"')]
    assert "Set by Dr Lee on 23 Nov." in current
    assert "your own taper" not in current and "set by you" not in current
    preview = patient.post("/plan/preset", {"preset": "occasional", "start": "2026-11-23"})
    assert "This replaces Dr Lee's plan; your care team will be told." in preview.content.decode()


def test_today_offers_no_self_help_preset_while_a_clinician_manages_the_plan(cast, lee):
    for days_ago in range(6):
        _dose(cast, 2, NOW - timedelta(days=days_ago, hours=1))
    patient = _patient_client(cast)
    offer = "preset would change"
    assert offer in patient.get("/").content.decode()  # frequent use: the occasional preset
    ceiling = {"kind": "preset", "preset": "ceiling-3g-a-dose", "confirm": "1"}
    assert lee.post(f"{_page(cast)}/plan", ceiling).status_code == 302
    today = patient.get("/").content.decode()
    assert offer not in today
    assert "Dr Lee set your plan: talk to your care team before changing it." in today


def test_a_clinicians_plan_brought_back_to_a_local_journal_is_judged_from_when_it_was_set(cast):
    """A local journal keeps the clinician's name but no user id: it judges the same days."""
    from kratomlog.core.plan import preset_plan
    from kratomlog.plans.models import PlanVersion
    from kratomlog.plans.services import plan_history
    from kratomlog.standing import status

    _dose(cast, 5, NOW - timedelta(hours=6))
    plan = preset_plan("ceiling-3g-a-dose", NOW.date()).as_dict()
    PlanVersion.objects.create(person=cast.patient_a.person, name=plan["name"], start=NOW.date(),
                               rules=plan["rules"], set_at=NOW - timedelta(hours=1),
                               set_by="Dr Lee")  # fmt: skip
    assert plan_history(cast.patient_a.person).plans[0].judged_from == NOW - timedelta(hours=1)
    assert status(cast.patient_a.person, NOW).breaches == []


def test_cows_totals_are_charted_on_the_patients_page(cast, lee):
    assert "No visit with a COWS rating yet." in lee.get(_page(cast)).content.decode()
    for on in ("2026-11-20", "2026-11-23"):
        sent = {**_ratings(11), "on": on}
        assert lee.post(f"{_page(cast)}/visit", sent).status_code == 302
    page = lee.get(_page(cast)).content.decode()
    assert "COWS totals at visits (0-48)" in page
    assert "2 rated visits; the latest COWS 13." in page
    assert "20 Nov 2026: COWS 13, moderate" in page
