"""What every page needs: the signed-in person, the moment now, and how to show a bad field."""

from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone

from kratomlog.core.errors import InputError
from kratomlog.journal.models import Person


def person_of(request: HttpRequest) -> Person:
    return request.person  # type: ignore[attr-defined, no-any-return]  # set by SignedInMiddleware


def now() -> datetime:
    return timezone.now()


def field(request: HttpRequest, name: str) -> str | None:
    """A form field, stripped; None when left empty."""
    value = request.POST.get(name, "").strip()
    return value or None


def number(text: str | None, label: str) -> float:
    """A number typed into a form ("2,5" too), or an error that names the field."""
    try:
        return float((text or "").strip().replace(",", "."))
    except ValueError:
        raise InputError(label, f"{text!r} is not a number") from None
