"""A patient's Web Push subscriptions through the API: what a browser's PushSubscription gives."""

from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from kratomlog.clinic import push
from kratomlog.clinic.api_auth import Bearer
from kratomlog.clinic.api_errors import ApiInput, answers
from kratomlog.clinic.models import PATIENT, PushSubscription

router = Router(tags=["a patient's own journal"], auth=Bearer(PATIENT))


class SubscriptionKeys(ApiInput):
    p256dh: str = Field(max_length=100, description="the browser's P-256 key, base64url")
    auth: str = Field(max_length=40, description="the 16-byte auth secret, base64url")


class SubscriptionIn(ApiInput):
    """The browser's `PushSubscription.toJSON()`; `expirationTime` is accepted and not kept."""

    endpoint: str = Field(max_length=2048, description="https, on a known push service")
    keys: SubscriptionKeys
    expirationTime: int | None = None  # the browser's own spelling


class EndpointIn(ApiInput):
    endpoint: str = Field(max_length=2048)


class SubscriptionOut(Schema):
    id: int
    endpoint: str
    created_at: datetime
    last_sent_at: datetime | None
    last_status: int | None


class SubscriptionsOut(Schema):
    enabled: bool  # the clinic sends pushes (it has a VAPID subject)
    public_key: str | None  # the applicationServerKey to subscribe with; None while push is off
    subscriptions: list[SubscriptionOut]


def _out(subscription: PushSubscription) -> dict[str, Any]:
    return {key: getattr(subscription, key) for key in SubscriptionOut.model_fields}


@router.get("/me/push-subscriptions", response=answers(SubscriptionsOut))
def my_subscriptions(request: HttpRequest) -> dict[str, Any]:
    """Whether the clinic sends pushes, the key to subscribe with, and this user's subscriptions."""
    mine = PushSubscription.objects.filter(user=request.user).order_by("created_at", "id")
    return {
        "enabled": push.enabled(),
        "public_key": push.public_key() if push.enabled() else None,
        "subscriptions": [_out(subscription) for subscription in mine],
    }


@router.post("/me/push-subscriptions", response=answers(SubscriptionOut, 201))
def subscribe(request: HttpRequest, body: SubscriptionIn) -> Status:
    """Keep a browser's subscription: reminders and new messages are announced to it."""
    subscription = push.subscribe(
        request.user, body.endpoint, body.keys.p256dh, body.keys.auth, datetime.now(UTC)
    )
    return Status(201, _out(subscription))


@router.delete("/me/push-subscriptions", response=answers(None, 204))
def unsubscribe(request: HttpRequest, body: EndpointIn) -> Status:
    """Forget the subscription at `endpoint` (404 when this user has none there)."""
    if not push.unsubscribe(request.user, body.endpoint):
        return Status(404, {"detail": "Not Found"})
    return Status(204, None)
