"""`kratomlog clinic worker` as a real process: queued alert mail sent once, even by two workers."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from kratomlog.checkins.services import record_checkin
from kratomlog.clinic.models import Alert, AlertDelivery
from tests.clinic.conftest import NOW


def _worker_env(tmp_path: Path) -> dict[str, str]:
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return {
        **os.environ,
        "DATABASE_URL": url,
        "KRATOMLOG_HOME": str(tmp_path / "home"),
        "KRATOMLOG_EMAIL": f"file://{tmp_path / 'mail'}",
    }


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_alert_mail_once(cast, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("several processes on one database: PostgreSQL")
    nine = "1,1,1,1,1,1,1,1,1"
    record_checkin(person=cast.patient_a.person, key="phq9", now=NOW, answers=nine)
    record_checkin(person=cast.patient_b.person, key="phq9", now=NOW, answers=nine)
    assert Alert.objects.count() == 2
    env = _worker_env(tmp_path)
    command = [sys.executable, "-m", "kratomlog", "clinic", "worker", "--once"]
    workers = [subprocess.Popen(command, env=env, stderr=subprocess.PIPE) for _ in range(2)]
    for worker in workers:
        assert worker.wait(timeout=120) == 0, worker.stderr.read().decode()
    # The workers' clock is the real one: the alerts raised at NOW are over an hour old and
    # unacknowledged, so each is also re-sent once to the whole team (a round of its own).
    for round_ in ("first", "escalation"):
        sent = AlertDelivery.objects.filter(sent_at__isnull=False, round=round_)
        emails = sorted(sent.values_list("recipient__email", flat=True))
        assert emails == ["lee@clinic.test", "okafor@clinic.test"], round_
    text = "\n".join(path.read_text() for path in sorted((tmp_path / "mail").iterdir()))
    assert text.count("Subject:") == 4
    assert text.count("To: lee@clinic.test") == 2 and text.count("To: okafor@clinic.test") == 2
