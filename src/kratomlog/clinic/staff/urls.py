urlpatterns: list = []  # triage, patient pages, alerts inbox
