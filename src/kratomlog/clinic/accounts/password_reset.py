"""A patient who forgot their password gets a one-time link by mail (Django's password reset).

The page says the same whether or not the email has an account, so it tells no one who is a
patient. The link works once (it is signed over the password it replaces) and for an hour.
Staff are never mailed a link: their second factor is enrolled by a set-up link, so an admin
runs `kratomlog clinic add-user` again for them. Asking is limited per address and per account,
counted in the audit log, which every app process shares.
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import views
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.http import base36_to_int

from kratomlog.clinic import audit
from kratomlog.clinic.models import PATIENT, AuditEntry

LINK_SECONDS = 3600
ASKED = "password-reset-asked"
MOST_A_HOUR_FROM_ADDRESS = 5
MOST_A_HOUR_FOR_ACCOUNT = 3


class OneHourLink(PasswordResetTokenGenerator):
    """Django's token, valid for an hour instead of PASSWORD_RESET_TIMEOUT's three days."""

    def check_token(self, user: Any, token: str | None) -> bool:
        if not super().check_token(user, token):
            return False
        made = base36_to_int(str(token).split("-")[0])
        return self._num_seconds(self._now()) - made <= LINK_SECONDS


one_hour_link = OneHourLink()


def _asked_since(hours: int = 1) -> Any:
    return AuditEntry.objects.filter(action=ASKED, at__gte=timezone.now() - timedelta(hours=hours))


class PatientResetForm(PasswordResetForm):
    """Mails active patients only, at most a few times an hour each; says nothing either way."""

    def get_users(self, email: str) -> Any:
        for user in super().get_users(email):
            if getattr(getattr(user, "account", None), "role", None) != PATIENT:
                continue  # staff: a new set-up link from an admin
            if _asked_since().filter(actor=user).count() >= MOST_A_HOUR_FOR_ACCOUNT:
                continue
            audit.record(action=ASKED, actor=user, role=PATIENT, what="link mailed")
            yield user


class AskForLink(views.PasswordResetView):
    form_class = PatientResetForm
    template_name = "clinic/accounts/password_reset_form.html"
    email_template_name = "clinic/accounts/password_reset_email.txt"
    subject_template_name = "clinic/accounts/password_reset_subject.txt"
    success_url = reverse_lazy("password-reset-sent")
    token_generator = one_hour_link

    def form_valid(self, form: Any) -> HttpResponse:
        # Counted once the form is valid, past Django's CSRF check: a request from elsewhere
        # cannot use up a patient's address's allowance.
        address = audit.client_address(self.request)
        if _asked_since().filter(address=address).count() >= MOST_A_HOUR_FROM_ADDRESS:
            return render(self.request, "clinic/accounts/password_reset_too_many.html", status=429)
        audit.record(action=ASKED, what="reset asked", address=address)
        self.extra_email_context = {"base_url": settings.CLINIC_BASE_URL.rstrip("/")}
        return super().form_valid(form)


class LinkSent(views.PasswordResetDoneView):
    template_name = "clinic/accounts/password_reset_sent.html"


class ChooseNewPassword(views.PasswordResetConfirmView):
    template_name = "clinic/accounts/password_reset_confirm.html"
    success_url = reverse_lazy("password-reset-done")
    token_generator = one_hour_link

    def get_user(self, uidb64: str) -> Any:
        user = super().get_user(uidb64)
        patient_role = getattr(getattr(user, "account", None), "role", None) == PATIENT
        return user if user is not None and user.is_active and patient_role else None

    def form_valid(self, form: Any) -> HttpResponse:
        answer = super().form_valid(form)
        audit.record(
            action="password-reset", actor=form.user, role=PATIENT,
            address=audit.client_address(self.request),
        )  # fmt: skip
        return answer


class PasswordChanged(views.PasswordResetCompleteView):
    template_name = "clinic/accounts/password_reset_done.html"
