"""An entry as recorded, and each change to it as old to new, in words.

Works on an entry's snapshot (the plain dict its revisions keep), so History, the edit form
and the revision list all say the same thing: "2 capsules (1.5 g)", "2 g to 2.5 g".
"""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

# What a person changes, in the order a change is told.
TOLD = ("amount", "taken_at", "product", "form", "purpose", "category", "note")


def number(value: float | None) -> str:
    """As typed: no trailing zeros ("2.5", "3", "0.25")."""
    return "" if value is None else f"{value:g}"


def amount_text(data: dict[str, Any]) -> str:
    """What was taken, as recorded: "2.5 g", "2 capsules (1.5 g)", "400 mg magnesium citrate
    (65 mg elemental)", "2 drinks"."""
    amount, unit = data.get("amount"), (data.get("unit") or "").strip()
    substance = data.get("substance")
    if substance == "kratom":
        grams = data.get("grams")
        if grams is None:
            return "amount unknown"
        if amount is None or unit in ("", "g"):
            return f"{number(grams)} g"
        return f"{number(amount)} {unit} ({number(grams)} g)"
    if substance == "magnesium":
        elemental = number(data.get("elemental_mg"))
        compound = data.get("compound") or "elemental"
        if compound == "elemental" or amount is None:
            return f"{elemental} mg elemental magnesium"
        return f"{number(amount)} {unit or 'mg'} magnesium {compound} ({elemental} mg elemental)"
    if amount is None:
        return "amount not given"
    return f"{number(amount)} {unit}".strip()


def _told(field: str, data: dict[str, Any], tz: ZoneInfo) -> str:
    if field == "amount":
        return amount_text(data)
    if field == "taken_at":
        return datetime.fromisoformat(data["taken_at"]).astimezone(tz).strftime("%a %-d %b %H:%M")
    value = data.get(field)
    return f"“{value}”" if field in ("note", "purpose") and value else (value or "none")


def changed(before: dict[str, Any], after: dict[str, Any], tz: ZoneInfo) -> list[str]:
    """Each field that changed, old to new: "amount 2 g to 2.5 g", "note none to “typo”"."""
    told = []
    for field in TOLD:
        old, new = _told(field, before, tz), _told(field, after, tz)
        if old != new:
            name = {"taken_at": "time"}.get(field, field)
            told.append(f"{name} {old} to {new}")
    return told


def described(
    action: str, before: dict[str, Any] | None, after: dict[str, Any] | None, tz: ZoneInfo
) -> str:
    """One revision in words."""
    if action == "log" and after:
        return f"logged {amount_text(after)}"
    if action == "edit" and before and after:
        return "changed " + ("; ".join(changed(before, after, tz)) or "nothing")
    if action == "delete":
        return "deleted"
    if action == "import" and after:
        return f"imported {amount_text(after)}"
    return action
