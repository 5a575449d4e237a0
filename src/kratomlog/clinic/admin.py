"""Django's admin for a clinic's admins: users (with their role and teams), teams, authenticators
and lockouts.

Only the admin role reaches it, and only with a session verified by TOTP (OTPAdminSite); the
sign-in middleware answers 404 to other staff. Every change made here is also audited.
"""

from typing import Any, ClassVar

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django import forms
from django.contrib import admin
from django.contrib.admin.options import ActionLocation
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django_otp.admin import OTPAdminSite
from django_otp.plugins.otp_totp.models import TOTPDevice

from kratomlog.clinic import admin_erasure, audit
from kratomlog.clinic.models import ADMIN, Account, ClinicSettings, Team
from kratomlog.clinic.policy import role_of
from kratomlog.core import crisis
from kratomlog.core.errors import InputError


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

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[Any]:
        """Sections and their pages named in the clinic's words, not Django's app labels."""
        found = super().get_app_list(request, app_label)
        for section in found:
            section["name"] = SECTIONS.get(section["app_label"], section["name"])
            for page in section["models"]:
                page["name"] = PAGES.get(page["object_name"], page["name"])
        return found


SECTIONS = {
    "auth": "People",
    "clinic": "Care teams and clinic settings",
    "otp_totp": "Authenticator apps",
    "axes": "Locked-out sign-ins",
}
PAGES = {
    "User": "People (staff and patients)",
    "Team": "Care teams",
    "ClinicSettings": "Clinic settings (crisis resources and contact)",
    "TOTPDevice": "Authenticator apps",
    "AccessAttempt": "Failed sign-ins and lockouts",
}


site = ClinicAdminSite(name="admin")


def person_in_words(user: Any) -> str:
    """ "Ana P. (patient, North)", "Dr Lee (clinician, North, South)": who, their role, teams."""
    patient = getattr(user, "patient", None)
    if patient is not None:
        return str(patient)
    account = getattr(user, "account", None)
    if account is None:
        return user.get_username()
    teams = [team.name for team in account.teams.order_by("name")]
    return f"{account.display_name or user.get_username()} ({', '.join([account.role, *teams])})"


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
        (None, {"fields": ("username", "email")}),
        ("Status", {"fields": ("is_active", "last_login", "date_joined")}),
    )
    readonly_fields = ("last_login", "date_joined")

    def get_actions(
        self, request: HttpRequest, action_location: Any = ActionLocation.CHANGE_LIST
    ) -> dict[str, Any]:
        actions = super().get_actions(request, action_location=action_location)
        actions.pop("delete_selected", None)  # one person at a time, each confirmed
        return actions

    def get_urls(self) -> list[Any]:
        from django.urls import path

        add = path("add/", self.admin_site.admin_view(self.add_by_setup_link), name="auth_user_add")
        # Nor does an admin type anyone's password later: staff get a new set-up link, patients
        # reset theirs by mail.
        replaced = ("auth_user_add", "auth_user_password_change")
        return [add, *(u for u in super().get_urls() if getattr(u, "name", "") not in replaced)]

    def add_by_setup_link(self, request: HttpRequest) -> HttpResponse:
        """Staff are added as `clinic add-user` adds them: they choose their own password and
        enrol their authenticator through a one-time set-up link; no admin types a password."""
        from django.template.response import TemplateResponse

        from kratomlog.clinic import people

        if not self.has_add_permission(request):
            raise Http404
        typed = {name: request.POST.get(name, "").strip() for name in ("email", "role", "name")}
        typed["teams"] = request.POST.get("teams", "")
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "title": "Add a staff member",
            "opts": self.model._meta,
            "typed": typed,
            "roles": ("clinician", "researcher", "admin"),
            "error": None,
            "link": None,
        }
        if request.method == "POST":
            teams = [name.strip() for name in typed["teams"].split(",") if name.strip()]
            try:
                user, secret = people.add_staff(
                    email=typed["email"], role=typed["role"], now=timezone.now(),
                    teams=teams, name=typed["name"],
                )  # fmt: skip
            except InputError as error:
                context["error"] = error
            else:
                self._audit(request, f"added user {user.email} ({typed['role']})")
                context["link"] = people.setup_url(secret)
                context["added"] = user
        return TemplateResponse(
            request, "clinic/admin/add_staff.html", context, status=400 if context["error"] else 200
        )

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


class AuthenticatorAdmin(AdminsOnly, admin.ModelAdmin):  # type: ignore[type-arg]
    """Deleting a lost authenticator here lets `clinic add-user` send a new set-up link.

    No one reads or copies a second factor here: the key and its otpauth:// QR code are never
    shown (django-otp's own admin shows both), and a device is neither added nor edited."""

    list_display = ("person", "name", "confirmed", "created_at", "last_used_at")
    list_filter = ("confirmed",)
    search_fields = ("user__username", "user__account__display_name")
    fields = ("person", "name", "confirmed", "created_at", "last_used_at")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[TOTPDevice]:
        return super().get_queryset(request).select_related("user__account")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # enrolled by the person, at their set-up link

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="whose")
    def person(self, device: Any) -> str:
        return person_in_words(device.user)


class LockoutAdmin(AdminsOnly, AccessAttemptAdmin):  # type: ignore[misc]
    """Failed sign-ins by email and address; deleting a row lifts that lockout at once."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # rows come from failed sign-ins only


class ClinicSettingsForm(forms.ModelForm):  # type: ignore[type-arg]
    """The same checks as `kratomlog clinic settings set`, each error next to its field."""

    class Meta:
        model = ClinicSettings
        fields = ("crisis_resources", "contact_name", "contact_phone", "contact_hours")
        labels: ClassVar[dict[str, str]] = {
            "crisis_resources": "Crisis resources",
            "contact_name": "Contact name",
            "contact_phone": "Contact phone",
            "contact_hours": "When alerts are read",
        }
        help_texts: ClassVar[dict[str, str]] = {
            "crisis_resources": "One a line: name | how to reach it. Blank: each patient sees "
            "the default for their time zone.",
            "contact_name": "Whom patients call, such as 'North clinic'.",
            "contact_phone": "Such as +49 30 1234 5678; shown as a link to call.",
            "contact_hours": "Such as 'Mon-Fri 8:00-18:00'. Blank: 'in working hours'.",
        }
        widgets: ClassVar[dict[str, Any]] = {"crisis_resources": forms.Textarea(attrs={"rows": 6})}

    def clean_crisis_resources(self) -> str:
        text = str(self.cleaned_data.get("crisis_resources", ""))
        try:
            if text.strip():
                crisis.parse_resources(text)
        except InputError as error:
            raise forms.ValidationError(error.problem) from None
        return text.strip()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        fields = {"--name": "contact_name", "--phone": "contact_phone", "--hours": "contact_hours"}
        typed = [str(data.get(name, "") or "") for name in fields.values()]
        if any(value.strip() for value in typed):
            try:
                checked = crisis.check_contact(*typed)
            except InputError as error:
                self.add_error(fields.get(error.field, "contact_phone"), error.problem)
            else:
                data.update(zip(fields.values(), checked, strict=True))
        return data


class ClinicSettingsAdmin(AdminsOnly, admin.ModelAdmin):  # type: ignore[type-arg]
    """One row: the crisis resources and contact the clinic's patients see."""

    form = ClinicSettingsForm
    list_display = ("__str__", "contact_phone", "contact_hours", "updated_at")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._admin(request) and not ClinicSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.pk = 1
        obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)


site.register(get_user_model(), ClinicUserAdmin)
site.register(ClinicSettings, ClinicSettingsAdmin)
site.register(Team, TeamAdmin)
site.register(TOTPDevice, AuthenticatorAdmin)
site.register(AccessAttempt, LockoutAdmin)
from kratomlog.clinic import admin_tokens  # noqa: E402, F401  (the API tokens' admin)

admin_erasure.erase_instead_of_delete(site)  # a user with audit rows is erased, not deleted
