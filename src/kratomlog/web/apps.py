from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "kratomlog.web"
    label = "web"
