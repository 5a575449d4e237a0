"""Plans: sets of rules in force from a start day; presets carry their source and evidence."""

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from kratomlog.core import sources
from kratomlog.core.bounds import READABLE_UNTIL, check_day
from kratomlog.core.errors import InputError
from kratomlog.core.rules import (
    MaxGramsPerDose,
    MaxUseDays,
    NoUse,
    Rule,
    Taper,
    parse_step,
    rule_from_table,
)
from kratomlog.core.sources import Source
from kratomlog.core.taper import allowances, schedule
from kratomlog.core.text import NUL_PROBLEM, nul_at

NAME_MOST = 200  # what the journal's column holds
# Every rule is checked against the journal on every dose and every status: no plan a person or
# a clinician writes needs more, and 10,000 of them made each of that patient's requests slow.
RULES_MOST = 50
# The latest start a stored plan may have; a new one is held to ten years ahead by its service.
LATEST_START = READABLE_UNTIL.date()


@dataclass(frozen=True)
class Plan:
    name: str
    start: date
    rules: tuple[Rule, ...]
    source: str | None = None
    evidence: str | None = None
    # When a clinician set it (aware): doses taken before that moment are not judged by it,
    # even on its start day. None: judged on every day it is in force (a person's own plan).
    judged_from: datetime | None = field(default=None, compare=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "start": self.start.isoformat(),
            "source": self.source,
            "evidence": self.evidence,
            "rules": [rule.as_dict() for rule in self.rules],
        }

    @property
    def taper(self) -> Taper | None:
        return next((rule for rule in self.rules if isinstance(rule, Taper)), None)

    def sleep_diary_until(self) -> date | None:
        """The last morning the sleep diary is asked for: the day a taper reaches its last step,
        or the end of a no-use break; None when the plan is neither. `kratomlog due` and the
        calendar export both read this, so they start and stop together."""
        if self.taper:
            return schedule(self.taper, self.start)[-1].first_day
        breaks = [rule.days for rule in self.rules if isinstance(rule, NoUse)]
        return self.start + timedelta(days=breaks[0]) if breaks else None


@dataclass(frozen=True)
class PlanHistory:
    """Every plan version, in the order they take effect; a later version replaces an earlier one
    from its start day, and one set later for the same start day replaces it outright."""

    plans: Sequence[Plan] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        ordered: dict[date, Plan] = {}
        for plan in self.plans:  # given in the order they were set
            ordered[plan.start] = plan
        object.__setattr__(self, "plans", tuple(ordered[day] for day in sorted(ordered)))
        object.__setattr__(self, "_starts", [plan.start.toordinal() for plan in self.plans])

    def in_force(self, day: date) -> Plan | None:
        index = bisect_right(self._starts, day.toordinal()) - 1  # type: ignore[attr-defined]
        return self.plans[index] if index >= 0 else None

    def periods(self, first: date, last: date) -> Iterator[tuple[Plan, date, date]]:
        """Each plan with the days from `first` to `last` (both included) it was in force."""
        for index, plan in enumerate(self.plans):
            ends = (
                self.plans[index + 1].start - timedelta(days=1)
                if index + 1 < len(self.plans)
                else last
            )
            lo, hi = max(plan.start, first), min(ends, last)
            if lo <= hi:
                yield plan, lo, hi


@dataclass(frozen=True)
class Preset:
    name: str
    summary: str
    rules: tuple[Rule, ...]
    source: Source


PRESETS = {
    preset.name: preset
    for preset in (
        Preset(
            "occasional",
            "at most 1 use day in any 7 (limit); at most 2 in any 30 (target)",
            (
                MaxUseDays("max_use_days", "limit", max=1, window_days=7),
                MaxUseDays("max_use_days-target", "target", max=2, window_days=30),
            ),
            sources.SELF_HELP_GUIDELINES,
        ),
        Preset(
            "ceiling-3g-a-dose",
            "a ceiling of 3 g on any single dose (limit); a line not to cross, not a dose to take",
            (MaxGramsPerDose("max_grams_per_dose", "limit", max_grams=3.0),),
            sources.LOW_DOSE_ARTICLES,
        ),
        Preset(
            "break-90",
            "no use for 90 days",
            (NoUse("no_use", "limit", days=90),),
            sources.SELF_HELP_BREAK,
        ),
    )
}


# Earlier names, still taken from scripts; "low-dose-3g" read like a dose suggestion.
EARLIER_NAMES = {"low-dose-3g": "ceiling-3g-a-dose"}


def preset_plan(name: str, start: date) -> Plan:
    preset = PRESETS.get(EARLIER_NAMES.get(name, name))
    if preset is None:
        raise InputError(
            "PRESET", f"{name!r} is neither a preset ({', '.join(PRESETS)}) nor a plan file"
        )
    return Plan(preset.name, start, preset.rules, preset.source.citation, preset.source.evidence)


def taper_plan(
    start_grams: float, step: str, every_days: int, floor_grams: float | None, start: date
) -> Plan:
    table = {
        "kind": "taper",
        "severity": "limit",
        "start_grams_per_day": start_grams,
        "step": parse_step(step, "--step"),
        "every_days": every_days,
    }
    if floor_grams is not None:
        table["floor_grams"] = floor_grams
    try:
        rule = rule_from_table(table, 1, "taper")
    except InputError as error:
        option = {
            "start_grams_per_day": "--from",
            "every_days": "--every",
            "floor_grams": "--floor",
            "step": "--step",
        }.get(error.field.split(".")[-1])
        raise InputError(option or error.field, error.problem) from None
    _check_ends(rule, "--step")
    return Plan(
        f"taper from {start_grams:g} g",
        start,
        (rule,),
        "your own taper",
        "set by you; not established by clinical trials",
    )


def plan_from_toml(text: str, default_start: date) -> Plan:
    """A plan file: `name`, optional `start` (a date), and [[rule]] tables."""
    import tomllib  # here, not at the top: every status reads plans, few read a plan file

    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InputError("plan file", f"not valid TOML ({error})") from None
    return plan_from_document(document, default_start)


def plan_from_document(document: dict[str, Any], default_start: date) -> Plan:
    """A plan file's content once parsed (from TOML, or the same keys as JSON in the API)."""
    nul = nul_at(document)
    if nul is not None:  # named as the other errors of a plan file name a rule: from 1
        where = re.sub(r"^rule\[(\d+)\]", lambda m: f"rule {int(m[1]) + 1}", nul)
        raise InputError(where, NUL_PROBLEM)
    name = document.get("name")
    if not isinstance(name, str) or not name.strip():
        raise InputError("name", 'missing; a plan file starts with name = "..."')
    if len(name.strip()) > NAME_MOST:
        raise InputError("name", f"too long; at most {NAME_MOST} characters")
    start = document.get("start", default_start)
    if isinstance(start, str):
        try:
            start = date.fromisoformat(start)
        except ValueError:
            raise InputError("start", f"{start!r} is not a day; use YYYY-MM-DD") from None
    if not isinstance(start, date) or isinstance(start, datetime):
        raise InputError("start", "use a day such as 2026-12-01")
    check_day(start, "start", LATEST_START)
    tables = document.get("rule")
    if not isinstance(tables, list) or not tables:
        raise InputError("rule", "a plan needs at least one [[rule]] table")
    _check_rule_count(tables, "rule")
    rules = []
    seen: set[str] = set()
    for position, table in enumerate(tables, start=1):
        if not isinstance(table, dict):
            raise InputError(f"rule {position}", "must be a table with a kind and its parameters")
        kind = str(table.get("kind"))
        default_id = kind if kind not in seen else f"{kind}-{position}"
        rule = rule_from_table(table, position, default_id)
        if rule.id in seen:
            raise InputError(f"rule {position}.id", f"{rule.id!r} is used twice; ids are unique")
        seen.add(rule.id)
        _check_ends(rule, f"rule {position}.step")
        rules.append(rule)
    return Plan(
        name.strip(),
        start,
        tuple(rules),
        str(document.get("source", "your own plan")),
        str(document.get("evidence", "set by you")),
    )


def _check_ends(rule: Rule, field: str) -> None:
    """A taper must reach 0 in a bounded number of steps; say so when the plan is set."""
    if isinstance(rule, Taper):
        try:
            allowances(rule)
        except InputError as error:
            raise InputError(field, error.problem) from None


def _check_rule_count(tables: Sequence[Any], field: str) -> None:
    if len(tables) > RULES_MOST:
        raise InputError(
            field,
            f"{len(tables)} rules; a plan has at most {RULES_MOST} (each is checked on every "
            "dose): keep the limits that matter, or split the course into plans one after another",
        )


def plan_from_dict(data: dict[str, Any]) -> Plan:
    """The inverse of Plan.as_dict (stored plans and exports). The rule bound holds here too:
    an import or a sync brings no longer plan, and a version stored before plans were bounded
    no longer reads as a plan (it is left out, as any stored plan that no longer reads is)."""
    _check_rule_count(data["rules"], "rules")
    rules = []
    for position, table in enumerate(data["rules"], start=1):
        table = dict(table)
        rule = rule_from_table(table, position, str(table.get("id")))
        _check_ends(rule, f"rule {position}.step")
        rules.append(rule)
    return Plan(
        data["name"],
        check_day(date.fromisoformat(data["start"]), "start", LATEST_START),
        tuple(rules),
        data.get("source"),
        data.get("evidence"),
    )
