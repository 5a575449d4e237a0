"""Recording what was taken: log, edit, delete and undo, each in one transaction with its history.

A dose that happened is never refused: it is recorded and the caller is told what it breaks.
Only input that cannot be true (a future time, a zero amount, an unknown unit) is rejected.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction

from kratomlog.core.amounts import (
    Amount,
    kratom_grams,
    magnesium_elemental_mg,
    number_from,
    parse_amount,
)
from kratomlog.core.bounds import MAX_GRAMS, check_amount
from kratomlog.core.breaches import Breach
from kratomlog.core.days import local_day, zone
from kratomlog.core.errors import InputError
from kratomlog.core.interactions import CATEGORIES, Notice
from kratomlog.core.substances import category_of
from kratomlog.core.text import NUL_PROBLEM
from kratomlog.core.when import parse_when
from kratomlog.journal.models import (
    FORMS,
    KRATOM,
    MAGNESIUM,
    OTHER,
    Change,
    Entry,
    Person,
    Product,
    SubstanceCategory,
)

# The journal's person and settings live in journal.person; these names are still read from here.
from kratomlog.journal.person import DOSE_UNITS as DOSE_UNITS
from kratomlog.journal.person import local_person as local_person
from kratomlog.journal.person import save_settings as save_settings
from kratomlog.journal.person import set_dose_unit as set_dose_unit
from kratomlog.journal.person import set_journal_started as set_journal_started
from kratomlog.journal.person import set_timezone as set_timezone
from kratomlog.journal.person import system_timezone as system_timezone
from kratomlog.journal.snapshots import snapshot

HIGH_DOSE_GRAMS = 15.0  # above this, a warning: check it is the dose meant
TYPO_GUARD_GRAMS = 50.0  # above this, almost surely a typo: recorded only with confirm_high

NAME_MOST, UNIT_MOST, VEIN_MOST = 200, 40, 100  # what the journal's columns hold
_FREE_AMOUNT = re.compile(r"^([0-9]+(?:[.,][0-9]+)?)\s*(.*)$")


@dataclass
class Logged:
    """An entry just written, and what it means (filled in by kratomlog.standing)."""

    entry: Entry
    warnings: list[str] = field(default_factory=list)
    breaches: list[Breach] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    plan: str | None = None  # the plan in force on the entry's day
    plan_source: str | None = None  # where its numbers come from, and how strong that is


def check_text(text: str, field: str, most: int) -> str:
    """Free text that must fit the journal's column (PostgreSQL refuses longer)."""
    if len(text) > most:
        raise InputError(field, f"too long ({len(text)} characters); at most {most}")
    return text


def check_form(form: str | None) -> str | None:
    if form is not None and form not in FORMS:
        raise InputError("--form", f"{form!r} is not a form; use one of {', '.join(FORMS)}")
    return form


def check_category(category: str | None) -> str:
    category = (category or "other").lower()
    if category not in CATEGORIES:
        raise InputError(
            "--category", f"{category!r} is not a category; use one of {', '.join(CATEGORIES)}"
        )
    return category


class UnconfirmedHighDose(InputError):
    """Over the typo guard without confirmation: the page asks in words, the CLI names the flag."""

    def __init__(self, grams: float) -> None:
        super().__init__(
            "AMOUNT",
            f"{grams:g} g is over {TYPO_GUARD_GRAMS:g} g, almost surely a typo; if it is what "
            f"was taken, repeat with --confirm-high",
        )
        self.grams = grams


def high_dose_warnings(grams: float, confirm_high: bool) -> list[str]:
    if grams > TYPO_GUARD_GRAMS and not confirm_high:
        raise UnconfirmedHighDose(grams)
    if grams > HIGH_DOSE_GRAMS:
        return [
            f"{grams:g} g is a very large dose (over {HIGH_DOSE_GRAMS:g} g, kratomlog's own "
            f"check, not a safety threshold): check it is the amount you meant; recorded as given"
        ]
    return []


def find_product(person: Person, name: str | None) -> Product | None:
    if not name:
        return None
    product = person.products.filter(name__iexact=name).first()
    if product is None:
        raise InputError(
            "--product",
            f"no product named {name!r}; add it with: kratomlog product set {name!r} "
            f"[--form ...] [--grams-per-capsule G]",
        )
    return product


def dose_grams(amount: Amount, product: Product | None) -> float:
    return kratom_grams(
        amount,
        product.grams_per_capsule if product else None,
        product.grams_per_teaspoon if product else None,
        product.name if product else None,
    )


def free_amount(amount: str | None, field_name: str = "AMOUNT") -> tuple[float | None, str]:
    """Other substances come in any unit ("2 drinks", "50 mcg"): a number, then any word."""
    if amount is None or not amount.strip():
        return None, ""
    match = _FREE_AMOUNT.match(amount.strip())
    if not match:
        raise InputError(
            field_name, f"{amount!r} is not an amount; write a number and a unit, e.g. '2 drinks'"
        )
    value = number_from(match.group(1), field_name, amount)
    if value <= 0:
        raise InputError(field_name, f"{amount!r} is not above zero; an amount must be positive")
    check_amount(value, field_name)
    unit = match.group(2).strip()
    if len(unit) > UNIT_MOST:
        raise InputError(field_name, f"the unit is too long; at most {UNIT_MOST} characters")
    return value, unit


def _placed(person: Person, at: str | None, now: datetime) -> tuple[datetime, str, date]:
    tz = zone(person.timezone)
    moment = parse_when(at, now, tz)
    return moment, person.timezone, local_day(moment, tz)


def check_no_nul(entry: Entry) -> None:
    """A NUL character cannot be stored on PostgreSQL (and is never meant): said, not crashed."""
    named = (("--note", entry.note), ("--purpose", entry.purpose), ("NAME", entry.name))
    for option, text in named:
        if "\x00" in (text or ""):
            raise InputError(option, NUL_PROBLEM)


def _record(entry: Entry, summary: str, now: datetime) -> Logged:
    check_no_nul(entry)
    # The entry and its change, both or neither. Inside a caller's transaction (the clinic's
    # API, with its audit row) no savepoint of its own: a failure fails the whole write, and a
    # write costs two round trips fewer.
    with transaction.atomic(savepoint=False):
        entry.save()
        Change.objects.create(
            person=entry.person,
            at=now,
            action="log",
            summary=summary,
            entry=entry,
            after=snapshot(entry),
        )
    return Logged(entry)


def log_kratom(
    *,
    person: Person,
    amount: str,
    now: datetime,
    at: str | None = None,
    product: str | None = None,
    form: str | None = None,
    purpose: str = "",
    note: str = "",
    confirm_high: bool = False,
) -> Logged:
    parsed = parse_amount(amount, default_unit=person.dose_unit)
    check_text(purpose, "--purpose", NAME_MOST)
    found = find_product(person, product)
    grams = dose_grams(parsed, found)
    warnings = high_dose_warnings(grams, confirm_high)
    moment, tz_name, day = _placed(person, at, now)
    entry = Entry(
        person=person,
        substance=KRATOM,
        name="kratom",
        amount=parsed.value,
        unit=parsed.unit,
        grams=grams,
        product=found,
        form=check_form(form) or (found.form if found else "powder"),
        purpose=purpose,
        note=note,
        taken_at=moment,
        timezone=tz_name,
        local_day=day,
    )
    logged = _record(entry, f"logged {grams:g} g kratom", now)
    logged.warnings = warnings
    return logged


def log_magnesium(
    *,
    person: Person,
    amount: str,
    form: str,
    now: datetime,
    at: str | None = None,
    note: str = "",
) -> Logged:
    parsed = parse_amount(amount, default_unit="mg")
    elemental = magnesium_elemental_mg(parsed, form)
    moment, tz_name, day = _placed(person, at, now)
    entry = Entry(
        person=person,
        substance=MAGNESIUM,
        name="magnesium",
        amount=parsed.value,
        unit=parsed.unit,
        elemental_mg=elemental,
        compound=form.lower(),
        note=note,
        taken_at=moment,
        timezone=tz_name,
        local_day=day,
    )
    return _record(entry, f"logged {elemental:.0f} mg elemental magnesium", now)


def log_other(
    *,
    person: Person,
    name: str,
    now: datetime,
    amount: str | None = None,
    category: str | None = None,
    at: str | None = None,
    note: str = "",
) -> Logged:
    """Another supplement, substance or medicine; its category is remembered by name."""
    name = name.strip()
    if not name or len(name) > NAME_MOST:
        raise InputError(
            "NAME",
            f"give the substance's name (at most {NAME_MOST} characters), e.g. alcohol",
        )
    if category is None:
        category = known_category(person, name)
    else:
        remember_category(person, name, category)
    value, unit = free_amount(amount)
    moment, tz_name, day = _placed(person, at, now)
    entry = Entry(
        person=person,
        substance=OTHER,
        name=name,
        category=check_category(category),
        amount=value,
        unit=unit,
        note=note,
        taken_at=moment,
        timezone=tz_name,
        local_day=day,
    )
    return _record(entry, f"logged {name}", now)


def remembered_categories(person: Person) -> dict[str, str]:
    """The categories the person gave, by lower-case name."""
    return dict(person.categories.values_list("name", "category"))


def known_category(person: Person, name: str) -> str | None:
    """What `name` is: as the person said, else as their last entry of it, else kratomlog's
    table of substances (Xanax is a benzodiazepine); None when nothing knows it."""
    said = person.categories.filter(name=" ".join(name.lower().split())).first()
    if said is not None:
        return said.category
    earlier = person.entries.filter(substance=OTHER, name__iexact=name).order_by("-id").first()
    return earlier.category if earlier else category_of(name)


@transaction.atomic
def remember_category(person: Person, name: str, category: str) -> str:
    """Remember what `name` is, for later entries and imports (never written by an import)."""
    checked = check_category(category)
    key = " ".join(name.lower().split())
    if not key or len(key) > NAME_MOST:
        raise InputError("NAME", f"give the substance's name (at most {NAME_MOST} characters)")
    SubstanceCategory.objects.update_or_create(
        person=person, name=key, defaults={"category": checked}
    )
    return checked


def get_entry(person: Person, entry_id: int) -> Entry:
    entry = person.entries.filter(id=entry_id, deleted=False).first()
    if entry is None:
        raise InputError("ID", f"there is no entry #{entry_id}; list them with: kratomlog entries")
    return entry


@transaction.atomic
def edit_entry(
    *,
    person: Person,
    entry_id: int,
    now: datetime,
    amount: str | None = None,
    at: str | None = None,
    product: str | None = None,
    form: str | None = None,
    purpose: str | None = None,
    note: str | None = None,
    category: str | None = None,
    confirm_high: bool = False,
) -> Logged:
    """Change an entry; the version before is kept in its revision history."""
    entry = get_entry(person, entry_id)
    before = snapshot(entry)
    warnings: list[str] = []
    if at is not None:
        entry.taken_at, entry.timezone, entry.local_day = _placed(person, at, now)
    if product is not None:
        entry.product = find_product(person, product)
    if purpose is not None:
        entry.purpose = check_text(purpose, "--purpose", NAME_MOST)
    if note is not None:
        entry.note = note
    if entry.substance == KRATOM:
        entry.form = check_form(form) or entry.form
        if amount is not None or product is not None:
            parsed = (
                parse_amount(amount, default_unit=person.dose_unit)
                if amount
                else Amount(entry.amount or 0, entry.unit)
            )
            entry.amount, entry.unit = parsed.value, parsed.unit
            entry.grams = dose_grams(parsed, entry.product)
            warnings = high_dose_warnings(entry.grams, confirm_high)
    elif entry.substance == MAGNESIUM:
        if amount is not None or form is not None:
            parsed = (
                parse_amount(amount, default_unit="mg")
                if amount
                else Amount(entry.amount or 0, entry.unit)
            )
            entry.compound = (form or entry.compound).lower()
            entry.elemental_mg = magnesium_elemental_mg(parsed, entry.compound)
            entry.amount, entry.unit = parsed.value, parsed.unit
    else:
        if amount is not None:
            entry.amount, entry.unit = free_amount(amount)
        if category is not None:
            entry.category = check_category(category)
    after = snapshot(entry)
    if after == before:
        raise InputError(
            "edit",
            "nothing to change; give at least one of --amount, --at, "
            "--product, --form, --purpose, --note, --category",
        )
    check_no_nul(entry)
    entry.save()
    Change.objects.create(
        person=person,
        at=now,
        action="edit",
        entry=entry,
        before=before,
        after=after,
        summary=f"edited entry #{entry.id}",
    )
    return Logged(entry, warnings)


@transaction.atomic
def delete_entry(*, person: Person, entry_id: int, now: datetime) -> Entry:
    """Delete an entry from the journal; it stays in its revision history and undo restores it."""
    entry = get_entry(person, entry_id)
    before = snapshot(entry)
    entry.deleted = True
    entry.save(update_fields=["deleted"])
    Change.objects.create(
        person=person,
        at=now,
        action="delete",
        entry=entry,
        before=before,
        after=snapshot(entry),
        summary=f"deleted entry #{entry.id}",
    )
    return entry


def undo(*, person: Person, now: datetime) -> str:
    from kratomlog.journal.undo import undo_latest

    return undo_latest(person=person, now=now)


def revisions(person: Person, entry_id: int) -> list[Change]:
    """Every change to one entry, oldest first (deleted entries included)."""
    if not person.entries.filter(id=entry_id).exists():
        raise InputError("ID", f"there is no entry #{entry_id}")
    return list(person.changes.filter(entry_id=entry_id).order_by("at", "id"))


def set_product(
    *,
    person: Person,
    name: str,
    form: str | None = None,
    vein: str | None = None,
    vendor: str | None = None,
    batch: str | None = None,
    grams_per_capsule: float | None = None,
    grams_per_teaspoon: float | None = None,
) -> Product:
    """Add a product, or change the details given of an existing one."""
    if not name.strip():
        raise InputError("NAME", "give the product's name")
    check_text(name.strip(), "NAME", NAME_MOST)
    for option, text, most in (
        ("--vein", vein, VEIN_MOST),
        ("--vendor", vendor, NAME_MOST),
        ("--batch", batch, NAME_MOST),
    ):
        check_text(text or "", option, most)
    for option, value in (
        ("--grams-per-capsule", grams_per_capsule),
        ("--grams-per-teaspoon", grams_per_teaspoon),
    ):
        if value is not None:
            check_amount(value, option, MAX_GRAMS)
    product = person.products.filter(name__iexact=name.strip()).first() or Product(
        person=person, name=name.strip()
    )
    for attribute, value in (
        ("form", check_form(form)),
        ("vein", vein),
        ("vendor", vendor),
        ("batch", batch),
        ("grams_per_capsule", grams_per_capsule),
        ("grams_per_teaspoon", grams_per_teaspoon),
    ):
        if value is not None:
            setattr(product, attribute, value)
    with transaction.atomic():
        product.save()
    return product
