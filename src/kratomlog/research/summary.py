"""The study page's numbers, read from the same de-identified rows as the export, a batch of
participants at a time (memory stays bounded; time grows with the study)."""

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from kratomlog.core.cohort import MeanInterval, histogram, mean_interval, share
from kratomlog.research import reading
from kratomlog.research.models import Study

RECORD_TABLES = ("doses", "magnesium", "other_substances", "checkins", "sleep")


@dataclass
class StudySummary:
    participants: int = 0
    enrolled_by_week: list[tuple[int, int]] = field(default_factory=list)  # week, cumulative
    retention: list[tuple[int, int, float]] = field(default_factory=list)  # week, at risk, share
    adherence: list[tuple[int, int, float]] = field(default_factory=list)  # week, days, share
    phq9: list[tuple[int, MeanInterval]] = field(default_factory=list)
    withdrawal: list[tuple[int, MeanInterval]] = field(default_factory=list)
    dose_sizes: list[tuple[float, int]] = field(default_factory=list)  # grams from, doses


def _by_participant_week(values: dict[tuple[str, int], list[float]]) -> dict[int, list[float]]:
    """Each participant's mean in a week, so a daily filler weighs no more than a weekly one."""
    weeks: dict[int, list[float]] = defaultdict(list)
    for (_, week), found in values.items():
        weeks[week].append(sum(found) / len(found))
    return weeks


def summarise(study: Study, now: datetime) -> StudySummary:
    people = reading.enrolled(study, now)
    result = StudySummary(participants=len(people))
    origin = study.start or min((one.enrolled for one in people), default=None)
    if origin is not None:
        result.enrolled_by_week = _enrollment(people, origin)
    weeks_observed: dict[str, int] = {}
    active: set[tuple[str, int]] = set()
    taper: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    scores: dict[str, dict[tuple[str, int], list[float]]] = {
        "phq9": defaultdict(list),
        "withdrawal": defaultdict(list),
    }
    sizes: list[float] = []
    for batch in reading.batches(people):
        rows = reading.batch_rows(batch, now)
        for one in batch:
            # whole weeks only: a week just begun would count as one without records
            weeks_observed[one.code] = ((one.last - one.enrolled).days + 1) // 7
        # The page counts weeks since enrollment: a baseline window's days (negative) are the
        # export's, not its charts' (they would fall left of week 0).
        for table in RECORD_TABLES:
            columns = rows[table]
            days = columns["night" if table == "sleep" else "day"]
            active.update(zip(columns["participant"], (d // 7 for d in days), strict=True))
        daily = rows["daily"]
        for day, grams, allowance in zip(
            daily["day"], daily["grams"], daily["allowance"], strict=True
        ):
            if allowance is not None and day >= 0:
                taper[day // 7][0] += 1
                taper[day // 7][1] += grams <= allowance + 1e-9
        checkins = rows["checkins"]
        for code, day, instrument, total in zip(
            checkins["participant"],
            checkins["day"],
            checkins["instrument"],
            checkins["total"],
            strict=True,
        ):
            if instrument in scores and day >= 0:
                scores[instrument][(code, day // 7)].append(total)
        doses = rows["doses"]
        sizes.extend(g for g, day in zip(doses["grams"], doses["day"], strict=True) if day >= 0)
    longest = max(weeks_observed.values(), default=0)
    for week in range(longest):
        at_risk = [code for code, weeks in weeks_observed.items() if weeks > week]
        seen = sum((code, week) in active for code in at_risk)
        result.retention.append((week, len(at_risk), share(seen, len(at_risk)) or 0.0))
    result.adherence = [(w, n, kept / n) for w, (n, kept) in sorted(taper.items()) if n]
    for key in ("phq9", "withdrawal"):
        weekly = _by_participant_week(scores[key])
        intervals = [(w, mean_interval(v)) for w, v in sorted(weekly.items())]
        setattr(result, key, [(w, m) for w, m in intervals if m is not None])
    result.dose_sizes = histogram(sizes, 1.0, 10.0) if sizes else []
    return result


def _enrollment(people: list[reading.Enrolled], origin: date) -> list[tuple[int, int]]:
    weeks = sorted(max(0, (one.enrolled - origin).days // 7) for one in people)
    cumulative, result = 0, []
    for week in range((weeks[-1] if weeks else 0) + 1):
        cumulative += weeks.count(week)
        result.append((week, cumulative))
    return result


def as_json(summary: StudySummary) -> dict[str, Any]:
    return asdict(summary)


def from_json(data: dict[str, Any]) -> StudySummary:
    found = StudySummary(**data)
    found.phq9 = [(week, MeanInterval(**m)) for week, m in data["phq9"]]
    found.withdrawal = [(week, MeanInterval(**m)) for week, m in data["withdrawal"]]
    return found


def store(study: Study, now: datetime) -> StudySummary:
    """Draw the numbers now and keep them on the study."""
    summary = summarise(study, now)
    Study.objects.filter(id=study.id).update(summary=as_json(summary), summary_at=now)
    return summary
