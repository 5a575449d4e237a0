"""Recording: dose, magnesium, substance; entries, edit, delete, undo; products; config."""

from typing import TYPE_CHECKING, Annotated

import typer

from kratomlog.cli import context
from kratomlog.cli.lazy import lazy
from kratomlog.cli.output import console, friendly, print_json, say_breaches, say_notices, table
from kratomlog.cli.output import when as shown_when
from kratomlog.core.amounts import FORMS, MAGNESIUM_FORMS, Amount
from kratomlog.core.days import parse_day
from kratomlog.core.errors import InputError
from kratomlog.core.interactions import CATEGORIES

if TYPE_CHECKING:
    from kratomlog import standing
    from kratomlog.journal import queries, services, snapshots
    from kratomlog.journal.models import Entry
    from kratomlog.journal.services import Logged
else:
    queries = lazy("kratomlog.journal.queries")
    services = lazy("kratomlog.journal.services")
    snapshots = lazy("kratomlog.journal.snapshots")
    standing = lazy("kratomlog.standing")

At = Annotated[
    str | None,
    typer.Option("--at", help="When: ISO 8601, HH:MM today, or 'yesterday HH:MM'. Default: now."),
]
Note = Annotated[str, typer.Option("--note", help="Free text.")]
Json = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


def register(app: typer.Typer) -> None:
    # Let "-2g" reach the amount parser, which says why it is refused.
    amounts = {"ignore_unknown_options": True}
    app.command(context_settings=amounts)(dose)
    app.command(context_settings=amounts)(magnesium)
    app.command(context_settings=amounts)(substance)
    app.command()(entries)
    app.command()(edit)
    app.command()(delete)
    app.command()(revisions)
    app.command()(undo)
    product_app = typer.Typer(
        help="Products: form, colour/vein, vendor, batch, grams per capsule or teaspoon.",
        no_args_is_help=True,
    )
    product_app.command("set")(product_set)
    product_app.command("list")(product_list)
    app.add_typer(product_app, name="product")
    config_app = typer.Typer(help="Settings of this journal.", no_args_is_help=True)
    config_app.command("set")(config_set)
    config_app.command("show")(config_show)
    app.add_typer(config_app, name="config")


def describe(entry: "Entry") -> str:
    if entry.substance == "kratom":
        unit = str(Amount(entry.amount or 0, entry.unit))
        grams = f"{entry.grams:g} g" if entry.grams is not None else "dose unknown"
        amount = grams if entry.unit == "g" else f"{unit} = {grams}"
        product = f", {entry.product.name}" if entry.product_id else ""
        return f"{amount} kratom ({entry.form}{product})"
    if entry.substance == "magnesium":
        given = (
            ""
            if entry.compound == "elemental"
            else f" ({entry.amount:g} {entry.unit} {entry.compound})"
        )
        return f"{entry.elemental_mg:.0f} mg elemental magnesium{given}"
    amount = f"{entry.amount:g} {entry.unit} ".replace("  ", " ") if entry.amount else ""
    return f"{amount}{entry.name} ({entry.category})"


def report(logged: "Logged", as_json: bool, verb: str = "Logged") -> None:
    entry = logged.entry
    if as_json:
        print_json(
            {
                "entry": {"id": entry.id, "uid": str(entry.uid), **snapshots.snapshot(entry)},
                "warnings": logged.warnings,
                "breaches": [breach.as_dict() for breach in logged.breaches],
                "notices": [vars(notice) for notice in logged.notices],
            }
        )
        return
    moment = shown_when(entry.taken_at, entry.timezone)
    console.print(f"{verb} #{entry.id}: {describe(entry)} at {moment} ({entry.timezone}).")
    for warning in logged.warnings:
        console.print(f"[yellow]! {warning}[/]")
    say_breaches(logged.breaches)
    if logged.breaches and logged.plan_source:
        console.print(f"  [dim]plan source: {logged.plan_source}[/]")
    say_notices(logged.notices)
    if not logged.breaches and entry.substance == "kratom" and logged.plan:
        console.print(f"[green]Within the limits of plan {logged.plan!r}.[/]")
    console.print("[dim]Undo with: kratomlog undo[/]")


@friendly
def dose(
    amount: Annotated[list[str], typer.Argument(help="e.g. 3g, 500mg, 2 caps, 1.5 tsp")],
    at: At = None,
    product: Annotated[
        str | None, typer.Option(help="A product set with `kratomlog product set`.")
    ] = None,
    form: Annotated[str | None, typer.Option(help=f"One of: {', '.join(FORMS)}.")] = None,
    purpose: Annotated[str, typer.Option(help="Why: pain, energy, sleep, withdrawal...")] = "",
    note: Note = "",
    confirm_high: Annotated[
        bool, typer.Option("--confirm-high", help="Record a dose over 50 g.")
    ] = False,
    as_json: Json = False,
) -> None:
    """Record a kratom dose, and see at once which limit it breaks."""
    person, now = context.person(), context.now()
    logged = services.log_kratom(
        person=person,
        amount=" ".join(amount),
        now=now,
        at=at,
        product=product,
        form=form,
        purpose=purpose,
        note=note,
        confirm_high=confirm_high,
    )
    report(standing.what_it_means(logged, now), as_json)


@friendly
def magnesium(
    amount: Annotated[list[str], typer.Argument(help="Mass of the compound, e.g. 400mg")],
    form: Annotated[
        str, typer.Option(help=f"The compound: {MAGNESIUM_FORMS} (the label's elemental mg).")
    ] = "elemental",
    at: At = None,
    note: Note = "",
    as_json: Json = False,
) -> None:
    """Record magnesium; compound mass becomes elemental mg."""
    person, now = context.person(), context.now()
    logged = services.log_magnesium(
        person=person, amount=" ".join(amount), form=form, now=now, at=at, note=note
    )
    report(standing.what_it_means(logged, now), as_json)


@friendly
def substance(
    name: Annotated[str, typer.Argument(help="e.g. alcohol, levothyroxine, doxycycline")],
    amount: Annotated[
        list[str] | None, typer.Argument(help="Optional, in any unit: 2 drinks, 50 mcg")
    ] = None,
    category: Annotated[
        str | None, typer.Option(help=f"One of: {', '.join(CATEGORIES)}. Remembered by name.")
    ] = None,
    at: At = None,
    note: Note = "",
    just_category: Annotated[
        bool,
        typer.Option(
            "--just-category",
            help="Only remember NAME's --category, for later entries and imports; record no "
            "intake.",
        ),
    ] = False,
    as_json: Json = False,
) -> None:
    """Record another supplement, substance or medicine, and see its interactions."""
    person, now = context.person(), context.now()
    if just_category:
        if not category:
            raise InputError("--category", "give the category to remember with --just-category")
        kept = services.remember_category(person, name, category)
        console.print(f"{name.strip()} is remembered as {kept}, for later entries and imports.")
        return
    logged = services.log_other(
        person=person,
        name=name,
        amount=" ".join(amount or []) or None,
        category=category,
        at=at,
        now=now,
        note=note,
    )
    report(standing.what_it_means(logged, now), as_json)


@friendly
def entries(
    first: Annotated[
        str | None, typer.Option("--from", help="First day, YYYY-MM-DD (default: 30 days ago).")
    ] = None,
    last: Annotated[
        str | None, typer.Option("--to", help="Last day, YYYY-MM-DD (default: today).")
    ] = None,
    as_json: Json = False,
) -> None:
    """List entries with their ids (for edit, delete and revisions)."""
    from datetime import timedelta

    from kratomlog.core.days import local_day, zone

    person, now = context.person(), context.now()
    today = local_day(now, zone(person.timezone))
    lo = parse_day(first, "--from") if first else today - timedelta(days=29)
    hi = parse_day(last, "--to") if last else today
    rows = queries.entries_in(person, lo, hi).order_by("taken_at", "id")
    if as_json:
        print_json([{"id": e.id, "uid": str(e.uid), **snapshots.snapshot(e)} for e in rows])
        return
    grid = table("#", "When", "What", "Purpose", "Note")
    for entry in rows:
        grid.add_row(
            str(entry.id),
            shown_when(entry.taken_at, entry.timezone),
            describe(entry),
            entry.purpose,
            entry.note,
        )
    console.print(grid)


@friendly
def edit(
    entry_id: Annotated[int, typer.Argument(metavar="ID")],
    amount: Annotated[str | None, typer.Option(help="New amount, e.g. 2.5g")] = None,
    at: Annotated[str | None, typer.Option(help="New time.")] = None,
    product: Annotated[str | None, typer.Option()] = None,
    form: Annotated[str | None, typer.Option()] = None,
    purpose: Annotated[str | None, typer.Option()] = None,
    note: Annotated[str | None, typer.Option()] = None,
    category: Annotated[str | None, typer.Option()] = None,
    confirm_high: Annotated[bool, typer.Option("--confirm-high")] = False,
    as_json: Json = False,
) -> None:
    """Change an entry; the earlier version stays in its revision history."""
    from kratomlog.core.journal import Dose

    person, now = context.person(), context.now()
    old = services.get_entry(person, entry_id)
    replaced = (
        Dose(old.id, old.taken_at, old.local_day, old.grams or 0.0)
        if old.substance == "kratom"
        else None
    )
    logged = services.edit_entry(
        person=person,
        entry_id=entry_id,
        now=now,
        amount=amount,
        at=at,
        product=product,
        form=form,
        purpose=purpose,
        note=note,
        category=category,
        confirm_high=confirm_high,
    )
    report(standing.what_it_means(logged, now, replaced), as_json, verb="Edited")


@friendly
def delete(entry_id: Annotated[int, typer.Argument(metavar="ID")]) -> None:
    """Delete an entry (kept in its revision history; `undo` brings it back)."""
    entry = services.delete_entry(person=context.person(), entry_id=entry_id, now=context.now())
    console.print(f"Deleted #{entry.id}: {describe(entry)}. Undo with: kratomlog undo")


@friendly
def revisions(
    entry_id: Annotated[int, typer.Argument(metavar="ID")], as_json: Json = False
) -> None:
    """Every change to one entry."""
    person = context.person()
    changes = services.revisions(person, entry_id)
    if as_json:
        print_json(
            [
                {
                    "at": c.at.isoformat(),
                    "action": c.action,
                    "undone": c.undone,
                    "before": c.before,
                    "after": c.after,
                }
                for c in changes
            ]
        )
        return
    grid = table("When", "Change", "Undone", "Amount", "Time taken", "Note")
    for change in changes:
        state = change.after or change.before or {}
        grid.add_row(
            shown_when(change.at, person.timezone),
            change.action,
            "yes" if change.undone else "",
            f"{state.get('amount') or ''} {state.get('unit') or ''}".strip(),
            state.get("taken_at", ""),
            state.get("note", ""),
        )
    console.print(grid)


@friendly
def undo() -> None:
    """Reverse the last change (a log, edit, delete, import or plan)."""
    console.print(services.undo(person=context.person(), now=context.now()))


@friendly
def product_set(
    name: str,
    form: Annotated[str | None, typer.Option(help=f"One of: {', '.join(FORMS)}.")] = None,
    vein: Annotated[str | None, typer.Option(help="Colour or vein: red, green, white...")] = None,
    vendor: Annotated[str | None, typer.Option()] = None,
    batch: Annotated[str | None, typer.Option()] = None,
    grams_per_capsule: Annotated[float | None, typer.Option()] = None,
    grams_per_teaspoon: Annotated[float | None, typer.Option()] = None,
) -> None:
    """Add a product or change its details."""
    product = services.set_product(
        person=context.person(),
        name=name,
        form=form,
        vein=vein,
        vendor=vendor,
        batch=batch,
        grams_per_capsule=grams_per_capsule,
        grams_per_teaspoon=grams_per_teaspoon,
    )
    console.print(f"Product {product.name!r} saved.")


@friendly
def product_list() -> None:
    """List products."""
    grid = table("Name", "Form", "Vein", "Vendor", "Batch", "g/capsule", "g/tsp")
    for p in context.person().products.order_by("name"):
        grid.add_row(
            p.name,
            p.form,
            p.vein,
            p.vendor,
            p.batch,
            f"{p.grams_per_capsule:g}" if p.grams_per_capsule else "",
            f"{p.grams_per_teaspoon:g}" if p.grams_per_teaspoon else "",
        )
    console.print(grid)


@friendly
def config_set(
    key: Annotated[
        str, typer.Argument(help="timezone, unit, crisis-resources or journal-started")
    ],
    value: str,
) -> None:
    """Set `timezone` (an IANA name such as Europe/Berlin), `unit` (of a bare number: g, mg,
    capsule, teaspoon), `crisis-resources` (a file, one "name | how to reach it" a line) or
    `journal-started` (YYYY-MM-DD, the first day your record is complete from; `none`: the
    first entry's day)."""
    if key == "timezone":
        services.set_timezone(context.person(), value)
    elif key == "unit":
        services.set_dose_unit(context.person(), value)
    elif key == "crisis-resources":
        from kratomlog.cli.checkins import set_crisis_resources

        set_crisis_resources(value)
    elif key == "journal-started":
        services.set_journal_started(context.person(), value, context.now())
    else:
        raise InputError(
            "KEY",
            f"{key!r} is not a setting; settings: timezone, unit, crisis-resources, "
            "journal-started",
        )
    console.print(f"{key} set.")


@friendly
def config_show() -> None:
    """Show settings and where the journal is kept."""
    person = context.person()  # Django set up before its settings are read
    from django.conf import settings

    from kratomlog.checkins.services import resources

    console.print(f"timezone = {person.timezone}")
    console.print(f"unit = {person.dose_unit}")
    started = person.journal_started
    console.print(f"journal-started = {started or 'the first entry' + chr(39) + 's day'}")
    console.print(f"data directory = {settings.DATA_DIR}")
    console.print(
        "crisis resources" + (" (the default)" if not person.crisis_resources else "") + ":"
    )
    for resource in resources(person):
        console.print(f"  {resource.name} | {resource.contact}")
