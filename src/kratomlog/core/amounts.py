"""Amounts as people write them ("3g", "500 mg", "2 capsules", "1.5 tsp") and what they weigh."""

import re
from dataclasses import dataclass

from kratomlog.core.bounds import MAX_AMOUNT, MAX_GRAMS, check_amount
from kratomlog.core.errors import InputError

ACCEPTED_UNITS = "g, mg, capsules (caps) or teaspoons (tsp)"

_UNITS = {
    "g": "g", "gram": "g", "grams": "g",
    "mg": "mg", "milligram": "mg", "milligrams": "mg",
    "capsule": "capsule", "capsules": "capsule", "cap": "capsule", "caps": "capsule",
    "tsp": "teaspoon", "teaspoon": "teaspoon", "teaspoons": "teaspoon",
}  # fmt: skip

_AMOUNT = re.compile(r"^\s*([0-9]+(?:[.,][0-9]+)?|[.,][0-9]+)\s*([a-zA-Z]*)\s*$")
# "1,000" is a thousand to some and one to others: refused rather than guessed.
_THOUSANDS = re.compile(r"^[0-9]{1,3},[0-9]{3}$")
ACCEPTED_NUMBERS = "digits with a decimal point or comma, e.g. 3, 2.5 or 0,5"

# The forms a kratom product comes in.
FORMS = ("powder", "capsule", "extract", "tea", "shot", "7-OH product", "other")

# Fraction of the compound's mass that is magnesium (FACTS.md section 3). Forms not listed
# have no figure in our sources, so their elemental amount must be given directly.
MAGNESIUM_FRACTION = {
    "oxide": 0.603,
    "citrate": 0.162,
    "glycinate": 0.141,
    "bisglycinate": 0.141,
    "chloride": 0.120,
    "sulfate": 0.099,
}
MAGNESIUM_FORMS = ", ".join(MAGNESIUM_FRACTION) + " or elemental"


@dataclass(frozen=True)
class Amount:
    value: float
    unit: str  # one of g, mg, capsule, teaspoon

    def __str__(self) -> str:
        shown = f"{self.value:g}"
        if self.unit in ("g", "mg"):
            return f"{shown} {self.unit}"
        return f"{shown} {self.unit}{'' if self.value == 1 else 's'}"


def parse_amount(text: str, field: str = "AMOUNT", default_unit: str | None = None) -> Amount:
    """Read "3g", "3 g", "0,5 g", "2 caps"; a bare number takes `default_unit` if given."""
    match = _AMOUNT.match(text)
    if not match:
        raise InputError(
            field,
            f"{text!r} is not an amount; write a number and a unit, "
            f"e.g. 3g, 500mg, 2caps or 1.5tsp ({ACCEPTED_UNITS})",
        )
    value = number_from(match.group(1), field, text)
    word = match.group(2).lower()
    if not word:
        if default_unit is None:
            raise InputError(field, f"{text!r} has no unit; accepted units: {ACCEPTED_UNITS}")
        word = default_unit
    unit = _UNITS.get(word)
    if unit is None:
        raise InputError(field, f"unknown unit {word!r}; accepted units: {ACCEPTED_UNITS}")
    if value <= 0:
        raise InputError(field, f"{text!r} is not above zero; an amount must be positive")
    return Amount(check_amount(value, field), unit)


def number_from(digits: str, field: str, text: str | None = None) -> float:
    """The number of an amount as people write it: "3", "2.5", "0,5"; never "1,000", which some
    read as a thousand and others as one."""
    if _THOUSANDS.match(digits):
        raise InputError(
            field,
            f"{text or digits!r} is ambiguous (a comma between thousands, or a decimal "
            f"comma?); write {digits.replace(',', '')} or {float(digits.replace(',', '.')):g}",
        )
    return float(digits.replace(",", "."))


def parse_number(text: str, field: str, most: float = MAX_AMOUNT) -> float:
    """A bare number in the forms an amount takes (ACCEPTED_NUMBERS), at most `most` (never
    "nan", "inf" or "1e308", which float() would take); zero is allowed (the caller decides
    whether it means anything)."""
    digits = text.strip()
    if not re.fullmatch(r"[0-9]+(?:[.,][0-9]+)?|[.,][0-9]+", digits):
        raise InputError(field, f"{text!r} is not a number; use {ACCEPTED_NUMBERS}")
    value = number_from(digits, field)
    if not value <= most:
        raise InputError(field, f"{text[:20]!r} is out of range; at most {most:.0f}")
    return value


def parse_unit(word: str, field: str = "unit") -> str:
    unit = _UNITS.get(word.strip().lower())
    if unit is None:
        raise InputError(field, f"unknown unit {word!r}; accepted units: {ACCEPTED_UNITS}")
    return unit


def kratom_grams(
    amount: Amount,
    grams_per_capsule: float | None = None,
    grams_per_teaspoon: float | None = None,
    product: str | None = None,
) -> float:
    """The grams of kratom (leaf, extract or product mass) that `amount` stands for, at most
    MAX_GRAMS."""
    grams = _grams_of(amount, grams_per_capsule, grams_per_teaspoon, product)
    if not grams <= MAX_GRAMS:  # NaN included
        raise InputError(
            "AMOUNT",
            f"{amount}{'' if amount.unit == 'g' else f' = {grams:g} g'} is over "
            f"{MAX_GRAMS:g} g, more than any dose can be; "
            f"check the amount and its unit",
        )
    return grams


def _grams_of(
    amount: Amount,
    grams_per_capsule: float | None,
    grams_per_teaspoon: float | None,
    product: str | None,
) -> float:
    if amount.unit == "g":
        return amount.value
    if amount.unit == "mg":
        return amount.value / 1000
    per_unit = grams_per_capsule if amount.unit == "capsule" else grams_per_teaspoon
    if per_unit is None:
        option = "--grams-per-capsule" if amount.unit == "capsule" else "--grams-per-teaspoon"
        if product is None:
            raise InputError(
                "--product",
                f"{amount.unit}s need a product that says how many "
                f"grams one holds; name one with --product",
            )
        raise InputError(
            "--product",
            f"product {product!r} has no grams per {amount.unit}; "
            f"set it with: kratomlog product set {product!r} "
            f"{option} GRAMS",
        )
    return amount.value * per_unit


def magnesium_elemental_mg(amount: Amount, form: str) -> float:
    """Elemental magnesium in a dose of `form` ("elemental" when the label gives it directly)."""
    if amount.unit not in ("g", "mg"):
        raise InputError("AMOUNT", "magnesium is weighed: give mg or g, e.g. 400mg")
    milligrams = amount.value * 1000 if amount.unit == "g" else amount.value
    check_amount(milligrams, "AMOUNT")
    form = form.lower()
    if form == "elemental":
        return milligrams
    fraction = MAGNESIUM_FRACTION.get(form)
    if fraction is None:
        raise InputError(
            "--form",
            f"no elemental fraction is known for {form!r}; use one of "
            f"{MAGNESIUM_FORMS} (and give the label's elemental mg)",
        )
    return milligrams * fraction
