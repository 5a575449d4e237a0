"""A clinic's URLs: the patient's journal pages (the local app's own), staff pages, API, admin."""

from django.urls import include, path

from kratomlog.clinic import api
from kratomlog.clinic.accounts import invitations, own_account, push, setup, sharing, studies
from kratomlog.clinic.accounts.messages import patient_messages
from kratomlog.clinic.admin import site as admin_site
from kratomlog.clinic.reminders.views import (
    calendar_feed,
    make_calendar_feed,
    open_due,
    revoke_calendar_feed,
    save_reminder_settings,
)
from kratomlog.web.urls import urlpatterns as journal_pages

# The local app's one-time-link sign-in and demo loader have no place in a clinic.
_LOCAL_ONLY = {"login", "welcome", "demo"}

urlpatterns = [
    path("api/v1/", include((api.urls(), "ninja"), namespace="api")),
    path("accounts/", include("kratomlog.clinic.accounts.urls")),
    path("clinic/", include("kratomlog.clinic.staff.urls")),
    path("research/", include("kratomlog.research.urls")),
    path("admin/", admin_site.urls),
    path("setup/<str:token>", setup.setup, name="setup"),
    path("invite/<str:code>", invitations.accept, name="accept-invitation"),
    path("sharing", sharing.sharing, name="sharing"),
    path("messages", patient_messages, name="messages"),
    path("sharing/studies/<str:name>", studies.join_or_leave, name="sharing-study"),
    path("account", own_account.patient_account, name="patient-account"),
    path("settings/notifications/on", push.turn_on, name="notifications-on"),
    path("settings/notifications/off", push.turn_off, name="notifications-off"),
    path("due/<str:uid>", open_due, name="open-due"),  # a reminder's link
    path("settings/reminders", save_reminder_settings, name="save-reminder-settings"),
    path("settings/calendar", make_calendar_feed, name="make-calendar-feed"),
    path("settings/calendar/revoke", revoke_calendar_feed, name="revoke-calendar-feed"),
    # A calendar subscription: open, its secret in the path (kept out of every log).
    path("calendar/<str:feed_token>.ics", calendar_feed, name="calendar-feed"),
    *(p for p in journal_pages if getattr(p, "name", None) not in _LOCAL_ONLY),
]
