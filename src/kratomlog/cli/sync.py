"""A local journal and a clinic: link, sync, unlink."""

import sys
from typing import Annotated

import typer

from kratomlog.cli import context
from kratomlog.cli.output import console, friendly, print_json

NOT_REACHED = 3  # the clinic could not be reached, or refused: nothing here is lost


def register(app: typer.Typer) -> None:
    app.command()(link)
    app.command()(sync)
    app.command()(unlink)


def _clinic_failed(error: Exception) -> typer.Exit:
    sys.stderr.write(f"error: {error}\n")
    return typer.Exit(NOT_REACHED)


@friendly
def link(
    url: Annotated[str, typer.Argument(metavar="URL", help="The clinic's address.")],
    code: Annotated[str, typer.Argument(metavar="CODE", help="The invitation code.")],
    agree: Annotated[
        bool, typer.Option("--agree", help="Agree to the consent text without asking (scripts).")
    ] = False,
    email: Annotated[
        str | None, typer.Option("--email", help="Your email: your sign-in at the clinic.")
    ] = None,
) -> None:
    """Join a clinic with its invitation: your care team then sees what you sync."""
    from kratomlog.sync import local
    from kratomlog.sync.client import ClinicRefused, ClinicUnreachable

    person, now = context.person(), context.now()
    try:
        consent = local.consent(url)
        console.print(consent["text"], markup=False)
        console.print(f"(consent version {consent['version']})")
        if not agree and not typer.confirm("Do you agree to share your journal?", default=False):
            console.print("Not linked: nothing was shared.")
            raise typer.Exit(1)
        email = email or typer.prompt("Your email (to sign in at the clinic)")
        password = typer.prompt(
            "A password for the clinic", hide_input=True, confirmation_prompt=True
        )
        made = local.link(
            person=person, url=url, code=code, email=email, password=password,
            consent_version=consent["version"], now=now,
        )  # fmt: skip
    except (ClinicUnreachable, ClinicRefused) as error:
        raise _clinic_failed(error) from None
    console.print(
        f"Linked to {made.url}. Send your journal with: kratomlog sync "
        f"(stop sharing with: kratomlog unlink)"
    )


@friendly
def sync(
    show_status: Annotated[
        bool, typer.Option("--status", help="When it last ran and what waits; sends nothing.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="The --status as JSON.")] = False,
    batch: Annotated[int, typer.Option("--batch", help="Records a request (1-500).")] = 500,
) -> None:
    """Send the clinic what it lacks; bring back the plans your clinician set."""
    from kratomlog.sync import local
    from kratomlog.sync.client import ClinicRefused, ClinicUnreachable

    person, now = context.person(), context.now()
    if show_status:
        state = local.status(person)
        if as_json:
            print_json(state)
        else:
            _show_status(state)
        return

    def progress(done: int, total: int) -> None:
        sys.stderr.write(f"sent {done} of {total}\n")
        sys.stderr.flush()

    try:
        done = local.sync(person, now, batch, progress)
    except (ClinicUnreachable, ClinicRefused) as error:
        raise _clinic_failed(error) from None
    console.print(
        f"Synced: {done.sent} records sent ({done.added} new to the clinic); "
        f"{len(done.plans)} plans from the clinic."
    )
    for name in done.plans:
        console.print(f"  plan from your clinician: {name}")
    if done.schedule.sent:
        console.print("  your check-in schedule: sent to the clinic")
    if done.schedule.refused:
        console.print(
            f"  your check-in schedule was not sent: {done.schedule.refused}. "
            "Their schedule is back in force here; yours stays in the schedule's history."
        )
    if done.schedule.brought:
        console.print(f"  check-in schedule from the clinic, set by {done.schedule.brought}")
    for conflict in done.conflicts:
        kept = "your later edit" if conflict["winner"] == "journal" else "the clinic's later edit"
        console.print(
            f"  {conflict['kind']} {conflict['uid']} was edited here and at the clinic: "
            f"{kept} kept, the other in its revisions"
        )


def _show_status(state: dict[str, object]) -> None:
    if not state["linked"]:
        console.print("Not linked to a clinic. Link with: kratomlog link URL CODE")
        return
    console.print(f"Linked to {state['clinic']} since {state['linked_at']}")
    if state["last_sync_at"]:
        console.print(f"Last sync: {state['last_sync_at']}: {state['last_sync']}")
    else:
        console.print("Never synced yet.")
    waiting = state["waiting"]
    assert isinstance(waiting, dict)
    total = sum(waiting.values())
    shown = ", ".join(f"{count} {kind}" for kind, count in waiting.items() if count)
    console.print(f"Waiting to be sent: {total} records" + (f" ({shown})" if shown else ""))


@friendly
def unlink() -> None:
    """Stop sharing with the clinic (revoked there at once) and forget its token."""
    from kratomlog.sync import local
    from kratomlog.sync.client import ClinicRefused, ClinicUnreachable

    context.person()
    try:
        said = local.unlink(context.now())
    except ClinicUnreachable as error:
        sys.stderr.write(
            f"error: {error}\nStill linked: the clinic could not be told to revoke this "
            "journal's token, so it is kept. Run kratomlog unlink again once the clinic can be "
            "reached.\n"
        )
        raise typer.Exit(NOT_REACHED) from None
    except ClinicRefused as error:
        raise _clinic_failed(error) from None
    console.print(said[0].upper() + said[1:] + ".")
