"""What the clinic's endpoints answer, declared, so the OpenAPI document says it and the schema
tests (test_api_schema.py, test_schemathesis.py) check each answer against it."""

from datetime import datetime
from typing import Any

from ninja import Schema


class TriageRow(Schema):
    """One patient of the triage list; the numbers are absent until their standing is drawn."""

    patient_id: str
    team: str
    email: str
    reasons: list[str]
    priority: int | None
    days_since_last_dose: int | None = None
    use_days_28: int | None = None
    grams_28: float | None = None
    grams_by_day_28: list[float] | None = None
    # Doses beside grams: None until the standing is refreshed by a version that counts them.
    doses_28: int | None = None
    doses_per_day_28: float | None = None  # the mean over the 28 days
    doses_by_day_28: list[int] | None = None
    plan: str | None = None
    allowance_today: str | None = None
    phq9_latest: int | None = None
    withdrawal_latest: int | None = None
    last_activity_at: datetime | None = None
    updated_at: datetime | None = None


class SharingOut(Schema):
    share_with_care_team: bool
    version: str
    at: datetime


class CareTeamOut(Schema):
    name: str  # blank: "your care team"
    phone: str
    reads_alerts: str  # when alerts are read: "Mon-Fri 8:00-18:00", or "in working hours"


class BamSubscalesOut(Schema):
    use: int
    risk: int
    protective: int


class BamItemOut(Schema):
    number: int
    text: str
    answer: int | list[str]
    label: str | None  # the published label answered; None for item 7
    subscale: str | None


class CheckinOut(Schema):
    id: int
    uid: str
    kind: str
    score: int | None  # None for the BAM, which has no total
    band: str | None
    # Only for the BAM: its subscales, its 17 answers (item 7 the drugs used, each item with its
    # text and the label answered) and the items that raised an alert (cravings, item 8).
    subscales: BamSubscalesOut | None = None
    items: list[BamItemOut] | None = None
    flagged_items: list[int] | None = None
    # Only after a PHQ-9 item 9 above 0: the resources in force, whether the care team was
    # alerted (the patient shares) and whom to call.
    crisis_resources: list[dict[str, Any]] | None = None
    care_team_alerted: bool | None = None
    care_team: CareTeamOut | None = None


class Access(Schema):
    """One access by staff to the patient's data."""

    at: datetime
    who: str
    role: str
    action: str
    what: str


class AccessLogPage(Schema):
    items: list[Access]
    page: int
    per_page: int
    total: int
