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
        for pixel in page.getdata()
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
