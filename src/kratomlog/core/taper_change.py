"""Hold a taper's step or step back: the two changes offered beside the taper review, never
made on their own (kratomlog's own choice, `sources.HOLD_OR_STEP_BACK`).

Each makes a new plan from today: the taper's other rules as they were, its taper rule begun
again at today's step. Hold: today's step lasts `days` more days, every later step moves by as
many. Step back: the previous step's allowance from today for a whole step, then on down.
"""

from dataclasses import replace
from datetime import date, timedelta

from kratomlog.core.errors import InputError
from kratomlog.core.plan import Plan
from kratomlog.core.rules import Taper, grams
from kratomlog.core.taper import TaperStep, schedule

HOLD_MOST = 365  # kratomlog's own bound: a hold of more than a year is a new plan, not a hold


def current_step(plan: Plan, today: date, field: str) -> TaperStep:
    if plan.taper is None:
        raise InputError(field, "the plan in force has no taper; there is no step to change")
    for step in schedule(plan.taper, plan.start):
        if step.first_day <= today and (step.last_day is None or today <= step.last_day):
            return step
    raise InputError(field, f"the taper begins on {plan.start}; there is no step to change yet")


def _from_today(plan: Plan, today: date, taper: Taper, name: str) -> Plan:
    rules = tuple(taper if rule is plan.taper else rule for rule in plan.rules)
    return Plan(name, today, rules, plan.source, plan.evidence)


def _base_name(plan: Plan) -> str:
    """ "taper from 6 g": a held or stepped-back plan keeps the name it began with."""
    return plan.name.split(" (")[0]


def hold(plan: Plan, today: date, days: int) -> Plan:
    """Today's step `days` days longer; the later steps as they were, each `days` days later."""
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= HOLD_MOST:
        raise InputError(
            "days", f"{days!r}: hold a step for a whole number of days, 1 to {HOLD_MOST}"
        )
    step = current_step(plan, today, "days")
    assert plan.taper is not None
    if step.last_day is None:
        raise InputError("days", "the last step (0 g) lasts as it is; there is no step to hold")
    until = step.last_day + timedelta(days=days)
    taper = replace(
        plan.taper,
        start_grams_per_day=step.grams_per_day,
        first_step_days=(until - today).days + 1,
    )
    name = f"{_base_name(plan)} (step {step.number} at {grams(step.grams_per_day)} held to {until})"
    return _from_today(plan, today, taper, name)


def step_back(plan: Plan, today: date, earlier_grams: float | None = None) -> Plan:
    """From today, the previous step's allowance for a whole step, then the taper's steps down
    from it. `earlier_grams`: the allowance before this plan began, for a plan in its first step
    (a taper that was itself held or stepped back)."""
    step = current_step(plan, today, "step back")
    assert plan.taper is not None
    steps = schedule(plan.taper, plan.start)
    if step.number > 1:
        previous = steps[step.number - 2].grams_per_day
    elif earlier_grams is not None and earlier_grams > step.grams_per_day:
        previous = earlier_grams
    else:
        raise InputError(
            "step back", f"step {step.number} is the taper's first; there is no step before it"
        )
    taper = replace(plan.taper, start_grams_per_day=previous, first_step_days=0)
    name = f"{_base_name(plan)} (back to {grams(previous)} on {today})"
    return _from_today(plan, today, taper, name)


def change_between(earlier: Plan, later: Plan) -> str | None:
    """"hold" or "step back" when `later` is one of these changes of `earlier`'s taper, made on
    `later`'s first day (its name begun the same, its taper the same but for where it starts
    and how long its first step lasts); None for any other plan, a new taper among them."""
    if earlier.taper is None or later.taper is None or later.start <= earlier.start:
        return None
    if _base_name(earlier) != _base_name(later):
        return None
    same_otherwise = replace(
        later.taper,
        start_grams_per_day=earlier.taper.start_grams_per_day,
        first_step_days=earlier.taper.first_step_days,
    )
    if same_otherwise != earlier.taper:
        return None
    try:
        step = current_step(earlier, later.start, "change")
    except InputError:
        return None
    allowance = later.taper.start_grams_per_day
    if allowance == step.grams_per_day and later.taper.first_step_days and step.last_day:
        return "hold"
    if allowance > step.grams_per_day:  # held as well when set the same day as a hold
        return "step back"
    return None
