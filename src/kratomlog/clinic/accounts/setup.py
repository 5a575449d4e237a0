"""/setup/<token>: new staff set a password, then enrol an authenticator app, then are signed in.

Two steps on one link: the password first (Django's validators), then the QR code and a code
from the app to confirm it. The link is spent only when both are done, so a person who stops
half-way can come back to the same link within its 72 hours.
"""

import django_otp
from django.contrib.auth import login
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone

from kratomlog.clinic import audit, people
from kratomlog.clinic.accounts.authenticator import check_code, enrolment, wait_seconds
from kratomlog.clinic.accounts.sign_in import home_for
from kratomlog.core.errors import InputError


def setup(request: HttpRequest, token: str) -> HttpResponse:
    now = timezone.now()
    try:
        link = people.open_setup_link(token, now)
    except people.SetupLinkGone as gone:
        return render(request, "clinic/accounts/setup_gone.html", {"reason": gone}, status=410)
    user = link.user
    error: InputError | None = None
    if request.method == "POST" and "password" in request.POST:
        try:
            people.set_staff_password(
                link, request.POST.get("password", ""), request.POST.get("password_again", "")
            )
        except InputError as bad:
            error = bad
        else:
            return HttpResponseRedirect(request.path)  # on to the authenticator
    if not user.has_usable_password():
        return render(
            request,
            "clinic/accounts/setup_password.html",
            {"account": user.account, "error": error},
            status=400 if error else 200,
        )
    enrolling = enrolment(user)
    if request.method == "POST" and "code" in request.POST:
        wait = wait_seconds(enrolling.device)
        if wait is not None:
            error = InputError("code", f"after a wrong code, wait {wait} seconds")
        elif check_code(enrolling.device, request.POST["code"]):
            try:
                with transaction.atomic():
                    enrolling.device.confirmed = True
                    enrolling.device.save(update_fields=["confirmed"])
                    people.finish_setup(link, now, audit.client_address(request))
            except people.SetupLinkGone as gone:  # the same link finished in another tab
                return render(
                    request, "clinic/accounts/setup_gone.html", {"reason": gone}, status=410
                )
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            django_otp.login(request, enrolling.device)
            return HttpResponseRedirect(home_for(user))
        else:
            error = InputError(
                "code", "that is not the code the app shows now; check the app's clock and retry"
            )
    return render(
        request,
        "clinic/accounts/setup_authenticator.html",
        {"account": user.account, "enrolment": enrolling, "error": error},
        status=400 if error else 200,
    )
