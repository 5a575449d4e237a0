"""Django's admin for a clinic's admins: users (with their role and teams), teams, authenticators
and lockouts.

Only the admin role reaches it, and only with a session verified by TOTP (OTPAdminSite); the
sign-in middleware answers 404 to other staff. Every change made here is also audited.
"""

from typing import Any

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django_otp.admin import OTPAdminSite
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from kratomlog.clinic import admin_erasure, audit
from kratomlog.clinic.models import ADMIN, Account, Team
from kratomlog.clinic.policy import role_of


class ClinicAdminSite(OTPAdminSite):
    site_header = "kratomlog clinic: people and teams"
    site_title = "kratomlog clinic admin"
    index_title = "People and teams"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user  # type: ignore[attr-defined]
        return bool(user.is_active and role_of(user) == ADMIN and user.is_verified())

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        # One sign-in page for the whole clinic (password, then the authenticator).
        return HttpResponseRedirect("/accounts/login?next=/admin/")


site = ClinicAdminSite(name="admin")


class AdminsOnly:
    """Model permissions follow the clinic role, not Django's per-model permission rows."""

    def _admin(self, request: HttpRequest) -> bool:
        return role_of(request.user) == ADMIN  # type: ignore[attr-defined]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._admin(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._admin(request)

    def _audit(self, request: HttpRequest, what: str) -> None:
        audit.record(
            action="admin", actor=request.user, role=ADMIN,  # type: ignore[attr-defined]
            what=what, address=audit.client_address(request),
        )  # fmt: skip

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        self._audit(request, f"{'changed' if change else 'added'} {obj._meta.verbose_name} {obj}")

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self._audit(request, f"deleted {obj._meta.verbose_name} {obj}")
        super().delete_model(request, obj)  # type: ignore[misc]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self._audit(request, f"deleted {obj._meta.verbose_name} {obj}")
        super().delete_queryset(request, queryset)  # type: ignore[misc]


class AccountInline(admin.StackedInline):  # type: ignore[type-arg]
    model = Account
    can_delete = False
    fields = ("role", "display_name", "teams")
    filter_horizontal = ("teams",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return role_of(request.user) == ADMIN  # type: ignore[attr-defined]

    has_change_permission = has_view_permission = has_add_permission


class ClinicUserAdmin(AdminsOnly, UserAdmin):  # type: ignore[type-arg]
    inlines = (AccountInline,)
    list_display = ("username", "role", "display_name", "is_active", "last_login")
    list_filter = ("account__role", "account__teams", "is_active")
    search_fields = ("username", "email", "account__display_name")
    # Rights come from the clinic role, so Django's groups and permission flags are left out.
    fieldsets = (
        (None, {"fields": ("username", "email", "password")}),
        ("Status", {"fields": ("is_active", "last_login", "date_joined")}),
    )
    readonly_fields = ("last_login", "date_joined")

    @admin.display(description="role", ordering="account__role")
    def role(self, user: Any) -> str:
        return role_of(user) or "none"

    @admin.display(description="name", ordering="account__display_name")
    def display_name(self, user: Any) -> str:
        account = getattr(user, "account", None)
        return account.display_name if account else ""


class TeamAdmin(AdminsOnly, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "clinicians", "patient_count", "created_at")
    search_fields = ("name",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Team]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                clinician_count=Count("members", distinct=True),
                patients_count=Count("patients", distinct=True),
            )
        )

    @admin.display(description="members", ordering="clinician_count")
    def clinicians(self, team: Any) -> int:
        return int(team.clinician_count)

    @admin.display(description="patients", ordering="patients_count")
    def patient_count(self, team: Any) -> int:
        return int(team.patients_count)


class AuthenticatorAdmin(AdminsOnly, TOTPDeviceAdmin):  # type: ignore[misc]
    """Deleting a lost authenticator here lets `clinic add-user` send a new set-up link."""


class LockoutAdmin(AdminsOnly, AccessAttemptAdmin):  # type: ignore[misc]
    """Failed sign-ins by email and address; deleting a row lifts that lockout at once."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # rows come from failed sign-ins only


site.register(get_user_model(), ClinicUserAdmin)
site.register(Team, TeamAdmin)
site.register(TOTPDevice, AuthenticatorAdmin)
site.register(AccessAttempt, LockoutAdmin)
admin_erasure.erase_instead_of_delete(site)  # a user with audit rows is erased, not deleted
