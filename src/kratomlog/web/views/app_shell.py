"""What makes the app installable: the manifest and the service worker, served from the root."""

import json

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.templatetags.static import static


def manifest(request: HttpRequest) -> HttpResponse:
    data = {
        "name": "kratomlog",
        "short_name": "kratomlog",
        "description": "A private journal for kratom use, limits, tapering and recovery",
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


def service_worker(request: HttpRequest) -> HttpResponse:
    """At the root so that its scope is the whole app."""
    path = finders.find("web/sw.js")
    with open(str(path), encoding="utf-8") as source:
        response = HttpResponse(source.read(), content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    return response
