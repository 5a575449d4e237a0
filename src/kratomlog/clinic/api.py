"""The clinic's REST API under /api/v1/ (django-ninja): the contract outside tools rely on.

`Authorization: Bearer TOKEN` (no token or a bad one: 401; every use audited). Forbidden and
unknown answer alike (404). Bad input answers 422 naming the field, and writes nothing.
"""

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, re_path
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI

from kratomlog.clinic.api_auth import Bearer, audit_token_use
from kratomlog.core.errors import InputError

api = NinjaAPI(
    title="kratomlog clinic API",
    version="1",
    urls_namespace="api",
    auth=Bearer(),
    docs_url="/docs",
)


_log = logging.getLogger("kratomlog.api")

# The services name fields as the CLI spells them; the API names its own.
_FIELDS = {"--answers": "answers", "INSTRUMENT": "kind", "--at": "taken_at", "AMOUNT": "amount",
           "--product": "product", "--category": "category", "--on": "on", "--start": "start",
           "--form": "form"}  # fmt: skip


@api.exception_handler(InputError)
def bad_input(request: HttpRequest, error: InputError) -> HttpResponse:
    """The same shape as django-ninja's own validation errors: the field, and what is wrong."""
    field = _FIELDS.get(error.field, error.field)
    detail = [{"loc": ["body", field], "msg": error.problem, "type": "value_error"}]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "Not Found"}, status=404)


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def database_down(request: HttpRequest, error: Exception) -> HttpResponse:
    """The database cannot be reached (down, restarting, out of connections): try again later."""
    _log.error("the database cannot be reached: %s %s: %s", request.method, request.path, error)
    answer = {"detail": "the clinic's database cannot be reached now; try again in a minute"}
    response = api.create_response(request, answer, status=503)
    response["Retry-After"] = "60"
    return response


@api.exception_handler(SuspiciousOperation)
def refused_request(request: HttpRequest, error: SuspiciousOperation) -> HttpResponse:
    """What Django itself refuses (a body over the size limit, too many fields): 400, as before."""
    if isinstance(error, RequestDataTooBig):
        most = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
        detail = f"body: larger than the {most} MB a request may hold; send it in parts"
    else:
        detail = f"refused: {error}"
    return api.create_response(request, {"detail": detail}, status=400)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": "Not Found"}, status=404)  # as unknown


@api.exception_handler(Exception)
def unexpected(request: HttpRequest, error: Exception) -> HttpResponse:
    """A fault of ours: logged with its traceback (redacted), answered in JSON like the rest."""
    _log.error("API error: %s %s", request.method, request.path, exc_info=error)
    answer = {"detail": "something went wrong on the clinic's side; it has been logged"}
    return api.create_response(request, answer, status=500)


api.add_router("", "kratomlog.clinic.api_public.router")
api.add_router("/me", "kratomlog.clinic.api_me.router")
api.add_router("/me", "kratomlog.clinic.api_sync.router")  # a local journal's sync
api.add_router("", "kratomlog.clinic.api_help.router")  # Help now, the plan for hard moments
api.add_router("", "kratomlog.clinic.api_messages.router")  # a patient and their care team
api.add_router("", "kratomlog.clinic.api_push.router")  # Web Push subscriptions
api.add_router("", "kratomlog.clinic.api_staff.router")
api.add_router("", "kratomlog.clinic.api_outcomes.router")  # change since enrolment
api.add_router("", "kratomlog.clinic.api_schedules.router")  # schedules, ledger, reminders
api.add_router("", "kratomlog.research.api.router")  # studies: GET /studies, /me/studies/...
api.add_router("", "kratomlog.research.api.fhir_router")  # GET /patients/{id}/fhir


def _unknown(request: HttpRequest) -> HttpResponse:
    return api.create_response(request, {"detail": "Not Found"}, status=404)


@csrf_exempt  # a POST to nowhere is answered 404 too, not with the pages' CSRF refusal
def unknown_address(request: HttpRequest) -> HttpResponse:
    """A path under /api/v1/ that names no endpoint: the API's 404 in JSON, never a page."""
    return _unknown(request)


def _always_json(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """django-ninja answers a method an address lacks with a plain-text 405, and its root
    (/api/v1/) raises a bare 404 past its own handlers: both in the API's JSON shape here."""

    @wraps(view)
    def answer(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            return _unknown(request)
        finally:
            audit_token_use(request)
        if response.status_code == 405 and "json" not in response.get("Content-Type", ""):
            allowed = response["Allow"]
            detail = f"method {request.method} is not one this address answers ({allowed})"
            json = api.create_response(request, {"detail": detail}, status=405)
            json["Allow"] = allowed
            return json
        return response

    return answer


def urls() -> list[URLPattern | URLResolver]:
    """The API's URLs (to mount at api/v1/), ending with the JSON 404 for any other path."""
    patterns, _, _ = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = _always_json(pattern.callback)
    return [*patterns, re_path(r"^", unknown_address)]
