"""A clinic's URLs: the patient's journal pages (the local app's own), staff pages, API, admin."""

from django.contrib import admin
from django.urls import include, path

from kratomlog.clinic.api import api
from kratomlog.web.urls import urlpatterns as journal_pages

# The local app's one-time-link sign-in and demo loader have no place in a clinic.
_LOCAL_ONLY = {"login", "welcome", "demo"}

urlpatterns = [
    path("api/v1/", api.urls),
    path("accounts/", include("kratomlog.clinic.accounts.urls")),
    path("clinic/", include("kratomlog.clinic.staff.urls")),
    path("research/", include("kratomlog.research.urls")),
    path("admin/", admin.site.urls),
    *(p for p in journal_pages if getattr(p, "name", None) not in _LOCAL_ONLY),
]
