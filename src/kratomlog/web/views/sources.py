"""Sources: every source behind a number or a recommendation, in plain words."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kratomlog.core.sources import ALL


def sources(request: HttpRequest) -> HttpResponse:
    return render(request, "web/sources.html", {"sources": ALL})
