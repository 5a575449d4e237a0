"""The command line's names for fields, in the words a page uses.

Services name a bad field as the command line does (`--up`, `AMOUNT`), because that is where
most of them are typed; a page must never show that syntax, so it says the same in words.
"""

import re

LABELS = {
    "AMOUNT": "Amount",
    "--amount": "Amount",
    "--at": "When",
    "--product": "Product",
    "--form": "Form",
    "--purpose": "Purpose",
    "--note": "Note",
    "--category": "Category",
    "--vein": "Colour or vein",
    "--vendor": "Vendor",
    "--batch": "Batch",
    "--grams-per-capsule": "Grams per capsule",
    "--grams-per-teaspoon": "Grams per teaspoon",
    "--night": "Night",
    "--bed": "Into bed",
    "--try": "Tried to sleep",
    "--sol": "Minutes to fall asleep",
    "--awakenings": "Awakenings",
    "--waso": "Minutes awake after falling asleep",
    "--wake": "Final awakening",
    "--up": "Out of bed",
    "--quality": "Sleep quality",
    "--answers": "Answers",
    "--minutes": "Minutes",
    "--from": "Starting grams a day",
    "--step": "Step",
    "--every": "Every how many days",
    "--floor": "Stop below",
    "--start": "Start",
    "--days": "Days",
    "PRESET": "Preset",
    "PRESET|FILE": "Plan",
    "ID": "Entry",
    "NAME": "Name",
    "VALUE": "Value",
    "FORMAT": "Format",
    "INSTRUMENT": "Check-in",
    "crisis_resources": "Crisis resources",
    "consent_version": "Consent",
}

# "...; add it with: kratomlog product set 'X' [--form ...]": how to do it at a prompt, which
# a page does with its own buttons.
_COMMAND_HINT = re.compile(r"[;,]?\s*(?:[a-z ]+ with|see|run)?:?\s*kratomlog [^;]*", re.IGNORECASE)
_OPTION = re.compile(r"--[a-z][a-z-]*")


def field_label(field: str) -> str:
    if field in LABELS:
        return LABELS[field]
    words = field.lstrip("-").replace("_", " ").replace("-", " ")
    return words.capitalize() if words.isupper() or words.islower() else words


def in_words(problem: str) -> str:
    """A service's message with command lines dropped and options named as the page names them."""
    text = _COMMAND_HINT.sub("", problem)
    text = re.sub(r"\s*\(?\[.*?\]\)?", "", text) if "[--" in text else text
    return _OPTION.sub(lambda option: LABELS.get(option.group(), option.group()[2:]).lower(), text)
