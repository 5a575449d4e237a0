from django.apps import AppConfig


class CheckinsConfig(AppConfig):
    name = "kratomlog.checkins"
    label = "checkins"
