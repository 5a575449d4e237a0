"""What makes the app installable: the manifest and the service worker, served from the root."""

import functools
import hashlib
import json

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.templatetags.static import static


def installed_name() -> str:
    """The name an installed app shows under its icon and on a lock screen. A clinic's is its
    display name, as the title of its reminders (never the app's own, which says kratom: a
    phone's home screen is seen by anyone nearby); a local journal keeps its own."""
    if not settings.CLINIC:
        return "kratomlog"
    from kratomlog.clinic.reminders.channels import title

    return title()


def manifest(request: HttpRequest) -> HttpResponse:
    name = installed_name()
    clinic = bool(settings.CLINIC)
    data = {
        "name": name,
        "short_name": name,
        "description": "Check-ins and messages with your care team"
        if clinic
        else "A private journal for kratom use, limits, tapering and recovery",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#2f5d50",
        "icons": [
            {
                "src": static("web/icon.svg"),
                "sizes": "any",
                "type": "image/svg+xml",
                "purpose": "any",
            }
        ],
    }
    return HttpResponse(json.dumps(data), content_type="application/manifest+json")


# The files the service worker keeps (its SHELL_FILES), by their static paths.
SHELL_FILES = ("web/app.css", "web/app.js", "web/icon.svg", "django_htmx/htmx-2.min.js")


def service_worker(request: HttpRequest) -> HttpResponse:
    """At the root so that its scope is the whole app. Its cache is named after the shell's
    content: the worker serves the shell from its cache first, so an upgrade that changes a
    style or a script must change the worker too, or the browser would keep the old ones."""
    path = finders.find("web/sw.js")
    with open(str(path), encoding="utf-8") as source:
        text = source.read().replace("kratomlog-shell-v1", f"kratomlog-shell-{shell_digest()}")
    response = HttpResponse(text, content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    return response


@functools.cache
def shell_digest() -> str:
    digest = hashlib.sha256()
    for name in SHELL_FILES:
        with open(str(finders.find(name)), "rb") as shell_file:
            digest.update(shell_file.read())
    return digest.hexdigest()[:12]
