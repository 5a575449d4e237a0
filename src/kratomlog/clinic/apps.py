from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "kratomlog.clinic"
    label = "clinic"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Every write to a journal creates a Change row in the writer's transaction: refreshing
        # the patient's standing there keeps triage current without judging journals per view.
        from django.db.models.signals import post_save

        from kratomlog.clinic import hooks
        from kratomlog.journal.models import Change

        post_save.connect(hooks.journal_changed, sender=Change, dispatch_uid="clinic-standing")

        from kratomlog.clinic.accounts import audit_sign_ins

        audit_sign_ins.connect()

        from django.contrib.auth import get_user_model

        from kratomlog.clinic import tokens

        post_save.connect(
            tokens.revoke_when_deactivated, sender=get_user_model(), dispatch_uid="clinic-tokens"
        )
