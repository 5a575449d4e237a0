from django.apps import AppConfig


class ResearchConfig(AppConfig):
    name = "kratomlog.research"
    label = "research"
    default_auto_field = "django.db.models.BigAutoField"
