"""`kratomlog serve`: the web app on this computer, signed in with a one-time link."""

import os
import sys
from typing import Annotated

import typer

from kratomlog.cli import context
from kratomlog.cli.output import console, friendly
from kratomlog.core.errors import InputError

DEMO_FLAG = "KRATOMLOG_SERVING_DEMO"


def register(app: typer.Typer) -> None:
    app.command()(serve)


def check_loopback(host: str) -> None:
    import ipaddress
    import socket

    """A local journal holds health data and has no passwords: it listens only on this computer."""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except socket.gaierror:
        raise InputError("--host", f"{host!r} is not a known host name or address") from None
    outside = sorted(a for a in addresses if not ipaddress.ip_address(a.split("%")[0]).is_loopback)
    if outside:
        raise InputError(
            "--host",
            f"{host} ({outside[0]}) is not a loopback address; the local "
            f"journal listens only on this computer (127.0.0.1, ::1 or "
            f"localhost), because it holds health data and has no passwords",
        )


@friendly
def serve(
    host: Annotated[
        str, typer.Option(help="A loopback address: 127.0.0.1, ::1 or localhost.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="The port to listen on.")] = 8765,
    open_browser: Annotated[
        bool, typer.Option("--open", help="Open the sign-in link in a browser.")
    ] = False,
    demo: Annotated[
        bool, typer.Option("--demo", help="Serve a demo journal from a throwaway directory.")
    ] = False,
) -> None:
    """Serve your journal as a web app on this computer; prints a one-time sign-in link."""
    import tempfile
    import webbrowser

    check_loopback(host)
    if not 1 <= port <= 65535:
        raise InputError("--port", f"{port} is not a port; use a number from 1 to 65535")
    if demo and not os.environ.get(DEMO_FLAG):
        # Settings are read once per process: start again with a throwaway data directory.
        home = tempfile.mkdtemp(prefix="kratomlog-demo-")
        env = {**os.environ, "KRATOMLOG_HOME": home, DEMO_FLAG: "1"}
        env.pop("DATABASE_URL", None)
        os.execve(sys.executable, [sys.executable, "-m", "kratomlog", *sys.argv[1:]], env)
    from django.conf import settings
    from waitress import create_server

    from kratomlog.web.login import new_link
    from kratomlog.web.wsgi import application

    person, now = context.person(), context.now()
    if demo and not person.entries.exists():
        from kratomlog.journal.demo import load_demo

        load_demo(person=person, now=now)
    from kratomlog.web.views.transfer import sweep_uploads

    sweep_uploads()  # previews abandoned when the server last stopped
    shown_host = f"[{host}]" if ":" in host else host
    # Any loopback name or address the person chose (127.0.0.2, their host's own name) must
    # also pass the Host check, or the printed link would answer 400.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, shown_host.lower()]
    try:  # bind before printing the link: a port in use is said plainly, with no link
        server = create_server(application, host=host, port=port, threads=4, ident="kratomlog")
    except OSError as error:
        raise InputError(
            "--port",
            f"cannot listen on {shown_host}:{port} ({error.strerror or error}); "
            f"another program (or kratomlog serve) may be using it: choose another --port",
        ) from None
    link = f"http://{shown_host}:{port}/login/{new_link(person, now)}"
    console.print(
        f"kratomlog is serving {'a demo journal' if demo else 'your journal'} on this computer."
    )
    console.print(f"Open this link to sign in (it works once): {link}", soft_wrap=True)
    console.print("Press Ctrl+C to stop.")
    sys.stdout.flush()  # the link must show at once, even when the output goes through a pipe
    if open_browser:
        webbrowser.open(link)
    server.run()
