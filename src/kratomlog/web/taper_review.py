"""The taper review as the Plan page, the clinician's patient page and the report show it: the
table of plans.review, a chart of allowance against grams, and withdrawal and craving beside it."""

from datetime import datetime
from typing import Any

from kratomlog.core.instruments import CRAVING, WITHDRAWAL, Instrument
from kratomlog.core.sources import DOSE_ADJUSTMENT
from kratomlog.core.taper_review import StepReview
from kratomlog.journal.models import Person
from kratomlog.plans.review import taper_review
from kratomlog.web import charts


def _means_chart(chosen: Instrument, steps: list[StepReview], attribute: str) -> charts.Chart:
    points = [
        (f"step {step.number}", getattr(step, attribute))
        for step in steps
        if getattr(step, attribute) is not None
    ]
    summary = (
        f"The mean of the {chosen.name.lower()} scores in each step, for "
        f"{len(points)} step{'s' if len(points) != 1 else ''}."
        if points
        else f"No {chosen.name.lower()} score in the taper yet."
    )
    return charts.checkin_totals(
        chosen, points, summary, title=f"{chosen.name} by step, mean ({chosen.scale})",
        header="Step",
    )  # fmt: skip


def review_shown(person: Person, now: datetime) -> dict[str, Any] | None:
    """None when there is no taper to review."""
    plan, steps = taper_review(person, now)
    if plan is None or not steps:
        return None
    return {
        "plan": plan,
        "steps": steps,
        "chart": charts.taper_review(steps),
        "withdrawal_chart": _means_chart(WITHDRAWAL, steps, "withdrawal_mean"),
        "craving_chart": _means_chart(CRAVING, steps, "craving_mean"),
        "source": DOSE_ADJUSTMENT,
        "current": next((step for step in steps if step.current), None),
    }
