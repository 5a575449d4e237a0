"""`kratomlog clinic settings ...`: the clinic's crisis resources and contact, set once."""

from typing import Annotated

import typer

from kratomlog.cli import context
from kratomlog.cli.output import console, friendly


def register(clinic_app: typer.Typer) -> None:
    settings_app = typer.Typer(
        help="The clinic's crisis resources and contact, shown to its patients.",
        no_args_is_help=True,
    )
    settings_app.command("show")(show)
    set_app = typer.Typer(help="Set one of the clinic's settings.", no_args_is_help=True)
    set_app.command("crisis-resources")(set_crisis_resources)
    set_app.command("contact")(set_contact)
    settings_app.add_typer(set_app, name="set")
    clinic_app.add_typer(settings_app, name="settings")


@friendly
def set_crisis_resources(
    file: Annotated[
        str, typer.Argument(help="A UTF-8 text file, one 'name | how to reach it' a line.")
    ],
) -> None:
    """The crisis resources the clinic's patients see (instead of the default list)."""
    from kratomlog.cli.checkins import read_resources_file
    from kratomlog.cli.clinic_ops import open_clinic

    text = read_resources_file(file, "FILE")
    open_clinic()
    from kratomlog.clinic import crisis_contact

    chosen = crisis_contact.set_crisis_resources(text, context.now())
    console.print(f"The clinic's patients now see {len(chosen)} crisis resources.")


@friendly
def set_contact(
    phone: Annotated[str, typer.Option(help="The care team's phone, such as '+49 30 1234 5678'.")],
    hours: Annotated[
        str, typer.Option(help="When alerts are read, such as 'Mon-Fri 8:00-18:00'.")
    ] = "",
    name: Annotated[str, typer.Option(help="Whom patients call, such as 'North clinic'.")] = "",
) -> None:
    """The contact shown beside the crisis resources, and when the care team reads alerts."""
    from kratomlog.cli.clinic_ops import open_clinic

    open_clinic()
    from kratomlog.clinic import crisis_contact

    row = crisis_contact.set_contact(name=name, phone=phone, hours=hours, now=context.now())
    console.print(
        f"Patients in a crisis are told to call {row.contact_name or 'their care team'} on "
        f"{row.contact_phone}; alerts are read {row.contact_hours or 'in working hours'}.",
        soft_wrap=True,
    )


@friendly
def show() -> None:
    """The crisis resources and contact the clinic's patients see now."""
    from kratomlog.cli.clinic_ops import open_clinic

    open_clinic()
    from kratomlog.clinic import crisis_contact

    row = crisis_contact.clinic_settings()
    resources = crisis_contact.clinic_resources()
    if resources:
        console.print("Crisis resources (the clinic's):")
    else:
        console.print("Crisis resources: not set; patients see the default for their time zone.")
    for resource in resources:
        console.print(f"  {resource.name} | {resource.contact}", soft_wrap=True, markup=False)
    if row.contact_phone:
        console.print(
            f"Contact: {row.contact_name or '(no name)'}, {row.contact_phone}; alerts read "
            f"{row.contact_hours or 'in working hours'}.",
            soft_wrap=True,
            markup=False,
        )
    else:
        console.print("Contact: not set (`kratomlog clinic settings set contact --phone ...`).")
