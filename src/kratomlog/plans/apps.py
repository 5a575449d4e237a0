from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "kratomlog.plans"
    label = "plans"
