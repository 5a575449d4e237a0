from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "kratomlog.journal"
    label = "journal"
