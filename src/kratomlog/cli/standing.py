"""Where you stand: status and history."""

from datetime import timedelta
from typing import TYPE_CHECKING, Annotated

import typer

from kratomlog.cli import context
from kratomlog.cli.lazy import lazy
from kratomlog.cli.output import console, friendly, print_json, table, when
from kratomlog.core.bounds import MAX_SPAN_DAYS, check_day, check_span
from kratomlog.core.days import local_day, parse_day, zone
from kratomlog.core.errors import InputError
from kratomlog.core.rules import grams
from kratomlog.core.when import parse_when
from kratomlog.core.words import count

if TYPE_CHECKING:
    from kratomlog import standing
    from kratomlog.core import today_left
    from kratomlog.core.status import Status
else:
    standing = lazy("kratomlog.standing")
    today_left = lazy("kratomlog.core.today_left", journal=False)

BREACHES_SHOWN = 10


def register(app: typer.Typer) -> None:
    app.command()(status)
    app.command()(history)


@friendly
def status(
    on: Annotated[
        str | None,
        typer.Option(
            "--on",
            help="Judge the journal as of this moment (ISO 8601, HH:MM or 'yesterday HH:MM').",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="The stable JSON form.")] = False,
) -> None:
    """Where you stand: your plan, breaches, what is left today, totals and signals."""
    person, now = context.person(), context.now()
    as_of = parse_when(on, now, zone(person.timezone), field="--on")
    result = standing.status(person, as_of)
    if as_json:
        print_json(result.as_dict())
        return
    show_status(result)
    if any(signal.kind == "self_harm_risk" for signal in result.signals):
        from kratomlog.checkins.services import resources
        from kratomlog.cli.checkins import show_crisis

        show_crisis(resources(person))


def show_status(result: "Status") -> None:
    tz = result.timezone
    console.print(f"[bold]As of {when(result.as_of, tz)}[/] ({tz})")
    if result.plan is None:
        console.print("No plan in force. See: kratomlog plan presets")
    else:
        plan = result.plan
        console.print(
            f"Plan: [bold]{plan.name}[/] from {plan.start} [dim]({plan.source}; {plan.evidence})[/]"
        )
        for rule in result.rules_today:
            mark = "[green]ok[/]" if rule.kept else "[red]over[/]"
            console.print(f"  {mark}  {rule.rule}: {rule.text}")
    console.print(today_left.today_left(result).sentence, highlight=False)
    taper = result.plan.taper if result.plan else None
    if taper and result.taper_allowance_today is not None:
        console.print(f"Taper allowance today: {grams(result.taper_allowance_today)}")
    t = result.totals
    console.print(
        f"Last 7 days: {count(t.use_days_last_7, 'use day')}, {count(t.doses_last_7, 'dose')}, "
        f"{grams(t.grams_last_7)}.  Last 30 days: {count(t.use_days_last_30, 'use day')}, "
        f"{count(t.doses_last_30, 'dose')}, {grams(t.grams_last_30)}.  "
        f"Today: {grams(t.grams_today)}."
    )
    since = result.days_since_last_use
    console.print("No use recorded." if since is None else f"Days since last use: {since}")
    data = result.as_dict()["magnesium"]
    style = "red" if data["over_limit"] else "default"
    console.print(
        f"Magnesium today: [{style}]{data['today_elemental_mg']:.0f} mg[/] elemental of the "
        f"{data['upper_limit_mg']:.0f} mg upper limit [dim](NIH ODS, supplements only)[/]"
    )
    if result.breaches:
        console.print(
            f"\n[bold]Breaches since the plan's start:[/] {len(result.breaches)}"
            + (
                f" (the last {BREACHES_SHOWN} shown)"
                if len(result.breaches) > BREACHES_SHOWN
                else ""
            )
        )
        grid = table("Day", "Rule", "Severity", "What", "Entries")
        for breach in result.breaches[-BREACHES_SHOWN:]:
            grid.add_row(
                str(breach.day),
                breach.rule,
                breach.severity,
                breach.detail,
                " ".join(f"#{i}" for i in breach.entries),
            )
        console.print(grid)
    for signal in result.signals:
        console.print(
            f"\n[bold yellow]{signal.kind.replace('_', ' ')}[/] since {signal.since}: "
            f"{signal.message}"
        )
        if signal.recommendation:
            console.print(f"  {signal.recommendation[0].upper()}{signal.recommendation[1:]}.")
        if signal.preset:
            console.print(f"  To set it: kratomlog plan set {signal.preset}")
        console.print(f"  [dim]source: {signal.source}[/]", highlight=False)


@friendly
def history(
    first: Annotated[
        str | None,
        typer.Option("--from", help="First day, YYYY-MM-DD (default: 29 days before --to)."),
    ] = None,
    last: Annotated[
        str | None, typer.Option("--to", help="Last day, YYYY-MM-DD (default: today).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """One row a day: use, grams, doses, the taper's allowance, breaches, magnesium."""
    person, now = context.person(), context.now()
    today = local_day(now, zone(person.timezone))
    latest = today + timedelta(days=MAX_SPAN_DAYS)  # a taper's allowances can be looked ahead
    hi = check_day(parse_day(last, "--to"), "--to", latest) if last else today
    lo = check_day(parse_day(first, "--from"), "--from", latest) if first else hi - timedelta(29)
    if lo > hi:
        raise InputError("--from", f"{lo} is after --to {hi}; give the earlier day first")
    check_span(lo, hi, "--from")
    rows = standing.history(person, lo, hi, now)
    if as_json:
        print_json([row.as_dict() for row in rows])
        return
    grid = table("Day", "Use", "Grams", "Doses", "Allowance", "Breaches", "Magnesium mg")
    for row in rows:
        breaches = ", ".join(f"{b.rule} ({b.severity})" for b in row.breaches)
        grid.add_row(
            str(row.day),
            "yes" if row.use else "",
            f"{row.grams:g}" if row.use else "",
            str(row.doses) if row.use else "",
            grams(row.allowance) if row.allowance is not None else "",
            f"[red]{breaches}[/]" if breaches else "",
            f"{row.magnesium_mg:.0f}" if row.magnesium_mg else "",
        )
    console.print(grid)
