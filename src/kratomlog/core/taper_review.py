"""A taper step by step: for each step, what the allowance was and what the record shows of the
five things a dose adjustment looks at (withdrawal, use, the effects of use, craving and side
effects: the NIDA Clinical Trials Network consensus, FACTS.md section 6).

A functional core: the shells hand in the journal's doses, check-ins, nights and notes.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import fmean
from typing import Any

from kratomlog.core.journal import UseIndex
from kratomlog.core.plan import Plan, PlanHistory
from kratomlog.core.sleep import Night
from kratomlog.core.taper import schedule


@dataclass(frozen=True)
class Checkin:
    day: date
    instrument: str  # withdrawal, craving, phq9...
    total: int


@dataclass(frozen=True)
class Note:
    day: date
    text: str  # a dose's or a check-in's note: where side effects are written down


@dataclass(frozen=True)
class StepReview:
    number: int
    first_day: date
    last_day: date | None  # None: the last step, which lasts
    allowance_grams: float
    state: str  # "done", "current" or "to come"
    days: int = 0  # days of the step up to today
    days_within: int = 0  # of those, days whose grams kept within the allowance
    grams_per_day: float | None = None  # mean over the step's days, use or not
    grams_max: float | None = None
    doses_per_day: float | None = None
    doses_max: int | None = None
    withdrawal_mean: float | None = None
    craving_mean: float | None = None
    sleep_tst_minutes: float | None = None  # mean total sleep time of the step's nights
    sleep_efficiency: float | None = None
    phq9_latest: int | None = None
    notes: tuple[str, ...] = ()

    @property
    def current(self) -> bool:
        return self.state == "current"

    def as_dict(self) -> dict[str, Any]:
        return {
            "step": self.number,
            "from": self.first_day.isoformat(),
            "to": self.last_day.isoformat() if self.last_day else None,
            "allowance_grams": self.allowance_grams,
            "state": self.state,
            "current": self.current,
            "days": self.days,
            "days_within": self.days_within,
            "grams_per_day": self.grams_per_day,
            "grams_max": self.grams_max,
            "doses_per_day": self.doses_per_day,
            "doses_max": self.doses_max,
            "withdrawal_mean": self.withdrawal_mean,
            "craving_mean": self.craving_mean,
            "sleep_tst_minutes": self.sleep_tst_minutes,
            "sleep_efficiency": self.sleep_efficiency,
            "phq9_latest": self.phq9_latest,
            "notes": list(self.notes),
        }


def _mean(values: Sequence[float]) -> float | None:
    return round(fmean(values), 1) if values else None


def review(
    plan: Plan,
    journal: UseIndex,
    checkins: Sequence[Checkin],
    nights: Sequence[Night],
    notes: Sequence[Note],
    today: date,
) -> list[StepReview]:
    """One row per step of the plan's taper; [] for a plan without one. A day counts as kept
    when its grams are at most the allowance (a small tolerance for rounding: 0.05 g)."""
    if plan.taper is None:
        return []
    rows = []
    for step in schedule(plan.taper, plan.start):
        last = step.last_day or max(today, step.first_day)
        if step.first_day > today:
            rows.append(
                StepReview(
                    step.number, step.first_day, step.last_day, step.grams_per_day, "to come"
                )
            )
            continue
        until = min(last, today)
        days = [
            step.first_day + timedelta(days=n) for n in range((until - step.first_day).days + 1)
        ]
        grams = [journal.grams_on(day) for day in days]
        doses = [len(journal.doses_by_day.get(day, ())) for day in days]
        inside = set(days)
        scores = [c for c in checkins if c.day in inside]
        step_nights = [n for n in nights if n.night in inside]
        phq9 = [c.total for c in sorted(scores, key=lambda c: c.day) if c.instrument == "phq9"]
        rows.append(
            StepReview(
                step.number,
                step.first_day,
                step.last_day,
                step.grams_per_day,
                "current" if step.last_day is None or today <= step.last_day else "done",
                days=len(days),
                days_within=sum(g <= step.grams_per_day + 0.05 for g in grams),
                grams_per_day=_mean(grams),
                grams_max=round(max(grams), 2),
                doses_per_day=_mean(doses),
                doses_max=max(doses),
                withdrawal_mean=_mean([c.total for c in scores if c.instrument == "withdrawal"]),
                craving_mean=_mean([c.total for c in scores if c.instrument == "craving"]),
                sleep_tst_minutes=_mean([n.total_sleep_minutes for n in step_nights]),
                sleep_efficiency=_mean([n.sleep_efficiency for n in step_nights]),
                phq9_latest=phq9[-1] if phq9 else None,
                notes=tuple(n.text for n in sorted(notes, key=lambda n: n.day) if n.day in inside),
            )
        )
    return rows


@dataclass(frozen=True)
class TaperTally:
    taper_days: int  # days a taper was in force, from its start to `today`
    days_within: int  # of those, days whose grams kept within the allowance
    reached_zero: bool  # a day of the 0 g step with no use


def tally(plans: PlanHistory, journal: UseIndex, today: date) -> TaperTally:
    """Every day under a taper, whichever plan version it was: kept or not, and whether the
    0 g step was reached and kept for a day (the clinic's outcomes)."""
    from kratomlog.core.taper import allowance_on

    tapered = [plan for plan in plans.plans if plan.taper is not None and plan.start <= today]
    if not tapered:
        return TaperTally(0, 0, False)
    days = within = 0
    reached = False
    day = tapered[0].start
    while day <= today:
        plan = plans.in_force(day)
        if plan is not None and plan.taper is not None:
            allowed = allowance_on(plan.taper, plan.start, day)
            used = journal.grams_on(day)
            days += 1
            within += used <= allowed + 0.05
            reached = reached or (allowed == 0 and used == 0)
        day += timedelta(days=1)
    return TaperTally(days, within, reached)
