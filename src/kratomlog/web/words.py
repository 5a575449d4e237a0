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
    "--replace": "the box “Replace the diary of that night”",
    "--bed": "Into bed",
    "--tried": "Tried to sleep",
    "--sol": "Minutes to fall asleep",
    "--wakes": "Awakenings",
    "--waso": "Minutes awake after falling asleep",
    "--final": "Final awakening",
    "--up": "Out of bed",
    "--quality": "Sleep quality",
    "--answers": "Answers",
    "--minutes": "Minutes",
    "--from": "Start at (grams a day)",
    "--step": "Step down by",
    "--every": "Every (days)",
    "--floor": "Below this, 0 g",
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
    "display_name": "Name",
    "record_number": "Record number",
    "email": "Email",
}

# A plan file's parameters, as the rule forms label them.
PARAMETERS = {
    "max": "at most",
    "window_days": "in any ... days",
    "max_grams": "grams",
    "hours": "hours",
    "days": "days",
    "start_grams_per_day": "start at (grams a day)",
    "step": "step down by",
    "every_days": "every (days)",
    "floor_grams": "below this, 0 g",
}
_RULE_FIELD = re.compile(r"^rule (\d+)\.(\w+)$")
_PARAMETER = re.compile(r"\b(" + "|".join(k for k in PARAMETERS if "_" in k) + r")\b\s*=?\s*")

# "...; add it with: kratomlog product set 'X' [--form ...]": how to do it at a prompt, which
# a page does with its own buttons.
_COMMAND_HINT = re.compile(r"[;,]?\s*(?:[a-z ]+ with|see|run)?:?\s*kratomlog [^;]*", re.IGNORECASE)
_OPTION = re.compile(r"--[a-z][a-z-]*")


def field_label(field: str) -> str:
    if field in LABELS:
        return LABELS[field]
    rule = _RULE_FIELD.match(field)
    if rule:
        return f"Rule {rule.group(1)}, {PARAMETERS.get(rule.group(2), rule.group(2))}"
    words = field.lstrip("-").replace("_", " ").replace("-", " ")
    return words.capitalize() if words.isupper() else words


def in_words(problem: str) -> str:
    """A service's message with command lines dropped and options named as the page names them."""
    text = _COMMAND_HINT.sub("", problem)
    text = re.sub(r"\s*\(?\[.*?\]\)?", "", text) if "[--" in text else text
    text = _PARAMETER.sub(lambda name: f"“{PARAMETERS[name.group(1)]}” ", text)
    return _OPTION.sub(lambda found: _lower_first(_option_label(found.group())), text)


def _option_label(option: str) -> str:
    return LABELS.get(option, option[2:])


def _lower_first(label: str) -> str:
    return label[:1].lower() + label[1:]
