"""Who is signed in, and what each kind of user may reach at all (finer rules: policy).

Patients use the very same pages as the local app (the middleware gives them `request.person`,
their own journal); staff work under /clinic/ and must have passed TOTP; a staff session ends
after 15 idle minutes. Every write a patient makes to their journal is audited here, in one place.
"""

import contextlib
import ipaddress
import time
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.contrib.auth import logout
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone

from kratomlog.clinic import audit
from kratomlog.clinic.models import ADMIN, PATIENT
from kratomlog.clinic.policy import is_staff_role, role_of

OPEN_PATHS = ("/accounts/", "/invite/", "/setup/", "/static/", "/api/", "/manifest.webmanifest",
              "/sw.js", "/favicon.ico", "/calendar/")  # fmt: skip
STAFF_PATHS = ("/clinic/", "/admin/", "/research/")
# Staff pages that live among the open /accounts/ pages: they need a verified session too.
STAFF_ACCOUNT_PAGES = ("/accounts/", "/accounts/invite-patient")
ADMIN_PATHS = ("/admin/",)
# Journal pages that are not a journal: staff read them too (the footer links the sources).
SHARED_PAGES = ("/sources",)
# Patient POSTs whose service writes its own audit row (a consent change): not recorded twice.
SELF_AUDITED = ("/sharing",)
LAST_SEEN = "last_seen"


class ClinicSignedInMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user  # type: ignore[attr-defined]
        if is_staff_role(user):
            now = time.time()
            last = request.session.get(LAST_SEEN)
            if last is not None and now - last > settings.STAFF_IDLE_SECONDS:
                logout(request)
                return HttpResponseRedirect(f"{settings.LOGIN_URL}?idle=1")
            request.session[LAST_SEEN] = now
            # The pages shared with patients (Sources) show the staff navigation, not the journal's.
            if user.is_verified():
                request.staff_role = role_of(user)  # type: ignore[attr-defined]
            # Staff read every time in their own zone (the clinic's when they chose none).
            with timezone.override(staff_zone(user)):
                return self._answer(request, user)
        return self._answer(request, user)

    def _answer(self, request: HttpRequest, user: Any) -> HttpResponse:
        staff_only = request.path.startswith(STAFF_PATHS) or request.path in STAFF_ACCOUNT_PAGES
        if request.path.startswith(OPEN_PATHS) and not staff_only:
            return self.get_response(request)
        if not user.is_authenticated:
            return HttpResponseRedirect(f"{settings.LOGIN_URL}?next={request.path}")
        role = role_of(user)
        if staff_only:
            if role is None or role == PATIENT:
                raise Http404
            if request.path.startswith(ADMIN_PATHS) and role != ADMIN:
                raise Http404  # user and team management is the admins' alone
            if not user.is_verified():  # password alone is not enough for staff
                return HttpResponseRedirect(f"{settings.LOGIN_URL}?next={request.path}")
            return self.get_response(request)
        if role != PATIENT and request.path in SHARED_PAGES:
            return self.get_response(request)
        if role != PATIENT:
            # The journal pages are a patient's own; staff have theirs under /clinic/.
            if role is None:
                raise Http404
            from kratomlog.clinic.accounts.sign_in import home_for

            return HttpResponseRedirect(home_for(user))
        patient = user.patient
        request.person = patient.person  # type: ignore[attr-defined]
        request.patient = patient  # type: ignore[attr-defined]
        response = self.get_response(request)
        if (
            request.method == "POST"
            and response.status_code < 400
            and not request.path.startswith(SELF_AUDITED)
        ):
            audit.record(
                action="write", actor=user, role=PATIENT, what=request.path, patient=patient,
                address=audit.client_address(request),
            )  # fmt: skip
        elif request.path.startswith("/export") and response.status_code == 200:
            audit.record(
                action="export", actor=user, role=PATIENT, what=request.path, patient=patient,
                address=audit.client_address(request),
            )  # fmt: skip
        return response


def staff_zone(user: Any) -> ZoneInfo:
    """A staff member's own zone (Account.timezone), else the clinic's (CLINIC_TIMEZONE)."""
    for name in (user.account.timezone, settings.CLINIC_TIMEZONE):
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            continue  # blank or no longer known: the next one
    return ZoneInfo("UTC")


class ProxiedClientAddress:
    """Behind a TLS proxy on this machine (KRATOMLOG_HTTPS=1), the client's address is the one
    the proxy added last to X-Forwarded-For: the audit log and the lockout need the client's
    address, not the proxy's. The header is believed only from a loopback peer (the proxy), so a
    client cannot choose the address it is recorded under."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded and _is_loopback(request.META.get("REMOTE_ADDR", "")):
            client = forwarded.split(",")[-1].strip()
            # Not an address: keep the proxy's rather than record nonsense.
            with contextlib.suppress(ValueError):
                request.META["REMOTE_ADDR"] = str(ipaddress.ip_address(client))
        return self.get_response(request)


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False
