"""Filters for the clinicians' forms: a value by its name, and a COWS rating in words."""

from typing import Any

from django import template

from kratomlog.core import cows

register = template.Library()


@register.filter
def get(mapping: dict[str, Any] | None, key: str) -> Any:
    return (mapping or {}).get(key, "")


@register.filter
def cows_band(total: int | None) -> str:
    return (cows.band_of(total) or "") if total is not None else ""


@register.filter
def cows_items(answers: list[int] | None) -> list[str]:
    """Each item's score and what it means, as the clinician rated it."""
    lines = []
    for item, score in zip(cows.ITEMS, answers or [], strict=False):
        words = dict(item.options).get(score, "")
        lines.append(f"{item.label.split(' (')[0]}: {score} ({words})")
    return lines


@register.filter
def cows_sum(rated: dict[str, str] | None) -> str:
    """The running total of the items rated so far, and its band once all are rated."""
    scores = [int(value) for value in (rated or {}).values() if str(value).isdigit()]
    total = sum(scores)
    if len(scores) < len(cows.ITEMS):
        return f"{total} so far ({len(scores)} of {len(cows.ITEMS)} items rated)"
    return f"{total} of {cows.HIGHEST}: {cows.band_of(total) or 'below mild (under 5)'}"
