"""Signing in with a one-time link, as Jupyter does: the link sets a session and is then spent."""

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from kratomlog.journal.models import Person
from kratomlog.web.models import LoginLink

LINK_LIFETIME = timedelta(hours=12)
SESSION_PERSON = "person_id"
OPEN_PATHS = ("/login/", "/welcome", "/static/", "/manifest.webmanifest", "/sw.js",
              "/favicon.ico")  # fmt: skip


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic  # a write waits in a transaction while another process writes
def new_link(person: Person, now: datetime) -> str:
    """A fresh token for `person`; only its hash is kept."""
    token = secrets.token_urlsafe(32)
    LoginLink.objects.create(person=person, token_hash=_digest(token), created_at=now)
    return token


@transaction.atomic
def spend(token: str, now: datetime) -> Person | None:
    """The link's person, if the link is unused and fresh; the link is spent either way."""
    link = LoginLink.objects.select_for_update().filter(token_hash=_digest(token)).first()
    if link is None or link.used_at is not None or now - link.created_at > LINK_LIFETIME:
        return None
    link.used_at = now
    link.save(update_fields=["used_at"])
    return link.person


def login(request: HttpRequest, token: str) -> HttpResponse:
    person = spend(token, timezone.now())
    if person is None:
        return render(request, "web/welcome.html", {"spent": True}, status=403)
    request.session.cycle_key()
    request.session[SESSION_PERSON] = person.id
    return HttpResponseRedirect(reverse("today"))


def welcome(request: HttpRequest) -> HttpResponse:
    return render(request, "web/welcome.html", {"spent": False})


class SignedInMiddleware:
    """Every page needs a session made by a login link; without one, say how to get a link."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(OPEN_PATHS):
            person_id = request.session.get(SESSION_PERSON)
            person = Person.objects.filter(id=person_id).first() if person_id else None
            if person is None:
                return HttpResponseRedirect(reverse("welcome"))
            request.person = person  # type: ignore[attr-defined]
        return self.get_response(request)
