"""The Sharing page's block of research studies: those the patient may join, joined or not."""

from typing import Any

from django import template
from django.utils import timezone

from kratomlog.research import services

register = template.Library()


@register.inclusion_tag("clinic/accounts/_studies.html", takes_context=True)
def studies_to_join(context: Any) -> dict[str, Any]:
    request = context["request"]
    return {
        "studies": services.studies_for_patient(request.user, timezone.now()),
        "study_error": context.get("study_error"),
        "csrf_token": context.get("csrf_token"),
    }
