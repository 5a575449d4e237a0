"""The clinic's installed app is named as the clinic's reminders are: a phone's home screen and
lock screen never show the word kratom."""

import json

from django.test import Client

from kratomlog.clinic.models import ClinicSettings


def _manifest(client: Client) -> dict:
    answer = client.get("/manifest.webmanifest")
    assert answer.status_code == 200
    return json.loads(answer.content)


def test_the_installed_app_is_named_reminder_by_default_and_never_says_kratom(db, clock):
    shown = _manifest(Client())
    assert shown["name"] == shown["short_name"] == "Reminder"
    assert "kratom" not in json.dumps(shown).lower()
    assert shown["display"] == "standalone" and shown["start_url"] == "/"


def test_the_installed_app_takes_the_clinics_display_name(db, clock, settings):
    ClinicSettings.objects.create(contact_name="North clinic")
    assert _manifest(Client())["name"] == "North clinic"  # as on its reminders' mail
    settings.CLINIC_NAME = "Northside Care"
    shown = _manifest(Client())
    assert shown["name"] == shown["short_name"] == "Northside Care"
