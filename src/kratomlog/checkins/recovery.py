"""The course after stopping and what the record shows, read from doses and check-ins."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from statistics import fmean
from typing import Any

from kratomlog.checkins.queries import live_checkins, live_nights
from kratomlog.checkins.services import night_of
from kratomlog.core import analysis, course, due
from kratomlog.core.days import local_day, stored_zone, zone
from kratomlog.core.journal import UseIndex
from kratomlog.core.plan import PlanHistory
from kratomlog.core.sleep import Night
from kratomlog.journal import queries
from kratomlog.journal.models import KRATOM, Person

EVENING = time(17)


def due_now(person: Person, now: datetime, plans: PlanHistory) -> list[due.Due]:
    last_taken = {
        key: taken
        for key, taken in (
            (
                key,
                live_checkins(person, now)
                .filter(instrument=key)
                .order_by("-taken_at")
                .values_list("taken_at", flat=True)
                .first(),
            )
            for key in (*due.DAILY, *due.FORTNIGHTLY)
        )
        if taken
    }
    last = live_nights(person).order_by("-night").first()
    tz = zone(person.timezone)
    today = local_day(now, tz)
    plan = plans.in_force(today)
    until = plan.sleep_diary_until() if plan else None
    recovering = until is not None and today <= until
    return due.due(now, tz, last_taken, last.night if last else None, recovering)


@dataclass
class RecordShows:
    stop: course.Stop | None
    withdrawal_by_day: list[tuple[int, date, int]] = field(
        default_factory=list
    )  # day n, day, total
    craving_by_step: list[dict[str, Any]] = field(default_factory=list)
    nights: list[Night] = field(default_factory=list)
    sleep: list[analysis.Difference] = field(default_factory=list)
    evening_nights: set[date] = field(default_factory=set)

    def as_dict(self, today: date) -> dict[str, Any]:
        return {
            "stop": self.stop.as_dict(today) if self.stop else None,
            "withdrawal_by_day": [
                {"day_since_last_dose": n, "day": d.isoformat(), "total": t}
                for n, d, t in self.withdrawal_by_day
            ],
            "craving_by_taper_step": self.craving_by_step,
            "dose_and_sleep": {
                "label": analysis.OBSERVATIONAL,
                "shown_from_nights_each_side": analysis.MIN_NIGHTS,
                "measures": [difference.as_dict() for difference in self.sleep],
            },
        }


def evening_dose_days(person: Person, until: datetime) -> set[date]:
    """Days with a kratom dose at or after 17:00 local time."""
    rows = (
        queries.live_entries(person)
        .filter(substance=KRATOM, taken_at__lte=until)
        .values_list("taken_at", "timezone", "local_day")
    )
    return {day for at, tz, day in rows if at.astimezone(stored_zone(tz)).time() >= EVENING}


def record_shows(
    person: Person, journal: UseIndex, plans: PlanHistory, now: datetime
) -> RecordShows:
    stop = course.current_stop(journal, now)
    shows = RecordShows(stop)
    checks = live_checkins(person, now).order_by("taken_at")
    if stop:
        shows.withdrawal_by_day = [
            (stop.day_number(c.local_day), c.local_day, c.total)
            for c in checks.filter(instrument="withdrawal", taken_at__gt=stop.last_dose.at)
        ]
    steps: dict[tuple[int, float], list[int]] = defaultdict(list)
    for check in checks.filter(instrument="craving"):
        plan = plans.in_force(check.local_day)
        if plan and plan.taper:
            from kratomlog.core.taper import allowance_on, step_index

            number = step_index(plan.taper, plan.start, check.local_day) + 1
            steps[(number, allowance_on(plan.taper, plan.start, check.local_day))].append(
                check.total
            )
    shows.craving_by_step = [
        {
            "step": n,
            "allowance_grams": round(g, 2),
            "check_ins": len(v),
            "mean_craving": round(fmean(v), 1),
        }
        for (n, g), v in sorted(steps.items())
    ]
    shows.nights = [night_of(diary) for diary in live_nights(person).order_by("night")]
    shows.evening_nights = evening_dose_days(person, now)
    with_ = [n for n in shows.nights if n.night in shows.evening_nights]
    without = [n for n in shows.nights if n.night not in shows.evening_nights]
    for measure, read in (
        ("total sleep time (minutes)", lambda n: n.total_sleep_minutes),
        ("sleep onset latency (minutes)", lambda n: float(n.sol_minutes)),
        ("sleep efficiency (%)", lambda n: n.sleep_efficiency),
    ):
        shows.sleep.append(
            analysis.compare(measure, [read(n) for n in with_], [read(n) for n in without])
        )
    return shows
