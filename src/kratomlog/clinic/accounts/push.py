"""The Settings page's notifications: the page's script posts the browser's PushSubscription
here (the page is signed in by its session; the API wants a token), and the same service keeps
it as POST /api/v1/me/push-subscriptions does."""

import json
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kratomlog.clinic import push
from kratomlog.clinic.policy import own_patient
from kratomlog.core.errors import InputError


def _body(request: HttpRequest) -> dict[str, Any]:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        raise InputError("body", "not JSON") from None
    if not isinstance(body, dict):
        raise InputError("body", "not a JSON object")
    return body


def _refused(error: InputError) -> JsonResponse:
    return JsonResponse({"field": error.field, "problem": error.problem}, status=422)


@require_POST
def turn_on(request: HttpRequest) -> HttpResponse:
    """Keep this browser's subscription: {"endpoint", "keys": {"p256dh", "auth"}}."""
    user = request.user  # type: ignore[attr-defined]
    own_patient(user)  # staff have no notifications here: 404
    try:
        body = _body(request)
        keys = body.get("keys") if isinstance(body.get("keys"), dict) else {}
        text = {name: value for name, value in (("endpoint", body.get("endpoint")),
                ("keys.p256dh", keys.get("p256dh")), ("keys.auth", keys.get("auth")))}  # fmt: skip
        for name, value in text.items():
            if not isinstance(value, str):
                raise InputError(name, "missing; send the browser's PushSubscription JSON")
        push.subscribe(user, text["endpoint"], text["keys.p256dh"], text["keys.auth"],
                       timezone.now())  # fmt: skip
    except InputError as error:
        return _refused(error)
    return JsonResponse({"on": True}, status=201)


@require_POST
def turn_off(request: HttpRequest) -> HttpResponse:
    """Forget this browser's subscription: {"endpoint"}."""
    user = request.user  # type: ignore[attr-defined]
    own_patient(user)
    try:
        endpoint = _body(request).get("endpoint")
        if not isinstance(endpoint, str):
            raise InputError("endpoint", "missing; send the subscription's endpoint")
    except InputError as error:
        return _refused(error)
    push.unsubscribe(user, endpoint)
    return HttpResponse(status=204)
