"""The admin's users, erased instead of deleted, and an admin's look at a patient's account audited.

Deleting a user who has audit rows cannot work (the log is append-only and names them); the
admin's delete page for a user erases them instead (kratomlog.clinic.erasure), and asks whether
the patient wants their journal deleted too. Opening or changing a patient's account in the
admin is a read of that patient's data: it goes in the log and in the patient's access log.
"""

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from kratomlog.clinic import audit, erasure
from kratomlog.clinic.models import ADMIN, Patient


def _patient_of(user_id: Any) -> Patient | None:
    return Patient.objects.filter(user_id=user_id).select_related("person").first()


class ErasingUserAdmin:
    """Mixed in front of the clinic's user admin (see `erase_instead_of_delete`)."""

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        patient = _patient_of(object_id) if str(object_id).isdigit() else None
        if patient is not None:
            what = "changed" if request.method == "POST" else "opened"
            audit.record(
                action="read" if what == "opened" else "admin", actor=request.user,  # type: ignore[attr-defined]
                role=ADMIN, patient=patient, what=f"{what} the patient's account in the admin",
                address=audit.client_address(request),
            )  # fmt: skip
        return super().change_view(request, object_id, form_url, extra_context)  # type: ignore[misc]

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: Any = None
    ) -> HttpResponse:
        users = get_user_model().objects
        user = users.filter(pk=object_id).first() if str(object_id).isdigit() else None
        if user is None or not self.has_delete_permission(request, user):  # type: ignore[attr-defined]
            raise Http404
        patient = _patient_of(user.pk)
        back = reverse("admin:auth_user_change", args=[user.pk])
        if request.method == "POST":
            erased = erasure.erase_user(
                user, by=request.user, now=timezone.now(),  # type: ignore[attr-defined]
                journal=patient is not None and request.POST.get("journal") == "1",
                address=audit.client_address(request),
            )  # fmt: skip
            journal = (
                f" and {erased.journal_records_deleted} records of their journal deleted"
                if erased.journal_records_deleted
                else ""
            )
            messages.success(request, f"Erased: now {erased.pseudonym} in the audit log{journal}.")
            return HttpResponseRedirect(reverse("admin:auth_user_changelist"))
        records = 0
        if patient is not None:
            records = patient.person.entries.count() + patient.person.checkins.count()
        context = {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "title": "Erase a person",
            "name": str(patient) if patient else (user.email or user.get_username()),
            "pseudonym": erasure.pseudonym_of(user),
            "is_patient": patient is not None,
            "journal_records": records,
            "back": back,
        }
        return render(request, "clinic/admin/erase_user.html", context)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        """The list's "delete selected": each erased (journals kept: that is the patient's ask)."""
        for user in queryset:
            erasure.erase_user(
                user, by=request.user, now=timezone.now(),  # type: ignore[attr-defined]
                address=audit.client_address(request),
            )  # fmt: skip


def erase_instead_of_delete(site: admin.AdminSite) -> None:
    """Register the site's user admin again with erasure in place of deletion."""
    model = get_user_model()
    current = type(site._registry[model])
    site.unregister(model)
    site.register(model, type(current.__name__, (ErasingUserAdmin, current), {}))
