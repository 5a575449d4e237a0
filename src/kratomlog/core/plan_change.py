"""What setting a plan does to today, said before it is saved."""

from kratomlog.core.plan import Plan
from kratomlog.core.rules import grams
from kratomlog.core.status import Status
from kratomlog.core.today_left import TodayLeft, today_left


def what_changes(before: Status, after: Status, plan: Plan) -> list[str]:
    """`before`: the journal judged now; `after`: the same, with `plan` set. Plain sentences."""
    today = before.today
    if plan.start > today:
        return [
            f"Nothing changes today: “{plan.name}” takes effect on {plan.start:%A %-d %B %Y}; "
            "the days before it keep the plan they have."
        ]
    was, will = today_left(before), today_left(after)
    said = []
    if plan.start < today:
        said.append(
            f"It applies from {plan.start:%-d %B %Y}: the days since then are judged against it."
        )
    if (was.grams_allowed, was.limited_by) != (will.grams_allowed, will.limited_by):
        said.append(f"Today's allowance goes from {_allowance(was)} to {_allowance(will)}.")
    if will.break_until and not was.break_until:
        said.append(
            f"A break starts: no kratom until the end of {will.break_until:%A %-d %B %Y}."
        )
    elif was.break_until and not will.break_until:
        said.append("The break in force now ends.")
    said.append(f"Today under it: {will.sentence}")
    had = {signal.kind for signal in before.signals}
    has = {signal.kind for signal in after.signals}
    if "loss_of_control" in had and "loss_of_control" not in has:
        said.append(
            "The loss-of-control signal starts afresh: it counts breaches from this plan's start."
        )
    elif "loss_of_control" in has:
        said.append("The loss-of-control signal stays: the record breaks this plan's limits too.")
    count = len(after.breaches)
    said.append(
        f"{count} breach{'es' if count != 1 else ''} of it so far"
        + (f" (from {plan.start:%-d %B})." if plan.start < today else ".")
    )
    return said


def _allowance(left: TodayLeft) -> str:
    if left.grams_allowed is None:
        return "no gram limit"
    return grams(left.grams_allowed)
