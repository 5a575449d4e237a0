from django.urls import path

from kratomlog.research import views

urlpatterns = [
    path("", views.studies, name="research-studies"),
    path("<slug:name>/", views.study_page, name="research-study"),
    path("<slug:name>/exports", views.request_export, name="research-export"),
    path("<slug:name>/exports/<int:export_id>", views.download, name="research-download"),
]
