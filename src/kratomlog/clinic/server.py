"""`clinic serve`: the clinic's web app and API on gunicorn, several worker processes.

What is checked before it starts: a bind beyond this computer needs KRATOMLOG_ALLOWED_HOSTS and
a real KRATOMLOG_SECRET_KEY (on loopback, the data directory's own key file will do); a VAPID
subject, when set, must be a real address (push services refuse a placeholder).
"""

import ipaddress
import os
import socket
from collections.abc import Mapping
from typing import Any

from gunicorn.app.base import BaseApplication

from kratomlog.clinic.settings import PLACEHOLDER_SECRETS, vapid_subject_problem
from kratomlog.core.errors import InputError

MIN_SECRET_LENGTH = 32


def parse_bind(bind: str) -> tuple[str, int]:
    """HOST:PORT (IPv6 in brackets: [::1]:8000) as (host, port)."""
    host, sep, port = bind.strip().rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise InputError("--bind", f"{bind!r} is not HOST:PORT (127.0.0.1:8000, [::1]:8000)")
    return host, int(port)


def is_loopback(host: str) -> bool:
    """Whether every address `host` names is this computer's own."""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except socket.gaierror:
        raise InputError("--bind", f"{host!r} is not a known host name or address") from None
    return all(ipaddress.ip_address(str(a).split("%")[0]).is_loopback for a in addresses)


def secret_problem(key: str) -> str | None:
    """Why `key` cannot sign a clinic's sessions, or None when it can."""
    if not key.strip():
        return "it is not set"
    if key.strip().lower() in PLACEHOLDER_SECRETS or key.startswith("django-insecure"):
        return "it is a placeholder"
    if len(key) < MIN_SECRET_LENGTH:
        return f"it is shorter than {MIN_SECRET_LENGTH} characters"
    return None


def check_start(bind: str, environ: Mapping[str, str]) -> tuple[str, int, str]:
    """(host, port, where the secret key comes from), or InputError saying what is missing."""
    host, port = parse_bind(bind)
    loopback = is_loopback(host)
    if not loopback and not environ.get("KRATOMLOG_ALLOWED_HOSTS", "").strip():
        raise InputError(
            "--bind",
            f"{bind} is not a loopback address; to serve beyond this computer set "
            "KRATOMLOG_ALLOWED_HOSTS to the host names the clinic answers to "
            "(clinic.example.org)",
        )
    key = environ.get("KRATOMLOG_SECRET_KEY", "")
    problem = secret_problem(key)
    if key and problem:  # a placeholder is never right, even on loopback
        raise InputError("KRATOMLOG_SECRET_KEY", f"{problem}; set a long random key or unset it")
    if problem and not loopback:
        raise InputError(
            "KRATOMLOG_SECRET_KEY",
            f"{problem}; a server beyond this computer needs its own long random key "
            "(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')",
        )
    return host, port, "KRATOMLOG_SECRET_KEY" if key else "the data directory's key file"


def check_push(environ: Mapping[str, str]) -> str:
    """One line saying whether Web Push is on, or InputError for a placeholder VAPID subject."""
    subject = environ.get("KRATOMLOG_VAPID_SUBJECT", "").strip()
    if not subject:
        return (
            "Web Push is off: set KRATOMLOG_VAPID_SUBJECT to the clinic's contact "
            "(mailto:care-team@your-clinic.org) to send notifications to patients' phones."
        )
    problem = vapid_subject_problem(subject)
    if problem:
        raise InputError(
            "KRATOMLOG_VAPID_SUBJECT",
            f"{subject!r}: {problem}; push services (Apple's among them) refuse it. Set the "
            "clinic's real mailto: or https: address, or unset it to run without Web Push",
        )
    source = "the data directory's key file"
    if environ.get("KRATOMLOG_VAPID_PRIVATE_KEY"):
        source = "KRATOMLOG_VAPID_PRIVATE_KEY"
    return f"Web Push is on: VAPID subject {subject}, key from {source}."


def port_in_use(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


PERSISTENT_SECONDS = 600  # kratomlog's own choice: a connection is renewed every ten minutes


class ClinicServer(BaseApplication):  # type: ignore[misc]
    """gunicorn run from inside `kratomlog clinic serve`, configured here rather than by flags."""

    def __init__(self, host: str, port: int, workers: int) -> None:
        shown = f"[{host}]" if ":" in host else host
        self.options: dict[str, Any] = {
            "bind": f"{shown}:{port}",
            "workers": workers,
            "worker_class": "sync",
            "timeout": 60,
            "graceful_timeout": 20,
            "proc_name": "kratomlog-clinic",
            # No access log: paths hold one-time codes and set-up links; the audit log is the
            # record of who did what.
            "accesslog": None,
            "errorlog": "-",
            "loglevel": "warning",
        }
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        # Each worker imports the app after the fork: no database connection is shared.
        from kratomlog.clinic.wsgi import application

        return application


def serve(host: str, port: int, workers: int) -> None:
    from django.db import connections

    connections.close_all()  # the migration's connection must not be inherited by workers
    # Each web process keeps its PostgreSQL connection between requests (checked before reuse):
    # a connection a request cost every write a backend forked, authenticated and torn down.
    for alias in connections:
        connections[alias].settings_dict.update(CONN_MAX_AGE=PERSISTENT_SECONDS,
                                                CONN_HEALTH_CHECKS=True)  # fmt: skip
    os.environ["KRATOMLOG_CLINIC"] = "1"
    ClinicServer(host, port, workers).run()
