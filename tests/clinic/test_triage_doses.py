"""Doses a day beside grams in triage's 28-day cell (issue 21: dependence follows how often more
than how much), stored in the standing when it refreshes, on the page and in the API."""

from datetime import timedelta

from kratomlog.clinic import stale
from kratomlog.clinic.models import Standing
from kratomlog.journal.services import log_kratom
from tests.clinic.conftest import NOW
from tests.clinic.helpers_ca import verified_client as verified
from tests.clinic.test_api import call  # noqa: F401  (the API fixture)
from tests.clinic.test_triage_layout import _triage_row


def _doses(person):
    """Ana (Berlin; now is Monday 23 November 19:00 there): three doses of 1 g on Saturday,
    one of 2 g on Sunday, and one of 1 g 40 days ago, outside the 28 days; then the worker's
    next turn, which refreshes the standing they marked stale."""
    for moment, grams in [
        ("2026-11-21T08:00", 1), ("2026-11-21T13:00", 1), ("2026-11-21T19:00", 1),
        ("2026-11-22T09:00", 2), ((NOW - timedelta(days=40)).isoformat(), 1),
    ]:  # fmt: skip
        log_kratom(person=person, amount=f"{grams}g", at=moment, now=NOW)
    stale.bring_up_to_date(NOW)


def test_the_standing_counts_each_days_doses_over_28_days(cast):
    _doses(cast.patient_a.person)
    standing = Standing.objects.get(patient=cast.patient_a)
    # The 28 days end today (Monday 23rd): Saturday is the third from the end, Sunday the second.
    assert standing.doses_28 == 4
    assert standing.doses_by_day_28 == [0] * 25 + [3, 1, 0]
    assert standing.grams_by_day_28[-3:] == [3.0, 2.0, 0.0]


def test_triage_shows_doses_a_day_beside_grams(cast):
    _doses(cast.patient_a.person)
    html = verified(cast.clinician_a).get("/clinic/").content.decode()
    row = _triage_row(html, "ana@example.org")
    # 4 doses over 28 days: 0.14 a day, shown to one decimal.
    assert "2 use days, 5 g, 0.1 doses a day (4 doses)" in row
    assert 'aria-label="4 doses in the last 28 days, 0.1 a day"' in row
    # The doses bars share one scale on the page, to the most doses in a day (3): Saturday's 3
    # fill the bar's 24 units, Sunday's 1 a third of them.
    doses_svg = row[row.index('class="sparkline doses"') :]
    assert 'height="24.0"></rect>' in doses_svg and 'height="8.0"></rect>' in doses_svg
    assert "every sparkline of doses below it to another, 0 to 3 doses a day." in html


def test_a_standing_not_refreshed_since_doses_were_counted_shows_no_false_zero(cast):
    _doses(cast.patient_a.person)
    Standing.objects.filter(patient=cast.patient_a).update(doses_28=0, doses_by_day_28=[])
    row = _triage_row(verified(cast.clinician_a).get("/clinic/").content.decode(), "ana@example")
    assert "2 use days, 5 g</small>" in row
    assert "sparkline doses" not in row and "doses a day" not in row


def test_the_triage_api_gives_doses_a_day_over_28_days(call, cast):  # noqa: F811
    _doses(cast.patient_a.person)
    rows = call("get", "/patients", "clinician_a").json()
    ana = next(row for row in rows if row["email"] == "ana@example.org")
    assert ana["doses_28"] == 4 and ana["doses_per_day_28"] == 0.14  # 4 / 28
    assert ana["doses_by_day_28"] == [0] * 25 + [3, 1, 0]
    # Not counted yet (a standing from before the upgrade): absent, not 0.
    Standing.objects.filter(patient=cast.patient_a).update(doses_28=0, doses_by_day_28=[])
    rows = call("get", "/patients", "clinician_a").json()
    ana = next(row for row in rows if row["email"] == "ana@example.org")
    assert ana["doses_28"] is None and ana["doses_by_day_28"] is None and ana["grams_28"] == 5
