"""Operating a clinic: init, users, tokens, the server, the audit log, the demo.

Clinic modules are imported inside each command: the clinic's apps are loaded only when the
command line starts with `clinic` (see kratomlog.cli).
"""

import os
import sys
from typing import Annotated

import typer

from kratomlog.cli import context
from kratomlog.cli.output import console, friendly
from kratomlog.core.errors import InputError
from kratomlog.storage import open_journal

DEMO_FLAG = "KRATOMLOG_CLINIC_DEMO"


def register(clinic_app: typer.Typer) -> None:
    clinic_app.command("init")(init)
    clinic_app.command("add-user")(add_user)
    clinic_app.command("token")(token)
    clinic_app.command("serve")(serve)
    clinic_app.command("demo")(demo)
    audit_app = typer.Typer(help="The audit log.", no_args_is_help=True)
    audit_app.command("verify")(audit_verify)
    audit_app.command("checkpoint")(audit_checkpoint)
    clinic_app.add_typer(audit_app, name="audit")


def open_clinic() -> None:
    """The clinic's database, migrated; one line naming DATABASE_URL when it cannot be opened."""
    from django.db import OperationalError

    try:
        open_journal()
    except OperationalError as error:
        reason = str(error).strip().splitlines()[0]
        raise InputError("DATABASE_URL", f"cannot open the clinic's database: {reason}") from None


@friendly
def init(
    app_role: Annotated[
        str | None,
        typer.Option(
            help="The PostgreSQL role the app runs as: granted what it needs, and on the audit "
            "log only INSERT and SELECT. Run init as the owner role."
        ),
    ] = None,
) -> None:
    """Create or migrate the clinic's database (safe to run again)."""
    open_clinic()
    if app_role is not None:
        from kratomlog.clinic import audit_roles

        audit_roles.grant_app_role(app_role)
        typer.echo(
            f"The role {app_role} may now run the clinic; on the audit log it may only add "
            "and read rows."
        )
    typer.echo("The clinic's database is ready.")


@friendly
def add_user(
    email: Annotated[str, typer.Argument(help="The person's email: their sign-in name.")],
    role: Annotated[str, typer.Option(help="admin, clinician or researcher.")],
    team: Annotated[
        list[str] | None,
        typer.Option(help="A care team (made on first use); repeat for several teams."),
    ] = None,
    name: Annotated[str, typer.Option(help="The name patients see, such as 'Dr Lee'.")] = "",
) -> None:
    """Add a staff member; prints a one-time link (72 hours) to set a password and an
    authenticator app."""
    open_clinic()
    from kratomlog.clinic import people

    user, secret = people.add_staff(
        email=email, role=role, now=context.now(), teams=team or [], name=name
    )
    console.print(
        f"Added {user.email} as {role}. Send them this set-up link (it works once, for 72 hours):"
    )
    sys.stdout.write(people.setup_url(secret) + "\n")


@friendly
def token(
    email: Annotated[str, typer.Argument(help="Whose token: their sign-in email.")],
    days: Annotated[int, typer.Option(help="How many days the token is valid (1 to 3653).")] = 30,
    revoke: Annotated[
        bool, typer.Option("--revoke", help="Revoke every token of this user instead.")
    ] = False,
) -> None:
    """Print a new API token for a user (shown once, stored hashed, recorded in the audit log),
    or with --revoke revoke all of theirs (401 from their next request)."""
    open_clinic()
    from django.contrib.auth import get_user_model

    from kratomlog.clinic import tokens

    users = get_user_model().objects.filter(username=email.strip().lower())
    if revoke:
        owner = users.first()
        if owner is None:
            raise InputError("EMAIL", f"no user signs in as {email!r}")
        count = tokens.revoke_all(owner, context.now(), why="revoked by `clinic token --revoke`")
        console.print(
            f"Revoked {count} token{'s' if count != 1 else ''} of {owner.email}"
            + ("; their next API request answers 401." if count else " (none was live).")
        )
        return
    user = users.filter(is_active=True).first()
    if user is None:
        raise InputError("EMAIL", f"no active user signs in as {email!r}")
    secret = tokens.issue(user, context.now(), days=days)
    console.print(f"A new API token for {user.email}, valid {days} days (shown only now):")
    sys.stdout.write(secret + "\n")


@friendly
def serve(
    bind: Annotated[
        str,
        typer.Option(help="HOST:PORT to listen on; beyond loopback needs KRATOMLOG_ALLOWED_HOSTS."),
    ] = "127.0.0.1:8000",
    workers: Annotated[int, typer.Option(help="Worker processes (1 to 64).")] = 2,
    allow_owner: Annotated[
        bool,
        typer.Option(
            help="Serve beyond loopback even as the audit log's owner or a superuser "
            "(which could rewrite it)."
        ),
    ] = False,
) -> None:
    """Serve the clinic's web app and API on gunicorn with several processes (migrates first)."""

    from kratomlog.clinic import server

    if not 1 <= workers <= 64:
        raise InputError("--workers", f"{workers} is out of range; a whole number, 1 to 64")
    host, port, key_source = server.check_start(bind, os.environ)
    push_line = server.check_push(os.environ)
    if server.port_in_use(host, port):
        raise InputError("--bind", f"{bind} is in use by another program; choose another port")
    open_clinic()
    from django.db import connection

    from kratomlog.clinic import audit_roles

    warning = audit_roles.check_serving_role(server.is_loopback(host), allow_owner)
    if warning:
        console.print(warning, soft_wrap=True)
    shown = f"[{host}]" if ":" in host else host
    console.print(
        f"kratomlog clinic: serving http://{shown}:{port}/ with {workers} worker processes "
        f"({connection.vendor} database; secret key from {key_source}). Ctrl+C stops it.",
        soft_wrap=True,
    )
    console.print(push_line, soft_wrap=True)
    sys.stdout.flush()
    server.serve(host, port, workers)


@friendly
def demo(
    port: Annotated[int, typer.Option(help="The port on 127.0.0.1 to serve on.")] = 8000,
) -> None:
    """A throwaway demo clinic on this computer: two teams, a dozen patients, open alerts,
    sign-in links for a demo clinician and a demo patient."""
    import shutil
    import signal
    import subprocess
    import tempfile

    from kratomlog.clinic import server

    if not 0 < port < 65536:
        raise InputError("--port", f"{port} is not a port number (1 to 65535)")
    if server.port_in_use("127.0.0.1", port):
        raise InputError("--port", f"{port} is in use by another program; choose another")
    if not os.environ.get(DEMO_FLAG):
        # Settings are read once per process: run again on a throwaway SQLite directory,
        # and remove it when the demo stops.
        home = tempfile.mkdtemp(prefix="kratomlog-clinic-demo-")
        env = {
            **os.environ, "KRATOMLOG_HOME": home, DEMO_FLAG: "1", "KRATOMLOG_CLINIC": "1",
            "KRATOMLOG_BASE_URL": f"http://127.0.0.1:{port}",
            "KRATOMLOG_EMAIL": f"file://{home}/mail",
        }  # fmt: skip
        for name in ("DATABASE_URL", "KRATOMLOG_SECRET_KEY", "KRATOMLOG_HTTPS"):
            env.pop(name, None)
        child = subprocess.Popen([sys.executable, "-m", "kratomlog", *sys.argv[1:]], env=env)
        signal.signal(signal.SIGTERM, lambda signum, frame: child.send_signal(signum))
        try:
            while True:
                try:
                    code = child.wait()
                    break
                except KeyboardInterrupt:  # pass Ctrl+C on (again, if it had it): it stops
                    child.send_signal(signal.SIGINT)
        finally:
            shutil.rmtree(home, ignore_errors=True)
        raise typer.Exit(code)
    open_clinic()
    from kratomlog.clinic import demo as clinic_demo
    from kratomlog.clinic.accounts.sign_in import demo_link

    console.print("Building the demo clinic (a dozen journals of a few months)...")
    built = clinic_demo.build(context.now())
    lines = [
        f"The demo clinic: {built.patients} patients in teams North and South, "
        f"{built.open_alerts} open alerts. Everything is deleted when it stops.",
        f"Demo clinician (Dr Lee, team North): {demo_link(built.clinician)}",
        f"Demo patient (ana@demo.test): {demo_link(built.patient.user)}",
        f"Admin (people and teams): {demo_link(built.admin)}",
        "These links sign in without an authenticator code (the demo only). To try the real "
        f"sign-in at http://127.0.0.1:{port}/accounts/login: lee@demo.test, password "
        f"{clinic_demo.PASSWORD!r}, authenticator key {built.authenticator_secret}.",
        "Mail the clinic sends (a worker runs too) is written to "
        f"{os.environ['KRATOMLOG_HOME']}/mail.",
    ]
    for line in lines:
        console.print(line, soft_wrap=True)
    sys.stdout.flush()
    # The third process of a clinic: a worker, which mails the alerts (into files here).
    worker = subprocess.Popen([sys.executable, "-m", "kratomlog", "clinic", "worker"])
    try:
        server.serve("127.0.0.1", port, 2)
    finally:
        worker.terminate()
        worker.wait(timeout=30)


@friendly
def audit_verify() -> None:
    """Check the audit log's keyed chains and compare them with the newest checkpoint; exit 1
    naming the first broken row or what is missing."""
    open_clinic()
    from kratomlog.clinic import audit, audit_checkpoint

    seen, broken = audit.verify()
    if broken is not None:
        typer.echo(f"audit log broken at row {broken.row_id:,}: {broken.reason}", err=True)
        raise typer.Exit(1)
    checkpoint = audit_checkpoint.latest()
    missing = audit_checkpoint.compare(seen, checkpoint) if checkpoint else None
    if missing:
        typer.echo(f"audit log incomplete: {missing}", err=True)
        raise typer.Exit(1)
    chains = f"{len(seen.heads)} chain" + ("" if len(seen.heads) == 1 else "s")
    against = (
        f"; it holds all that the checkpoint of {checkpoint.when} holds ({checkpoint.rows:,} rows)"
        if checkpoint
        else "; no checkpoint to compare with (KRATOMLOG_AUDIT_CHECKPOINTS)"
    )
    typer.echo(f"audit log intact: {seen.rows:,} rows in {chains}{against}")


@friendly
def audit_checkpoint() -> None:
    """Write a checkpoint of the audit log now to KRATOMLOG_AUDIT_CHECKPOINTS (and mail it to
    KRATOMLOG_AUDIT_CHECKPOINT_MAIL when set)."""
    open_clinic()
    from kratomlog.clinic import audit_checkpoint as checkpoints

    path = checkpoints.write(context.now())
    typer.echo(f"audit checkpoint written: {path}")
