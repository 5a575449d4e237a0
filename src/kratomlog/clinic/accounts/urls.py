"""/accounts/: signing in and out, a staff member's own page, a clinician's invitations."""

from django.conf import settings
from django.urls import path

from kratomlog.clinic.accounts import invitations, password_reset, sign_in

urlpatterns = [
    path("", sign_in.account, name="account"),
    path("login", sign_in.login_page, name="clinic-login"),
    path("verify", sign_in.verify, name="verify"),
    path("logout", sign_in.sign_out, name="sign-out"),
    path("invite-patient", invitations.invite_patient, name="invite-patient"),
    path("password-reset", password_reset.AskForLink.as_view(), name="password-reset"),
    path("password-reset/sent", password_reset.LinkSent.as_view(), name="password-reset-sent"),
    path(
        "password-reset/<uidb64>/<token>",
        password_reset.ChooseNewPassword.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "password-reset/done", password_reset.PasswordChanged.as_view(), name="password-reset-done"
    ),
    *(
        [path("demo/<str:token>", sign_in.demo_sign_in, name="demo-sign-in")]
        if settings.CLINIC_DEMO
        else []
    ),
]
