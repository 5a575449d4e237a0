"""The clinic's outcomes for patients on a taper: the share of taper days within the allowance
and how many reached 0 g, from each patient's stored taper tally, with the small-cell rule."""

from datetime import timedelta

import pytest

from kratomlog.clinic import stale, tokens
from kratomlog.clinic.models import TaperTally
from kratomlog.journal.services import log_kratom
from kratomlog.plans.services import build_taper
from tests.clinic.conftest import NOW
from tests.clinic.helpers_ca import verified_client
from tests.clinic.test_outcomes_page import BASELINE, RECOVERED, UNCHANGED, _patient

LATER = NOW + timedelta(days=21)  # Monday 14 December


@pytest.fixture
def tapering(cast, clock):
    """North: six patients, five on a taper from Monday 23 November (22 days to 14 December):
    four at 4 g less 1 g a week, one of them 5 g on 1 December (over 3 g); one at 1 g for two
    days, then 0 g with no use. South: one patient on a taper, six in all."""
    north = [_patient(n, cast.north, BASELINE, RECOVERED) for n in range(5)]
    north.append(_patient(5, cast.north, BASELINE, UNCHANGED))
    south = [_patient(n, cast.south, BASELINE, RECOVERED) for n in range(6, 12)]
    clock.move_to(LATER)
    for patient in [*north[:4], south[0]]:
        build_taper(person=patient.person, start_grams=4, step="1", every_days=7,
                    floor_grams=None, start="2026-11-23", now=LATER)  # fmt: skip
    build_taper(person=north[4].person, start_grams=1, step="1", every_days=2, floor_grams=None,
                start="2026-11-23", now=LATER)  # fmt: skip
    log_kratom(person=north[0].person, amount="5g", at="2026-12-01T09:00", now=LATER)
    return cast, north


def test_each_patients_tally_is_stored_when_their_journal_changes(tapering):
    _, north = tapering
    stale.bring_up_to_date(LATER)  # the worker's next turn
    over = TaperTally.objects.get(patient=north[0])
    assert (over.taper_days, over.days_within, over.reached_zero) == (22, 21, False)
    zero = TaperTally.objects.get(patient=north[4])
    assert (zero.taper_days, zero.days_within, zero.reached_zero) == (22, 22, True)
    assert TaperTally.objects.get(patient=north[5]).taper_days == 0  # no taper: not counted


def test_the_page_csv_and_api_give_the_taper_days_kept_and_0_g_reached(tapering, client):
    cast, _ = tapering
    token = tokens.issue(cast.clinician_a, LATER)
    found = client.get("/api/v1/outcomes", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    north = next(g for g in found["groups"] if g["group"] == "team North")
    # 5 patients, 110 days, 109 kept: 99.1%; one reached 0 g: fewer than 5, not its count.
    assert north["taper"] == {
        "patients": 5, "days": 110, "share_of_days_within": 0.991,
        "reached_zero": {"count": "fewer than 5", "share": None, "low": None, "high": None},
    }  # fmt: skip
    assert "patients in care with a day under a taper" in found["taper_means"]
    admin = verified_client(cast.admin)
    page = admin.get("/clinic/outcomes").content.decode()
    table = page.split('id="taper-outcomes"')[1].split("</table>")[0]
    # South has one patient on a taper: "fewer than 5", no days, no share.
    assert '<th scope="row">team South</th><td>fewer than 5</td><td></td><td></td>' in table
    assert '<th scope="row">team North</th><td>5</td><td>110</td><td>99%</td>' in table
    csv = admin.get("/clinic/outcomes.csv").content.decode()
    assert "team North,7,taper days within the allowance,of 110 taper days,5,0.991,," in csv
    assert "team South,7,taper reached 0 g,of fewer than 5 on a taper,fewer than 5,,," in csv
