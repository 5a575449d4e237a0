"""The step-down on the schedule forms, in plain words: "then, after 4 of these, every 2 weeks;
then, after 2 of those, every 4 weeks" (weekly for 4 weeks, then fortnightly, then about
monthly: the usual step-down of outpatient programmes). A form shows two later stages; the API
and `schedule set --then` take up to five, and a form keeps those as they are when left alone.

Field names: PREFIXthen1-after, PREFIXthen1-every, PREFIXthen2-after, PREFIXthen2-every.
"""

from collections.abc import Mapping
from typing import Any

from kratomlog.core import schedule
from kratomlog.core.errors import InputError

STAGES_SHOWN = 2
# Every 4 weeks rather than every month: a Monday check-in stays on Mondays all the way down.
CHOICES = (("", "no change"), ("7", "every week"), ("14", "every 2 weeks"),
           ("28", "every 4 weeks"))  # fmt: skip
FIELD = "then"  # what an error names


def _value(stage: schedule.Stage) -> str:
    """A stage as the select's value: 14, week:fri, month:1."""
    if stage.every == "week" and stage.weekday is not None:
        return f"week:{schedule.WEEKDAYS[stage.weekday]}"
    if stage.every == "month" and stage.day_of_month is not None:
        return f"month:{stage.day_of_month}"
    return str(stage.every)


def _label(stage: schedule.Stage) -> str:
    return schedule.describe_stage(stage)


def fields_of(item: schedule.Item | None) -> list[dict[str, Any]]:
    """The two stages a form shows, each {n, after, every, choices}; one the choices lack (set
    through the API) is offered as it is, so that saving the form unchanged keeps it."""
    stages = item.stages if item is not None else ()
    found = []
    for n in range(1, STAGES_SHOWN + 1):
        after, every, choices = "", "", list(CHOICES)
        if n < len(stages):
            after, every = str(stages[n - 1].times or ""), _value(stages[n])
            if every not in dict(CHOICES):
                choices.append((every, _label(stages[n])))
        found.append({"n": n, "after": after, "every": every, "choices": choices})
    return found


def _stage(value: str) -> dict[str, Any]:
    every, _, on = value.partition(":")
    if every == "week":
        return {"every": "week", "weekday": on}
    if every == "month":
        return {"every": "month", "day_of_month": int(on) if on.isdigit() else on}
    return {"every": int(every) if every.isdigit() else every}


def read(form: Mapping[str, Any], prefix: str = "", kept: schedule.Item | None = None) -> list[
    dict[str, Any]
]:  # fmt: skip
    """The step_down list the form asks for ([] for none). Stages past the form's two, from
    the item as it was (`kept`), stay when the two shown are unchanged."""
    steps: list[dict[str, Any]] = []
    for n in range(1, STAGES_SHOWN + 1):
        every = str(form.get(f"{prefix}then{n}-every", "") or "").strip()
        after = str(form.get(f"{prefix}then{n}-after", "") or "").strip()
        if not every:
            break
        if not after.isdigit() or int(after) < 1:
            which = "these" if n == 1 else "those"
            raise InputError(
                FIELD, f"then, after how many of {which}? a whole number such as 4 ({after!r})"
            )
        steps.append({"after": int(after), **_stage(every)})
    if kept is not None and len(kept.step_down) > STAGES_SHOWN:
        shown = kept.as_dict().get("step_down", [])
        if shown[:STAGES_SHOWN] == steps:
            steps = shown
    return steps
