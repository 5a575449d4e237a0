"""/sharing/studies/<name>: a patient joins or leaves a research study from their Sharing page
(the same services as the API's /me/studies)."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from kratomlog.clinic import audit
from kratomlog.core.errors import InputError
from kratomlog.research import services


@require_POST
def join_or_leave(request: HttpRequest, name: str) -> HttpResponse:
    user, now = request.user, timezone.now()  # type: ignore[attr-defined]
    address = audit.client_address(request)
    if request.POST.get("action") == "leave":
        services.leave(user=user, name=name, now=now, address=address)
        said = f"You left {name}: its later exports leave you out."
    elif request.POST.get("agree") != "yes":
        said = f"Not joined: tick “I have read this and agree” to take part in {name}."
    else:
        try:
            services.join(
                user=user, name=name, consent_version=request.POST.get("consent_version", ""),
                now=now, address=address,
            )  # fmt: skip
        except InputError:  # the text changed since the page was shown
            said = f"Not joined: the consent text of {name} has changed; read it again below."
        else:
            said = f"You take part in {name}. You can leave at any time, here."
    request.session["message"] = said
    return HttpResponseRedirect("/sharing#studies")
