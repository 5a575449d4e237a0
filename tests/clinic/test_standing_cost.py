"""A write costs the same on a five-year record as on a month's: the standing refresh and the
write's own judgement read the recent journal only, and no old plan version."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kratomlog.clinic import stale
from kratomlog.clinic import standing as clinic_standing
from kratomlog.clinic.models import Standing
from kratomlog.core import journal as core_journal
from kratomlog.journal import queries
from kratomlog.journal.models import KRATOM, Entry
from kratomlog.journal.services import log_kratom
from kratomlog.plans import services as plan_services
from kratomlog.plans.models import PlanVersion
from kratomlog.standing import what_it_means
from tests.clinic.conftest import NOW

FIVE_YEARS, A_MONTH = 5 * 365, 30


def _daily_doses(person, days):
    """A dose of 3 g each evening for `days` days up to yesterday (no hook runs: bulk)."""
    Entry.objects.bulk_create(
        Entry(person=person, substance=KRATOM, name="kratom", amount=3.0, unit="g", grams=3.0,
              form="powder", taken_at=NOW - timedelta(days=back), timezone=person.timezone,
              local_day=(NOW - timedelta(days=back)).date())
        for back in range(1, days + 1)
    )  # fmt: skip


@pytest.fixture
def records(cast):
    """Patient A: five years of daily use, under a plan of 10,000 rules (stored before plans
    were bounded) until a one-rule plan replaced it a month ago; patient B: the last month,
    under the same one-rule plan. Their last month is the same."""
    long, short = cast.patient_a.person, cast.patient_b.person
    short.timezone = long.timezone
    short.save()
    _daily_doses(long, FIVE_YEARS)
    _daily_doses(short, A_MONTH)
    PlanVersion.objects.create(
        person=long, name="many", start=(NOW - timedelta(days=FIVE_YEARS)).date(), set_at=NOW,
        rules=[{"id": f"dose-{i}", "kind": "max_grams_per_dose", "severity": "limit",
                "max_grams": 10.0 + i / 1000} for i in range(10_000)],
    )  # fmt: skip
    start = (NOW - timedelta(days=A_MONTH)).date().isoformat()
    for person in (long, short):
        plan_services.set_plan(person=person, preset_or_file="occasional", now=NOW, start=start)
    return long, short


def _write(person, monkeypatch):
    """Log a dose now; the queries it ran, the earliest dose any judgement read, and the
    largest plan it parsed."""
    read_days, parsed_rules = [], []
    real_index, real_plan = core_journal.UseIndex, plan_services.stored_plan

    class Recording(real_index):
        def __init__(self, doses, ordered_in_utc=False):
            super().__init__(doses, ordered_in_utc)
            read_days.extend(dose.day for dose in self.doses)

    def recording_plan(version):
        plan = real_plan(version)
        parsed_rules.append(len(plan.rules))
        return plan

    monkeypatch.setattr(queries, "UseIndex", Recording)
    monkeypatch.setattr(plan_services, "stored_plan", recording_plan)
    with CaptureQueriesContext(connection) as captured:
        # The write, what the API's answer says it breaks, and the worker's refresh of the
        # standing it marked stale.
        what_it_means(log_kratom(person=person, amount="2g", now=NOW), NOW)
        assert stale.bring_up_to_date(NOW) == 1
    monkeypatch.undo()
    return len(captured), min(read_days), max(parsed_rules)


def test_a_write_on_five_years_costs_what_a_write_on_a_month_does(records, monkeypatch):
    long, short = records
    long_queries, long_earliest, long_rules = _write(long, monkeypatch)
    short_queries, _, short_rules = _write(short, monkeypatch)
    assert long_queries == short_queries
    # Nothing older than the standing's window: its 90 days judged, and the 30 days before
    # them that the plan's "2 use days in any 30" reads.
    window = NOW.date() - timedelta(days=clinic_standing.JUDGED_DAYS - 1 + 29)
    assert long_earliest == window
    assert long_rules == short_rules == 2  # the old 10,000-rule plan is not even read
    # And both stand alike: the same last month, the same standing.
    fields = ("priority", "reasons", "use_days_28", "grams_28", "grams_by_day_28", "plan_name",
              "days_since_last_dose")  # fmt: skip
    a, b = (Standing.objects.filter(patient__person=p).values(*fields).get() for p in records)
    assert a == b
    assert a["reasons"][:1] == ["loss_of_control"] and a["use_days_28"] == 28


def test_a_dose_with_no_rule_in_force_reads_no_dose_to_judge_it(cast, monkeypatch):
    """No plan, nothing to break: the write's answer reads no earlier dose for it. Under a plan
    the same month of daily use is read, and the dose breaks the plan's use days."""
    person = cast.patient_b.person
    _daily_doses(person, A_MONTH)
    read_days: list = []
    real_index = core_journal.UseIndex

    class Recording(real_index):
        def __init__(self, doses, ordered_in_utc=False):
            super().__init__(doses, ordered_in_utc)
            read_days.extend(dose.day for dose in self.doses)

    monkeypatch.setattr(queries, "UseIndex", Recording)
    logged = log_kratom(person=person, amount="2g", now=NOW)
    read_days.clear()  # what the write's own hook read (the standing), not its answer
    unplanned = what_it_means(logged, NOW)
    assert (unplanned.plan, unplanned.breaches, read_days) == (None, [], [])

    start = (NOW - timedelta(days=A_MONTH)).date().isoformat()
    plan_services.set_plan(person=person, preset_or_file="occasional", now=NOW, start=start)
    logged = log_kratom(person=person, amount="2g", now=NOW)
    read_days.clear()
    planned = what_it_means(logged, NOW)
    assert planned.plan == "occasional" and min(read_days) < NOW.date() - timedelta(days=20)
    assert any(breach.rule == "max_use_days" for breach in planned.breaches), planned.breaches
