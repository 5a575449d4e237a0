"""A mail that fails is tried again, then logged as an error and left unsent for the next run:
never lost in silence."""

import logging

import pytest

from kratomlog.checkins.services import record_checkin
from kratomlog.clinic import mail, tasks
from kratomlog.clinic.models import Alert, AlertDelivery
from kratomlog.clinic.settings import email_settings
from tests.clinic.conftest import NOW

PHQ9_ITEM9 = "0,0,0,0,0,0,0,0,2"
NOBODY_LISTENS = "smtp://127.0.0.1:1"  # a real SMTP mailer; the connection is refused


def test_an_alert_mail_the_server_refuses_is_tried_three_times_logged_and_left_unsent(
    cast, settings, caplog, monkeypatch
):
    settings.MAILERS = email_settings(NOBODY_LISTENS)["MAILERS"]
    monkeypatch.setattr(mail, "TRIES_APART", (0.0, 0.01, 0.01))
    record_checkin(person=cast.patient_a.person, key="phq9", now=NOW, answers=PHQ9_ITEM9)
    alert = Alert.objects.get(patient=cast.patient_a)
    with caplog.at_level(logging.WARNING, logger="kratomlog.mail"), pytest.raises(mail.MailNotSent):
        tasks.deliver(alert.id, "first", NOW)
    tries = [
        r for r in caplog.records if r.name == "kratomlog.mail" and r.levelno == logging.WARNING
    ]
    assert [r.getMessage().split(": try ")[1][:6] for r in tries] == ["1 of 3", "2 of 3", "3 of 3"]
    (failed,) = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert f"alert {alert.id}, first round" in failed.getMessage()
    assert "lee@clinic.test was not sent after 3 tries" in failed.getMessage()
    assert not AlertDelivery.objects.filter(alert=alert, sent_at__isnull=False).exists()
