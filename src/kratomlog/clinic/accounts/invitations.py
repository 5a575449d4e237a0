"""Invitations on the web: a clinician makes one (/accounts/invite-patient); the patient opens
its link (/invite/<code>), reads the consent text, makes an account and agrees."""

from zoneinfo import available_timezones

from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone

from kratomlog.clinic import audit, invitations
from kratomlog.clinic.accounts.authenticator import qr_svg
from kratomlog.clinic.consent import CARE_CONSENT
from kratomlog.clinic.models import CLINICIAN
from kratomlog.clinic.policy import require_role
from kratomlog.core.errors import InputError

ZONES = sorted(available_timezones())


def _gone(request: HttpRequest, reason: invitations.InvitationGone) -> HttpResponse:
    return render(request, "clinic/accounts/invitation_gone.html", {"reason": reason}, status=410)


def accept(request: HttpRequest, code: str) -> HttpResponse:
    """The patient's side: consent text, email, password, time zone, "I agree"."""
    now = timezone.now()
    try:
        invitation = invitations.open_invitation(code, now)
    except invitations.InvitationGone as gone:
        return _gone(request, gone)
    form = {
        "email": request.POST.get("email", invitation.email).strip(),
        "timezone": request.POST.get("timezone", "").strip(),
    }
    error: InputError | None = None
    if request.method == "POST":
        try:
            if request.POST.get("password", "") != request.POST.get("password_again", ""):
                raise InputError("password", "the two passwords differ; type the same one twice")
            if request.POST.get("agree") != "yes":
                raise InputError(
                    "I agree", "tick it to join: your care team sees your journal only if you agree"
                )
            patient = invitations.join(
                code,
                email=form["email"],
                password=request.POST.get("password", ""),
                timezone=form["timezone"],
                consent_version=request.POST.get("consent_version", ""),
                share_with_care_team=True,
                now=now,
                address=audit.client_address(request),
            )
        except invitations.InvitationGone as gone:
            return _gone(request, gone)
        except InputError as bad:
            error = bad
        else:
            login(request, patient.user, backend="django.contrib.auth.backends.ModelBackend")
            return HttpResponseRedirect("/")
    return render(
        request,
        "clinic/accounts/accept_invitation.html",
        {
            "team": invitation.team,
            "consent": CARE_CONSENT,
            "paragraphs": CARE_CONSENT.text.split("\n\n"),
            "zones": ZONES,
            "form": form,
            "error": error,
        },
        status=400 if error else 200,
    )


def invite_patient(request: HttpRequest) -> HttpResponse:
    """The clinician's side: a one-time code and link for one of their teams (14 days), for
    the patient named; sent by mail when asked."""
    user = request.user  # type: ignore[attr-defined]
    require_role(user, CLINICIAN)
    teams = list(user.account.teams.order_by("name"))
    typed = {
        name: request.POST.get(name, "").strip()
        for name in ("display_name", "record_number", "email", "team")
    }
    typed["send"] = request.POST.get("send", "")
    context: dict[str, object] = {"teams": teams, "error": None, "new": None, "typed": typed}
    if request.method == "POST":
        try:
            if typed["send"] == "yes" and not typed["email"]:
                raise InputError("email", "give the patient's email to send the invitation by mail")
            new = invitations.invite(
                user,
                timezone.now(),
                team_name=typed["team"] or None,
                address=audit.client_address(request),
                display_name=typed["display_name"],
                record_number=typed["record_number"],
                email=typed["email"],
            )
        except InputError as bad:
            context["error"] = bad
        else:
            context["new"] = new
            context["qr"] = qr_svg(new.url, title="QR code of the invitation link")
            context["typed"] = {"team": typed["team"]}
            if typed["send"] == "yes":
                try:
                    invitations.mail_invitation(new, user)
                except OSError:
                    context["mail_failed"] = True
                else:
                    context["mailed"] = True
    status = 400 if context["error"] else 200
    return render(request, "clinic/accounts/invite_patient.html", context, status=status)
