"""The BAM on the clinician's patient page and in the PDF report: item-level answers, the flagged
item, and a trend chart a subscale."""

import shutil
from datetime import timedelta

import pytest

from kratomlog.checkins.services import record_bam
from tests.clinic.conftest import NOW
from tests.clinic.helpers_ca import verified_client as verified
from tests.clinic.test_report import PERIOD, _text

EARLIER = [3, 3, 3, 0, 0, 4, ["kratom"], 4, 0, 0, 4, 0, 0, 0, 3, 0, 0]
LATER = [1, 1, 1, 0, 0, 2, ["kratom", "opiates"], 3, 2, 1, 1, 2, 3, 4, 1, 3, 2]


@pytest.fixture
def lee(cast):
    return verified(cast.clinician_a)


@pytest.fixture
def two_bams(cast):
    person = cast.patient_a.person
    record_bam(person=person, now=NOW, answers=EARLIER, at=(NOW - timedelta(days=14)).isoformat())
    record_bam(person=person, now=NOW, answers=LATER, at=(NOW - timedelta(hours=2)).isoformat())
    return cast.patient_a


def test_the_patient_page_shows_the_latest_bam_item_by_item_and_each_subscales_trend(lee, two_bams):
    page = lee.get(f"/clinic/patients/{two_bams.public_id}").content.decode()
    assert "Brief Addiction Monitor (past 30 days; no total)" in page
    assert "Latest, 2026-11-23: Use 2 · Risk 8 · Protective 15" in page
    assert "7. drugs used</td><td>kratom, opiates" in page
    assert "8. cravings</td><td>Considerably (3) (flagged)" in page
    assert "14. enough income</td><td>Yes (4)" in page
    for title in ("BAM Use (0-12; lower", "BAM Risk (0-24; lower", "BAM Protective (0-24; higher"):
        assert title in page
    assert "Adapted for kratom" in page


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils (pdftotext)")
def test_the_report_lists_each_bams_subscales_and_the_latest_item_by_item(lee, two_bams):
    answer = lee.get(f"/clinic/patients/{two_bams.public_id}/report.pdf", PERIOD)
    text = _text(answer.content)
    assert "Brief Addiction Monitor" in text
    assert "2026-11-09" in text and "2026-11-23" in text
    assert "item 8 (cravings)" in text
    assert "Latest BAM (2026-11-23), item by item" in text
    assert "Considerably (3)" in text
