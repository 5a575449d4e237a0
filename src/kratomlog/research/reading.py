"""Reading a study's participants a batch at a time and turning their journals into the export's
de-identified rows: pseudonyms for people, day numbers since enrollment and local times of day
for moments, categories for free text; nothing else leaves.

Each batch is read with one query per kind of record, so a study of thousands of participants
takes a few queries per batch, not per person; the rows of a batch are all the memory it needs.
"""

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from kratomlog.checkins.models import CheckIn, SleepDiary
from kratomlog.core import bam
from kratomlog.core.days import local_day, zone
from kratomlog.core.history import daily_rows
from kratomlog.core.interactions import CATEGORIES
from kratomlog.core.journal import Dose, UseIndex
from kratomlog.core.plan import Plan, PlanHistory
from kratomlog.core.sleep import Night
from kratomlog.journal.models import FORMS, KRATOM, MAGNESIUM, Entry
from kratomlog.plans.models import PlanVersion
from kratomlog.plans.services import stored_plan
from kratomlog.research.models import ResearchConsent, Study
from kratomlog.research.services import active_participants, pseudonym
from kratomlog.research.tables import COMPOUNDS, TABLES

BUCKETS = 16  # Parquet partitions of participants (hive style: bucket=00 .. bucket=15)
BATCH = 50  # participants read and written at a time: bounds the memory an export needs


@dataclass(frozen=True)
class Enrolled:
    """A participant as the export sees them: a pseudonym and a window of local days."""

    code: str
    bucket: int
    person_id: int
    enrolled: date  # day 0, in the participant's zone
    first: date  # the first day exported: enrollment, or the study's start if later
    last: date  # the last day exported: the study's end, or today
    consent_version: str
    time_step: int = 900  # seconds: the study's resolution of a local time of day
    baseline_days: int = 0  # days before enrollment, as the consent they agreed to stated

    @property
    def windows(self) -> list[tuple[date, date]]:
        """The spans of local days exported, in order: the baseline (day -N to -1, never past
        the last day), then enrollment (or the study's start) to the last day; joined when they
        touch, so a plan in force across enrollment is one row."""
        spans = []
        if self.baseline_days:
            spans.append(
                (
                    self.enrolled - timedelta(days=self.baseline_days),
                    min(self.enrolled - timedelta(days=1), self.last),
                )
            )
        if self.first <= self.last:
            if spans and spans[-1][1] + timedelta(days=1) >= self.first:
                spans[-1] = (spans[-1][0], self.last)
            else:
                spans.append((self.first, self.last))
        return [(lo, hi) for lo, hi in spans if lo <= hi]

    def covers(self, day: date) -> bool:
        return any(lo <= day <= hi for lo, hi in self.windows)


def enrolled(study: Study, now: datetime) -> list[Enrolled]:
    """Every participant whose research consent holds now, ordered by bucket and pseudonym."""
    versions = {
        participant: (version, baseline)
        for participant, version, baseline in ResearchConsent.objects.filter(
            participant__study=study, granted=True
        )
        .order_by("at", "id")
        .values_list("participant_id", "version", "baseline_days")
    }  # the latest granted version of each participant wins, with the window it stated
    found = []
    for participant in active_participants(study):
        person = participant.patient.person
        tz = zone(person.timezone)
        day0 = local_day(participant.enrolled_at, tz)
        today = local_day(now, tz)
        last = min(study.end, today) if study.end else today
        first = max(day0, study.start) if study.start else day0
        code = pseudonym(study, participant.patient)
        version, baseline = versions.get(participant.id, (study.consent_version, 0))
        found.append(
            Enrolled(
                code,
                int(code[1:9], 16) % BUCKETS,
                person.id,
                day0,
                first,
                last,
                version,
                study.time_of_day_seconds or 1,
                baseline,
            )
        )
    return sorted(found, key=lambda e: (e.bucket, e.code))


def batches(people: list[Enrolled], size: int = BATCH) -> Iterator[list[Enrolled]]:
    """Batches that never mix buckets, so each Parquet file gets whole row groups."""
    batch: list[Enrolled] = []
    for one in people:
        if batch and (len(batch) == size or batch[-1].bucket != one.bucket):
            yield batch
            batch = []
        batch.append(one)
    if batch:
        yield batch


Rows = dict[str, dict[str, list[Any]]]  # table -> column -> values


def empty_rows() -> Rows:
    return {table.name: {c.name: [] for c in table.columns} for table in TABLES}


def _add(rows: Rows, table: str, **values: Any) -> None:
    columns = rows[table]
    for name, column in columns.items():
        column.append(values.get(name))


def _seconds(moment: datetime, tz: ZoneInfo, step: int) -> int:
    """The local time of day in seconds, rounded down to `step` (never past midnight)."""
    local = moment.astimezone(tz)
    exact = local.hour * 3600 + local.minute * 60 + local.second
    return exact - exact % step


def _zone(name: str, cache: dict[str, ZoneInfo] = {}) -> ZoneInfo:  # noqa: B006 (a cache)
    if name not in cache:
        cache[name] = zone(name)
    return cache[name]


def batch_rows(batch: list[Enrolled], now: datetime) -> Rows:
    """The de-identified rows of every table for one batch of participants."""
    rows = empty_rows()
    ids = [one.person_id for one in batch]
    entries, checkins, nights, plans = _read(ids, now)
    for one in batch:
        _participant_rows(
            rows,
            one,
            entries[one.person_id],
            checkins[one.person_id],
            nights[one.person_id],
            plans[one.person_id],
        )
    return rows


def _read(ids: list[int], now: datetime) -> tuple[dict[int, list[Any]], ...]:
    entries: dict[int, list[Any]] = defaultdict(list)
    for row in (
        Entry.objects.filter(person_id__in=ids, deleted=False, taken_at__lte=now)
        .order_by("person_id", "taken_at", "id")
        .values_list(
            "person_id",
            "id",
            "substance",
            "taken_at",
            "timezone",
            "local_day",
            "grams",
            "elemental_mg",
            "compound",
            "form",
            "category",
        )
        .iterator(chunk_size=5000)
    ):
        entries[row[0]].append(row)
    checkins: dict[int, list[Any]] = defaultdict(list)
    for row in (
        CheckIn.objects.filter(person_id__in=ids, deleted=False, taken_at__lte=now)
        .order_by("person_id", "taken_at", "id")
        .values_list(
            "person_id",
            "instrument",
            "taken_at",
            "timezone",
            "local_day",
            "answers",
            "total",
            "band",
            "self_harm",
        )
        .iterator(chunk_size=5000)
    ):
        checkins[row[0]].append(row)
    nights: dict[int, list[Any]] = defaultdict(list)
    for row in (
        SleepDiary.objects.filter(person_id__in=ids, deleted=False, out_of_bed__lte=now)
        .order_by("person_id", "night", "id")
        .values_list(
            "person_id",
            "night",
            "timezone",
            "into_bed",
            "tried_to_sleep",
            "sol_minutes",
            "awakenings",
            "waso_minutes",
            "final_awakening",
            "out_of_bed",
            "quality",
        )
        .iterator(chunk_size=5000)
    ):
        nights[row[0]].append(row)
    plans: dict[int, list[Any]] = defaultdict(list)
    for version in PlanVersion.objects.filter(person_id__in=ids, withdrawn=False).order_by(
        "set_at", "id"
    ):
        plans[version.person_id].append(version)
    return entries, checkins, nights, plans


def _participant_rows(
    rows: Rows,
    one: Enrolled,
    entries: list[Any],
    checkins: list[Any],
    nights: list[Any],
    versions: list[PlanVersion],
) -> None:
    code, day0, first, last = one.code, one.enrolled, one.first, one.last
    _add(
        rows,
        "participants",
        participant=code,
        days_observed=max(0, (last - first).days + 1),
        consent_version=one.consent_version,
        baseline_days=one.baseline_days,
    )
    doses, magnesium = [], defaultdict(float)
    for _, entry_id, substance, at, tz_name, day, grams, mg, compound, form, category in entries:
        if substance == KRATOM:
            doses.append(Dose(entry_id, at.astimezone(UTC), day, grams or 0.0))
        if not one.covers(day):
            continue
        where = {
            "participant": code,
            "day": (day - day0).days,
            "time": _seconds(at, _zone(tz_name), one.time_step),
        }
        if substance == KRATOM:
            _add(
                rows, "doses", **where, grams=grams or 0.0, form=form if form in FORMS else "other"
            )
        elif substance == MAGNESIUM:
            magnesium[day] += mg or 0.0
            _add(
                rows,
                "magnesium",
                **where,
                elemental_mg=mg,
                compound=(compound or "elemental")
                if (compound or "elemental") in COMPOUNDS
                else "other",
            )
        else:
            _add(
                rows,
                "other_substances",
                **where,
                category=category if category in CATEGORIES else "other",
            )
    for _, instrument, at, tz_name, day, answers, total, band, self_harm in checkins:
        if not one.covers(day):
            continue
        if instrument == bam.KEY:
            scored = bam.score(answers)
            _add(
                rows,
                "bam",
                participant=code,
                day=(day - day0).days,
                time=_seconds(at, _zone(tz_name), one.time_step),
                **{f"item_{n}": scored.item(n) for n in range(1, 18) if n != bam.DRUGS_ITEM},
                item_7_drugs="+".join(scored.drugs),
                **scored.subscales,
            )
            continue
        items = {f"item_{n}": answer for n, answer in enumerate(answers, start=1)}
        _add(
            rows,
            "checkins",
            participant=code,
            day=(day - day0).days,
            time=_seconds(at, _zone(tz_name), one.time_step),
            instrument=instrument,
            total=total,
            band=band or None,
            self_harm=self_harm,
            **items,
        )
    for _, night_day, tz_name, *moments_and_counts in nights:
        if not one.covers(night_day):
            continue
        into_bed, tried, sol, wakes, waso, final, out, quality = moments_and_counts
        night = Night(night_day, into_bed, tried, sol, wakes, waso, final, out, quality)
        tz = _zone(tz_name)
        _add(
            rows,
            "sleep",
            participant=code,
            night=(night_day - day0).days,
            into_bed=_seconds(into_bed, tz, one.time_step),
            tried_to_sleep=_seconds(tried, tz, one.time_step),
            sol_minutes=sol,
            awakenings=wakes,
            waso_minutes=waso,
            final_awakening=_seconds(final, tz, one.time_step),
            out_of_bed=_seconds(out, tz, one.time_step),
            quality=quality,
            tib_minutes=round(night.time_in_bed_minutes, 1),
            tst_minutes=round(night.total_sleep_minutes, 1),
            se_percent=round(night.sleep_efficiency, 1),
        )
    windows = one.windows
    if not windows:
        return
    plans = [(stored_plan(version), version) for version in versions]
    history = PlanHistory([plan for plan, _ in plans])
    set_by = {id(plan): "clinician" if version.set_by else "self" for plan, version in plans}
    _plan_rows(rows, one, history, set_by)
    journal = UseIndex(doses, ordered_in_utc=True)
    for row in (
        row for lo, hi in windows for row in daily_rows(lo, hi, journal, history, magnesium)
    ):
        day = (row.day - day0).days
        limits = sum(1 for breach in row.breaches if breach.severity == "limit")
        _add(
            rows,
            "daily",
            participant=code,
            day=day,
            use=row.use,
            grams=round(row.grams, 3),
            doses=row.doses,
            allowance=None if row.allowance is None else round(row.allowance, 3),
            limit_breaches=limits,
            target_breaches=len(row.breaches) - limits,
            magnesium_mg=round(row.magnesium_mg, 1),
        )
        for breach in row.breaches:
            _add(
                rows,
                "breaches",
                participant=code,
                day=day,
                rule_kind=breach.kind,
                severity=breach.severity,
                doses=len(breach.entries),
            )


def _plan_rows(rows: Rows, one: Enrolled, history: PlanHistory, set_by: dict[int, str]) -> None:
    periods = (period for lo, hi in one.windows for period in history.periods(lo, hi))
    for plan, lo, hi in periods:
        _add(
            rows,
            "plans",
            participant=one.code,
            first_day=(lo - one.enrolled).days,
            last_day=(hi - one.enrolled).days,
            set_by=set_by.get(id(plan), "self"),
            taper=plan.taper is not None,
            rules=_rules_json(plan),
        )


def _rules_json(plan: Plan) -> str:
    """Kinds, severities and numbers; a rule's id (which a person may have named) is left out."""
    rules = [{k: v for k, v in rule.as_dict().items() if k != "id"} for rule in plan.rules]
    return json.dumps(rules, separators=(",", ":"), sort_keys=True)
