"""The Settings page's notifications panel: only in a clinic, for a patient (a local journal has
no push service to send through)."""

from typing import Any

from django import template
from django.conf import settings

register = template.Library()


@register.inclusion_tag("web/_notifications.html", takes_context=True)
def notifications_panel(context: Any) -> dict[str, Any]:
    request = context.get("request")
    patient = getattr(request, "patient", None) if request is not None else None
    if not settings.CLINIC or patient is None:
        return {"shown": False}
    from kratomlog.clinic import push

    on = push.enabled()
    return {
        "shown": True,
        "enabled": on,
        "public_key": push.public_key() if on else "",
        "subscribed": push.has_subscription(patient.user),
        "csrf_token": context.get("csrf_token"),
    }
