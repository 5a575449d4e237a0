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
from kratomlog.core.taper_change import change_between, current_step


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
class StepChange:
    """A hold or a step back, on the row of the step it was made in (a hold: the held step,
    lengthened; a step back: the step it went back to, from the day it was made)."""

    kind: str  # "hold" or "step back"
    on: date
    days: int = 0  # a hold: how many days longer the step lasts
    from_grams: float = 0.0  # a step back: the allowance it went back from

    @property
    def words(self) -> str:
        if self.kind == "hold":
            return f"held {self.days} day{'s' if self.days != 1 else ''} more on {self.on:%-d %b}"
        return f"stepped back on {self.on:%-d %b} from {self.from_grams:g} g"

    def as_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {"kind": self.kind, "on": self.on.isoformat()}
        if self.kind == "hold":
            found["days"] = self.days
        else:
            found["from_grams"] = self.from_grams
        return found


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
    change: StepChange | None = None  # a hold or step back made in this step

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
            "change": self.change.as_dict() if self.change else None,
        }


def _mean(values: Sequence[float]) -> float | None:
    return round(fmean(values), 1) if values else None


@dataclass(frozen=True)
class _Span:
    """A step as the person went through it: its days (last None: it lasts) and allowance."""

    first_day: date
    last_day: date | None
    grams: float
    change: StepChange | None = None


def _spans(plan: Plan, earlier: Sequence[Plan]) -> list[_Span]:
    """Every step of the taper across its versions, oldest first: each version's steps up to the
    day the next began; a held step and its lengthened rest one step; a step back from its day."""
    versions = [*earlier, plan]
    spans: list[_Span] = []
    for index, version in enumerate(versions):
        assert version.taper is not None
        following = versions[index + 1] if index + 1 < len(versions) else None
        ends = following.start - timedelta(days=1) if following else None
        steps = schedule(version.taper, version.start)
        for position, step in enumerate(steps):
            if ends is not None and step.first_day > ends:
                break
            last = step.last_day
            if ends is not None and (last is None or last > ends):
                last = ends
            span = _Span(step.first_day, last, step.grams_per_day)
            kind = change_between(versions[index - 1], version) if index and not position else None
            if kind is not None:
                before = current_step(versions[index - 1], version.start, "change")
                # The step it was made in, up to the day before (nothing if made on its first).
                cut = spans.pop() if before.first_day < version.start else None
                if kind == "hold":
                    assert before.last_day is not None and step.last_day is not None
                    longer = (step.last_day - before.last_day).days
                    first = cut.first_day if cut else step.first_day
                    span = _Span(first, last, step.grams_per_day,
                                 StepChange("hold", version.start, days=longer))  # fmt: skip
                else:
                    spans.extend([cut] if cut else [])
                    span = _Span(step.first_day, last, step.grams_per_day,
                                 StepChange("step back", version.start,
                                            from_grams=before.grams_per_day))  # fmt: skip
            spans.append(span)
    return spans


def review(
    plan: Plan,
    journal: UseIndex,
    checkins: Sequence[Checkin],
    nights: Sequence[Night],
    notes: Sequence[Note],
    today: date,
    earlier: Sequence[Plan] = (),
) -> list[StepReview]:
    """One row per step of the plan's taper; [] for a plan without one. `earlier`: the versions
    of the same taper before this one, oldest first (each held or stepped back into the next:
    taper_course), whose steps come first as the person went through them. A day counts as kept
    when its grams are at most the allowance (a small tolerance for rounding: 0.05 g)."""
    if plan.taper is None:
        return []
    rows = []
    for number, span in enumerate(_spans(plan, earlier), start=1):
        if span.first_day > today:
            rows.append(StepReview(number, span.first_day, span.last_day, span.grams, "to come",
                                   change=span.change))  # fmt: skip
            continue
        until = min(span.last_day or today, today)
        days = [
            span.first_day + timedelta(days=n) for n in range((until - span.first_day).days + 1)
        ]
        grams = [journal.grams_on(day) for day in days]
        doses = [len(journal.doses_by_day.get(day, ())) for day in days]
        inside = set(days)
        scores = [c for c in checkins if c.day in inside]
        step_nights = [n for n in nights if n.night in inside]
        phq9 = [c.total for c in sorted(scores, key=lambda c: c.day) if c.instrument == "phq9"]
        rows.append(
            StepReview(
                number,
                span.first_day,
                span.last_day,
                span.grams,
                "current" if span.last_day is None or today <= span.last_day else "done",
                days=len(days),
                days_within=sum(g <= span.grams + 0.05 for g in grams),
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
                change=span.change,
            )
        )
    return rows


def taper_course(history: PlanHistory, plan: Plan) -> list[Plan]:
    """The versions of `plan`'s taper before it, oldest first: each earlier version that a hold
    or a step back turned into the next (core.taper_change.change_between), up to `plan`."""
    versions = list(history.plans)
    if plan not in versions:
        return []
    index = versions.index(plan)
    course: list[Plan] = []
    while index > 0 and change_between(versions[index - 1], versions[index]) is not None:
        index -= 1
        course.insert(0, versions[index])
    return course


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
