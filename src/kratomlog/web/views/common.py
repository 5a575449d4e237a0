"""What every page needs: the signed-in person, the moment now, and how to show a bad field."""

import sys
from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone

from kratomlog.core.amounts import parse_number
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
    """A number typed into a form, in the forms the command line takes ("2.5", "2,5"): never
    "nan", "inf" or "1e308", which float() would take. Its range is the service's to check."""
    return parse_number(text or "", label, most=sys.float_info.max)


def whole(text: str | None, label: str) -> int:
    """A whole number typed into a form; "²" is a digit to str.isdigit, not to this."""
    cleaned = (text or "").strip()
    if not (cleaned.isascii() and cleaned.isdigit()):
        raise InputError(label, f"{text!r} is not a whole number")
    if len(cleaned) > 100:  # the service says what range it takes; this only spares int()
        raise InputError(label, f"{cleaned[:20]}... is out of range")
    return int(cleaned)
