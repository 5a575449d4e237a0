"""The PDF report as a clinician reads it: its pages drawn as PNG (`pdftoppm`, kept in
build/screenshots to look at) and its text as `pdftotext` reads it."""

import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from PIL import Image

from kratomlog.checkins.services import record_checkin
from kratomlog.clinic import care_plans, visits
from kratomlog.core.plan import taper_plan
from kratomlog.journal.services import log_kratom
from tests.clinic.conftest import NOW
from tests.clinic.helpers_ca import verified_client as verified

SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
PERIOD = {"from": "2026-11-01", "to": "2026-11-23"}

needs_poppler = pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("pdftotext")),
    reason="needs poppler-utils (pdftoppm, pdftotext)",
)


@pytest.fixture
def lee(cast):
    return verified(cast.clinician_a)


@pytest.fixture
def tapering(cast, clock):
    """Ana on Dr Lee's taper since 2 November (12 g a day, 1 g less each week), her doses
    since, two over the allowance; a PHQ-9 with item 9 answered; a visit with COWS."""
    patient = cast.patient_a
    clock.move_to(NOW - timedelta(days=22))
    care_plans.set_for_patient(
        cast.clinician_a, patient, taper_plan(12, "1g", 7, None, date(2026, 11, 2)),
        NOW - timedelta(days=22),
    )  # fmt: skip
    clock.move_to(NOW)
    for days_ago, grams in [(20, 11.0), (15, 14.0), (9, 9.5), (4, 12.5), (2, 6.0), (1, 5.5)]:
        log_kratom(person=patient.person, amount=f"{grams}g", now=NOW,
                   at=(NOW - timedelta(days=days_ago)).isoformat())  # fmt: skip
    record_checkin(person=patient.person, key="phq9", now=NOW, answers="2,1,1,1,0,1,1,0,1")
    record_checkin(person=patient.person, key="gad7", now=NOW, answers="1,1,1,1,1,1,1")
    visits.record_visit(
        cast.clinician_a, patient, NOW, [1] * 10 + [3], "Sleeping badly; taper kept."
    )
    return patient


def _report(client, patient) -> bytes:
    answer = client.get(f"/clinic/patients/{patient.public_id}/report.pdf", PERIOD)
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    return answer.content


def _pages(pdf: bytes, name: str) -> list[Image.Image]:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob(f"{name}-*.png"):
        old.unlink()
    path = SCREENSHOTS / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "80", path, SCREENSHOTS / name], check=True)
    return [Image.open(png).convert("RGB") for png in sorted(SCREENSHOTS.glob(f"{name}-*.png"))]


def _longest_dark_run(page: Image.Image) -> int:
    """The longest run of near-black pixels on any one row: text is a few pixels at a time, a
    shape WeasyPrint filled black by default is the chart's width."""
    grey = page.convert("L")
    width, height = grey.size
    pixels = grey.load()
    longest = 0
    for row in range(height):
        run = 0
        for column in range(width):
            run = run + 1 if pixels[column, row] < 70 else 0
            longest = max(longest, run)
    return longest


def _has_colour(page: Image.Image, rgb: tuple[int, int, int], least: int = 30) -> bool:
    near = sum(
        1
        for pixel in page.get_flattened_data()
        if all(abs(channel - want) <= 12 for channel, want in zip(pixel, rgb, strict=True))
    )
    return near >= least


@needs_poppler
def test_the_report_chart_is_drawn_in_its_colours_not_as_a_black_shape(tapering, lee):
    pages = _pages(_report(lee, tapering), "report-taper")
    first = pages[0]
    assert _longest_dark_run(first) < first.size[0] // 10
    assert _has_colour(first, (0x6B, 0x8F, 0x84))  # the bars
    assert _has_colour(first, (0xB3, 0x26, 0x1E))  # the days over the allowance
    assert _has_colour(first, (0x2F, 0x5D, 0x50))  # the allowance line


def _text(pdf: bytes) -> str:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / "report-text.pdf"
    path.write_bytes(pdf)
    answer = subprocess.run(["pdftotext", path, "-"], check=True, capture_output=True)
    return " ".join(answer.stdout.decode().split())  # one line: table cells wrap


@needs_poppler
def test_the_report_states_the_periods_scores_alerts_visits_and_plans_with_their_authors(
    tapering, lee, cast
):
    from kratomlog.clinic.models import Alert

    tapering.display_name, tapering.record_number = "Ana Petrova", "N-0042"
    tapering.save()
    alert = Alert.objects.get(kind="self_harm_risk")
    lee.post(f"/clinic/alerts/{alert.id}/resolve", {"note": "Called her; safe, seen tomorrow."})
    answer = lee.get(f"/clinic/patients/{tapering.public_id}/report.pdf", PERIOD)
    assert answer["Content-Disposition"] == (
        'attachment; filename="kratomlog-report-ana-petrova-2026-11-01-to-2026-11-23.pdf"'
    )
    text = _text(answer.content)
    assert "kratomlog report: Ana Petrova" in text and "Record number N-0042" in text
    # PHQ-9 with its item 9, GAD-7, the withdrawal and COWS scores
    assert "8 of 27" in text and "item 9: 1 (Several days)" in text
    assert "GAD-7 (totals 0-21)" in text and "7 of 21" in text
    assert "Kratom withdrawal check-in (totals 0-44, not a validated scale)" in text
    assert "COWS 13 (moderate), rated by Dr Lee" in text
    # the alert and how it was resolved, by whom, with the note
    assert "Urgent: self-harm risk (PHQ-9 item 9)" in text
    assert "resolved by Dr Lee on 23 Nov 2026 19:00" in text
    assert "Called her; safe, seen tomorrow." in text
    # one count of the period's days over the plan then in force, as the chart says
    assert "Days over a limit of the plan then in force 2" in text
    assert "2 days over a limit of the plan in force that day" in text
    assert "2 days over a limit." in text
    # visits with notes; plans with their authors
    assert "Sleeping badly; taper kept." in text
    assert "taper from 12 g a day, down 1 g every 7 days), set by Dr Lee on" in text
    # grams written one way
    assert "58.5 g" in text and "58.50" not in text and "12.50" not in text


def test_a_report_without_a_display_name_is_named_by_the_pseudonymous_id(cast, lee):
    answer = lee.get(f"/clinic/patients/{cast.patient_a.public_id}/report.pdf", PERIOD)
    assert answer["Content-Disposition"] == (
        f'attachment; filename="kratomlog-report-{cast.patient_a.public_id}-2026-11-01-to-'
        '2026-11-23.pdf"'
    )


@needs_poppler
def test_the_report_gives_the_latest_scores_on_their_scales(tapering, lee):
    text = _text(_report(lee, tapering))
    assert "Latest PHQ-9 8 of 27" in text and "Latest withdrawal" in text


def _earlier_phq9(patient):
    """Enrolled on 26 October; a PHQ-9 of 16 on 27 October, then the tapering fixture's 8."""
    patient.joined_at = NOW - timedelta(days=28)
    patient.save()
    record_checkin(person=patient.person, key="phq9", now=NOW, answers="2,2,2,2,2,2,2,2,0",
                   at=(NOW - timedelta(days=27)).isoformat())  # fmt: skip


# Dr Lee's taper: 12 g from 2 Nov, 1 g less every 7 days. Ana's days: step 1 (2-8 Nov) 11 g on
# the 3rd and 14 g on the 8th (over 12 g): 6 of 7 kept, 25 g / 7 = 3.6 g a day; step 2 (9-15
# Nov) 9.5 g on the 14th: 7 of 7, 1.4 g; step 3 (16-22 Nov) 12.5 g (over 10 g), 6 g and 5.5 g:
# 6 of 7, 24 g / 7 = 3.4 g; step 4 (from Monday 23 Nov, 9 g) is the current one.
STEPS = [
    "1 2 Nov to 8 Nov 12 g 6 of 7 3.6 g (14 g) 0.3 (1)",
    "2 9 Nov to 15 Nov 11 g 7 of 7 1.4 g (9.5 g) 0.1 (1)",
    "3 16 Nov to 22 Nov 10 g 6 of 7 3.4 g (12.5 g) 0.4 (1)",
    "4 now 23 Nov to 29 Nov 9 g 1 of 1 0 g (0 g) 0.0 (0)",
    "5 30 Nov to 6 Dec 8 g to come",
]


def test_the_patient_page_shows_the_taper_step_by_step_and_the_change_since_enrolment(
    tapering, lee
):
    import re
    from html import unescape

    _earlier_phq9(tapering)
    html = lee.get(f"/clinic/patients/{tapering.public_id}").content.decode()
    shown = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    assert "The taper, step by step" in shown and "now in step 4 (9 g a day)" in shown
    assert "withdrawal, use, the effects of use, craving and side effects" in shown
    for row in STEPS:
        assert row in shown
    assert "Allowance against grams, step by step." in shown
    assert (
        "PHQ-9 went from 16 to 8: a reliable improvement, to below the clinical cut-off "
        "(recovered) (a change of 6 or more counts as reliable; 10 or more is the clinical "
        "range)." in shown
    )


@needs_poppler
def test_the_report_shows_the_taper_step_by_step_and_the_change_since_enrolment(tapering, lee):
    _earlier_phq9(tapering)
    pdf = _report(lee, tapering)
    text = _text(pdf)
    assert "The taper, step by step" in text and "step 4 (9 g a day) is the current step" in text
    assert "withdrawal, use, the effects of use, craving and side effects" in text
    assert "3.6 g (14 g)" in text and "3.4 g (12.5 g)" in text and "to come" in text
    assert "Allowance against grams, step by step" in text
    assert "Change since enrolment" in text and "PHQ-9 went from 16 to 8" in text
    assert "(recovered)" in text and "a change of 6 or more counts as reliable" in text
    # Steps 1 and 3 had a day over their allowance, though their means were under it.
    assert "the most in a day, over the allowance" in text
    assert "a step whose mean was over its allowance" not in text
    _pages(pdf, "report-review")  # drawn to look at
