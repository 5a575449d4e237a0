"""Signing in to a clinic: email and password for everyone, then a TOTP code for staff.

The password step never signs staff in by itself: it only remembers, for a few minutes, who
passed it; the session becomes theirs (and verified) when the authenticator code is right.
django-axes sees every attempt (it needs the request) and locks an account out after 5 failures.
"""

import time
from typing import Any

import django_otp
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model, login, logout
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from kratomlog.clinic import audit
from kratomlog.clinic.accounts import api_tokens
from kratomlog.clinic.accounts.authenticator import check_code, confirmed_device, wait_seconds
from kratomlog.clinic.models import ADMIN, CLINICIAN, PATIENT, RESEARCHER
from kratomlog.clinic.policy import is_staff_role, role_of

PENDING = "clinic_password_passed"  # {"user": id, "backend": path, "next": path, "at": seconds}
PENDING_SECONDS = 5 * 60
DEMO_SALT = "kratomlog.clinic.demo-sign-in"
DEMO_LINK_SECONDS = 7 * 24 * 3600


def home_for(user: Any) -> str:
    """Where a user lands after signing in: patients on Today, clinicians on triage,
    researchers on their studies, admins on people and teams."""
    return {PATIENT: "/", CLINICIAN: "/clinic/", RESEARCHER: "/research/", ADMIN: "/admin/"}.get(
        role_of(user) or "", "/accounts/"
    )


def _next(request: HttpRequest, value: str | None) -> str | None:
    if value and url_has_allowed_host_and_scheme(value, {request.get_host()}):
        return value
    return None


def _form(
    request: HttpRequest, error: str = "", email: str = "", status: int = 200
) -> HttpResponse:
    context = {
        "error": error,
        "email": email,
        "next": _next(request, request.GET.get("next") or request.POST.get("next")) or "",
        "idle": request.GET.get("idle") == "1",
        "signed_out": request.GET.get("signed_out") == "1",
    }
    return render(request, "clinic/accounts/login.html", context, status=status)


def login_page(request: HttpRequest) -> HttpResponse:
    user = request.user  # type: ignore[attr-defined]
    if request.method != "POST":
        if role_of(user) == PATIENT or (is_staff_role(user) and user.is_verified()):
            return HttpResponseRedirect(home_for(user))
        return _form(request)
    email = request.POST.get("email", "").strip().lower()
    password = request.POST.get("password", "")
    if "\x00" in email or len(email) > 254 or "@" not in email:  # no account has such a name
        return _form(
            request, f"email: {email!r} is not an email address (name@example.org)", status=400
        )
    found = authenticate(request, username=email, password=password)
    if found is None:  # a locked-out account gets axes' lockout page instead of this one
        return _form(
            request,
            "email or password: they do not match an account. After 5 wrong tries the "
            "account is locked for an hour.",
            email,
            status=400,
        )
    role = role_of(found)
    if role is None:
        return _form(request, "email: this account has no role in the clinic", email, 400)
    next_page = _next(request, request.POST.get("next"))
    if role == PATIENT:
        login(request, found)
        return HttpResponseRedirect(next_page or home_for(found))
    if confirmed_device(found) is None:
        return _form(
            request,
            "authenticator: this account has no authenticator app yet. Open your set-up link "
            "to enrol one (an administrator can give you a new link).",
            email,
            400,
        )
    request.session[PENDING] = {
        "user": found.pk, "backend": found.backend, "next": next_page, "at": time.time(),
    }  # fmt: skip
    return HttpResponseRedirect("/accounts/verify")


def locked_out(
    request: HttpRequest, response: HttpResponse | None, credentials: dict[str, Any] | None
) -> HttpResponse:
    """django-axes' answer to a locked-out account: a page that says what happened and for how
    long, with status 429 (Too Many Requests)."""
    hours = settings.AXES_COOLOFF_TIME
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "email": (credentials or {}).get("username") or request.POST.get("email", ""),
        "minutes": round(float(hours) * 60) if isinstance(hours, int | float) else None,
    }
    return render(request, "clinic/accounts/locked_out.html", context, status=429)


def _pending_user(request: HttpRequest) -> tuple[Any, dict[str, Any]] | None:
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        return None
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    return (user, pending) if user is not None else None


def verify(request: HttpRequest) -> HttpResponse:
    """The second step for staff: the code their authenticator app shows now."""
    found = _pending_user(request)
    if found is None:
        request.session.pop(PENDING, None)
        return HttpResponseRedirect(settings.LOGIN_URL)
    user, pending = found
    device = confirmed_device(user)
    if device is None:
        return HttpResponseRedirect(settings.LOGIN_URL)
    if request.method != "POST":
        return render(request, "clinic/accounts/verify.html", {"error": ""})
    wait = wait_seconds(device)
    if wait is not None:
        error = f"code: after a wrong code, wait {wait} seconds before the next try"
    elif check_code(device, request.POST.get("code", "")):
        request.session.pop(PENDING, None)
        login(request, user, backend=pending["backend"])
        django_otp.login(request, device)
        return HttpResponseRedirect(pending["next"] or home_for(user))
    else:
        audit.record(
            action="sign-in-failed", actor=user, role=role_of(user) or "",
            what="wrong authenticator code", address=audit.client_address(request),
        )  # fmt: skip
        error = "code: that is not the code your authenticator app shows now (6 digits)"
    return render(request, "clinic/accounts/verify.html", {"error": error}, status=400)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    user = request.user  # type: ignore[attr-defined]
    if user.is_authenticated:
        audit.record(
            action="sign-out", actor=user, role=role_of(user) or "",
            address=audit.client_address(request),
        )  # fmt: skip
    logout(request)
    return HttpResponseRedirect(f"{settings.LOGIN_URL}?signed_out=1")


def account(request: HttpRequest) -> HttpResponse:
    """A staff member's own page: who they are, their teams, where their work is, the time zone
    they read times in (blank: the clinic's), and their API tokens."""
    from kratomlog.clinic.accounts.invitations import ZONES

    user = request.user  # type: ignore[attr-defined]
    account = user.account
    error, chosen, status, saved = "", account.timezone, 200, False
    if request.method == "POST" and api_tokens.revoke_asked(request):
        request.session["tokens_message"] = api_tokens.revoke_from_form(request)
        return HttpResponseRedirect(request.path)
    if request.method == "POST":
        chosen = request.POST.get("timezone", "").strip()
        if chosen and chosen not in ZONES:
            error, status = f"Time zone: {chosen!r} is not one of the list's IANA zones", 400
        else:
            account.timezone = chosen
            account.save(update_fields=["timezone"])
            return HttpResponseRedirect(f"{request.path}?saved=1")
    saved = request.GET.get("saved") == "1"
    return render(
        request,
        "clinic/accounts/account.html",
        {
            "account": account, "teams": account.teams.order_by("name"), "zones": ZONES,
            "chosen": chosen, "error": error, "saved": saved,
            "clinic_zone": settings.CLINIC_TIMEZONE,
            "zone": account.timezone or settings.CLINIC_TIMEZONE,
            "tokens_message": request.session.pop("tokens_message", None),
            **api_tokens.listed(user),
        },
        status=status,
    )  # fmt: skip


def demo_link(user: Any) -> str:
    """A sign-in link for the demo clinic's people (`clinic demo` only), signed, for a week."""
    token = signing.dumps(user.pk, salt=DEMO_SALT)
    return f"{settings.CLINIC_BASE_URL.rstrip('/')}/accounts/demo/{token}"


def demo_sign_in(request: HttpRequest, token: str) -> HttpResponse:
    """Only in `kratomlog clinic demo`: sign in by link, staff verified without a code."""
    if not settings.CLINIC_DEMO:
        raise Http404
    try:
        user_id = signing.loads(token, salt=DEMO_SALT, max_age=DEMO_LINK_SECONDS)
    except signing.BadSignature:
        raise Http404 from None
    user = get_user_model().objects.get(pk=user_id)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if is_staff_role(user):
        django_otp.login(request, confirmed_device(user))
    return HttpResponseRedirect(home_for(user))
