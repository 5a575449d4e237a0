"""The kinds of rule a plan holds: one dataclass each, with their parameters checked.

A rule's `severity` is "limit" (a line the person chose not to cross) or "target" (where they
would like to be); only limits count towards loss of control and the next allowed use.
"""

import math
import re
from dataclasses import dataclass, fields
from typing import Any, ClassVar

from kratomlog.core.bounds import MAX_GRAMS, MAX_SPAN_DAYS
from kratomlog.core.errors import InputError

SEVERITIES = ("limit", "target")
ID_MOST = 100


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    kind: ClassVar[str]

    def params(self) -> dict[str, Any]:
        return {
            f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("id", "severity")
        }

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "severity": self.severity, **self.params()}

    def describe(self) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class MaxUseDays(Rule):
    max: int
    window_days: int
    kind: ClassVar[str] = "max_use_days"

    def describe(self) -> str:
        return f"at most {self.max} use day{_s(self.max)} in any {self.window_days} days"


@dataclass(frozen=True)
class MaxGramsPerDose(Rule):
    max_grams: float
    kind: ClassVar[str] = "max_grams_per_dose"

    def describe(self) -> str:
        return f"at most {grams(self.max_grams)} a dose"


@dataclass(frozen=True)
class MaxGramsPerDay(Rule):
    max_grams: float
    kind: ClassVar[str] = "max_grams_per_day"

    def describe(self) -> str:
        return f"at most {grams(self.max_grams)} a day"


@dataclass(frozen=True)
class MinHoursBetweenDoses(Rule):
    hours: float
    kind: ClassVar[str] = "min_hours_between_doses"

    def describe(self) -> str:
        return f"at least {self.hours:g} hours between doses"


@dataclass(frozen=True)
class MaxConsecutiveUseDays(Rule):
    max: int
    kind: ClassVar[str] = "max_consecutive_use_days"

    def describe(self) -> str:
        return f"at most {self.max} use day{_s(self.max)} in a row"


@dataclass(frozen=True)
class NoUse(Rule):
    days: int
    kind: ClassVar[str] = "no_use"

    def describe(self) -> str:
        return f"no use for {self.days} days from the plan's start"


@dataclass(frozen=True)
class Taper(Rule):
    start_grams_per_day: float
    step: str  # "10%" (of the current allowance) or grams, as a string such as "0.5"
    every_days: int
    floor_grams: float
    # A held step: the first step lasts this many days, the others `every_days` (0: the same).
    first_step_days: int = 0
    kind: ClassVar[str] = "taper"

    @property
    def first_days(self) -> int:
        return self.first_step_days or self.every_days

    @property
    def step_fraction(self) -> float | None:
        return float(self.step[:-1]) / 100 if self.step.endswith("%") else None

    @property
    def step_grams(self) -> float | None:
        return None if self.step.endswith("%") else float(self.step)

    def params(self) -> dict[str, Any]:
        shown: Any = self.step if self.step.endswith("%") else float(self.step)
        found = {**super().params(), "step": shown}
        if not self.first_step_days:  # plans without a held step read as they always did
            del found["first_step_days"]
        return found

    def describe(self) -> str:
        step = self.step if self.step.endswith("%") else grams(float(self.step))
        floor = f", to 0 below {grams(self.floor_grams)}" if self.floor_grams else ""
        held = (
            f", the first step {self.first_step_days} days"
            if self.first_step_days and self.first_step_days != self.every_days
            else ""
        )
        return (
            f"taper from {grams(self.start_grams_per_day)} a day, down {step} every "
            f"{self.every_days} days{floor}{held}"
        )


RULE_KINDS: dict[str, type[Rule]] = {
    kind.kind: kind
    for kind in (
        MaxUseDays,
        MaxGramsPerDose,
        MaxGramsPerDay,
        MinHoursBetweenDoses,
        MaxConsecutiveUseDays,
        NoUse,
        Taper,
    )
}

# Each kind in the words a page uses (a page never shows `no_use` or `max_grams_per_day`).
KIND_WORDS = {
    "max_use_days": "use days in a window",
    "max_grams_per_dose": "grams a dose",
    "max_grams_per_day": "grams a day",
    "min_hours_between_doses": "hours between doses",
    "max_consecutive_use_days": "use days in a row",
    "no_use": "a break without use",
    "taper": "the taper's allowance",
}

# The kinds that decide when a next dose would keep within limits (status: next_use_allowed).
TIMING_KINDS = ("max_use_days", "min_hours_between_doses", "max_consecutive_use_days", "no_use")


def grams(value: float) -> str:
    return f"{round(value, 2):g} g"


def _s(count: int) -> str:
    return "" if count == 1 else "s"


_STEP = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(%|g)?\s*$")


def parse_step(value: Any, field: str) -> str:
    """A taper step: "10%" of the current allowance, or grams ("0.5", "0.5g" or 0.5)."""
    match = _STEP.match(str(value))
    if not match or float(match.group(1)) <= 0:
        raise InputError(
            field, f"{value!r} is not a step; write a percentage such as '10%' or grams such as 0.5"
        )
    number = float(match.group(1))
    if number > MAX_GRAMS:
        raise InputError(field, f"{value!r} is out of range; a step of at most {MAX_GRAMS:g} g")
    if match.group(2) == "%":
        if number >= 100:
            raise InputError(field, f"{value!r}: a percentage step must be below 100%")
        return f"{number:g}%"
    return f"{number:g}"


def rule_from_table(table: dict[str, Any], position: int, default_id: str) -> Rule:
    """Build a rule from a plan file's [[rule]] table; `position` (1-based) names it in errors."""
    where = f"rule {position}"
    kind_name = table.get("kind")
    kind = RULE_KINDS.get(str(kind_name))
    if kind is None:
        raise InputError(
            f"{where}.kind", f"{kind_name!r} is not a rule kind; use one of {', '.join(RULE_KINDS)}"
        )
    severity = table.get("severity", "limit")
    if severity not in SEVERITIES:
        raise InputError(f"{where}.severity", f"{severity!r}: use 'limit' or 'target'")
    expected = [f.name for f in fields(kind) if f.name not in ("id", "severity")]
    unknown = set(table) - {"kind", "severity", "id", *expected}
    if unknown:
        raise InputError(
            f"{where}.{sorted(unknown)[0]}",
            f"not a parameter of {kind.kind}; it takes {', '.join(expected)}",
        )
    values: dict[str, Any] = {}
    for name in expected:
        field = f"{where}.{name}"
        if name == "floor_grams" and name not in table:
            values[name] = 0.0
            continue
        if name == "first_step_days" and name not in table:
            values[name] = 0
            continue
        if name not in table:
            raise InputError(field, f"missing; {kind.kind} takes {', '.join(expected)}")
        values[name] = _checked(name, table[name], field)
    if kind is Taper:
        _check_taper_ends(values, where)
    rule_id = str(table.get("id") or default_id)
    if len(rule_id) > ID_MOST:
        raise InputError(f"{where}.id", f"too long; at most {ID_MOST} characters")
    return kind(id=rule_id, severity=severity, **values)


# The most each parameter may be: spans within ten years, grams within what a dose can weigh.
_MOST = {
    "max": MAX_SPAN_DAYS,
    "window_days": MAX_SPAN_DAYS,
    "every_days": MAX_SPAN_DAYS,
    "first_step_days": MAX_SPAN_DAYS,
    "days": MAX_SPAN_DAYS,
    "hours": MAX_SPAN_DAYS * 24,
}
_UNIT = {"window_days": " days", "every_days": " days", "first_step_days": " days",
         "days": " days", "hours": " hours"}  # fmt: skip


def _checked(name: str, value: Any, field: str) -> Any:
    if name == "step":
        return parse_step(value, field)
    whole = name in ("max", "window_days", "every_days", "first_step_days", "days")
    if isinstance(value, bool) or not isinstance(value, int | float):
        kind = "a whole number" if whole else "a number"
        raise InputError(field, f"{value!r} is not {kind}")
    if isinstance(value, float) and not math.isfinite(value):
        raise InputError(field, f"{value!r} is not a number")
    most = _MOST.get(name, MAX_GRAMS)
    if value > most:
        unit = _UNIT.get(name, "" if whole else " g")
        whole_float = isinstance(value, float) and value.is_integer() and value < 1e18
        shown = str(int(value))[:20] if whole_float or isinstance(value, int) else f"{value:g}"
        span = " (ten years)" if name in _UNIT else ""
        raise InputError(field, f"{shown} is out of range; at most {most:g}{unit}{span}")
    if whole and value != int(value):
        raise InputError(field, f"{value!r} is not a whole number")
    allowed_zero = name in ("max", "floor_grams")
    if value < 0 or (value == 0 and not allowed_zero):
        bound = "0 or more" if allowed_zero else "above 0"
        raise InputError(field, f"{value!r} must be {bound}")
    return int(value) if whole else float(value)


def _check_taper_ends(values: dict[str, Any], where: str) -> None:
    if values["step"].endswith("%") and values["floor_grams"] <= 0:
        raise InputError(
            f"{where}.floor_grams",
            "a percentage taper never reaches 0 on its own; "
            "give the grams below which the allowance "
            "becomes 0, e.g. floor_grams = 1",
        )
