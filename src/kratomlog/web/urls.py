from django.urls import path

from kratomlog.web import login
from kratomlog.web.views import app_shell, history, plan, settings, today, transfer

urlpatterns = [
    path("", today.today, name="today"),
    path("log/dose", today.log_dose, name="log-dose"),
    path("log/magnesium", today.log_magnesium, name="log-magnesium"),
    path("log/other", today.log_other, name="log-other"),
    path("undo", today.undo, name="undo"),
    path("demo", today.demo, name="demo"),
    path("history", history.history, name="history"),
    path("entries/<int:entry_id>/edit", history.edit_entry, name="edit-entry"),
    path("entries/<int:entry_id>/delete", history.delete_entry, name="delete-entry"),
    path("plan", plan.plan, name="plan"),
    path("plan/preset", plan.set_preset, name="plan-preset"),
    path("plan/custom", plan.set_custom, name="plan-custom"),
    path("plan/taper", plan.set_taper, name="plan-taper"),
    path("plan/taper/preview", plan.taper_preview, name="taper-preview"),
    path("plan/taper.ics", plan.taper_ics, name="taper-ics"),
    path("transfer", transfer.transfer_home, name="transfer"),
    path("transfer/upload", transfer.upload, name="upload"),
    path("transfer/import", transfer.confirm_import, name="confirm-import"),
    path("export.json", transfer.export_json, name="export-json"),
    path("export.csv", transfer.export_csv, name="export-csv"),
    path("delete-everything", transfer.delete_everything, name="delete-everything"),
    path("settings", settings.settings_home, name="settings"),
    path("settings/save", settings.save_settings, name="save-settings"),
    path("settings/product", settings.save_product, name="save-product"),
    path("login/<str:token>", login.login, name="login"),
    path("welcome", login.welcome, name="welcome"),
    path("manifest.webmanifest", app_shell.manifest, name="manifest"),
    path("sw.js", app_shell.service_worker, name="service-worker"),
]
