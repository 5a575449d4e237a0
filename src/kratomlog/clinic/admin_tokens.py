"""The admin's list of API tokens: whose, made, last used, expires, revoked (never the token,
nor its hash); the action "Revoke" revokes the chosen ones, audited. Tokens are issued only by
`kratomlog clinic token` and by accepting an invitation, never here."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from kratomlog.clinic import audit, tokens
from kratomlog.clinic.admin import AdminsOnly, site
from kratomlog.clinic.models import ApiToken


class LiveFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("live", "works"), ("revoked", "revoked"), ("expired", "expired")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        now = timezone.now()
        if self.value() == "live":
            return queryset.filter(revoked_at__isnull=True, expires_at__gt=now)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        if self.value() == "expired":
            return queryset.filter(revoked_at__isnull=True, expires_at__lte=now)
        return queryset


@admin.action(description="Revoke the chosen tokens")
def revoke(model_admin: Any, request: HttpRequest, queryset: QuerySet[Any]) -> None:
    now, address = timezone.now(), audit.client_address(request)
    count = sum(
        tokens.revoke_one(token.user, token.id, now, by=request.user, address=address)  # type: ignore[attr-defined]
        for token in queryset.select_related("user")
    )
    model_admin.message_user(
        request, f"Revoked {count} token{'s' if count != 1 else ''}.", messages.SUCCESS
    )


class ApiTokenAdmin(AdminsOnly, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "created_at", "last_used_at", "expires_at", "revoked_at")
    list_filter = (LiveFilter,)
    search_fields = ("user__username",)
    ordering = ("-created_at", "-id")
    fields = ("user", "created_at", "last_used_at", "expires_at", "revoked_at")
    readonly_fields = fields
    actions = (revoke,)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoked with the action, never edited

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a revoked token stays, as a record of when it stopped working


site.register(ApiToken, ApiTokenAdmin)
