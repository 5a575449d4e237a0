"""`kratomlog clinic worker` as a real process: queued alert mail sent once, even by two workers."""

import os
import re
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
import time_machine
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


def _mails(directory: Path) -> list[tuple[str, int]]:
    """(recipient, alert id) of each mail written, read from its headers and its link."""
    found = []
    for path in sorted(directory.iterdir()):
        text = path.read_text()
        to = re.search(r"^To: (.+)$", text, re.M)
        link = re.search(r"/clinic/alerts/(\d+)", text)
        assert to and link, text
        found.append((to.group(1).strip(), int(link.group(1))))
    return found


def _wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"not within {timeout:.0f} s: {what}"
        time.sleep(0.2)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_task_left_running_by_a_killed_worker_is_taken_again_by_a_live_one(
    cast, tmp_path, settings
):
    if connection.vendor != "postgresql":
        pytest.skip("several processes on one database: PostgreSQL")
    # 40 patients' passwords: hashed quickly here, the test is about the workers.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django_tasks_db.models import DBTaskResult

    from kratomlog.clinic import people
    from kratomlog.clinic.consent import CARE_CONSENT
    from kratomlog.clinic.models import WorkerLease
    from kratomlog.clinic.policy import clinicians_of

    mensah, _ = people.add_staff(
        email="mensah@clinic.test", role="clinician", now=NOW, teams=["North"], name="Dr Mensah"
    )
    # 40 patients with a self-harm answer: 40 alert mails queued. The first five are South's
    # (one clinician), then they alternate with North's (two clinicians).
    for number in range(40):
        team = cast.south if number < 5 or number % 2 else cast.north
        patient = people.add_patient(
            email=f"patient{number}@example.org", password="a long patient password",
            timezone="Europe/Berlin", team=team, consent_version=CARE_CONSENT.version,
            share_with_care_team=True, now=NOW,
        )  # fmt: skip
        record_checkin(person=patient.person, key="phq9", now=NOW, answers="1,1,1,1,1,1,1,1,1")
    alerts = list(Alert.objects.filter(patient__user__email__startswith="patient"))
    assert len(alerts) == 40 and DBTaskResult.objects.ready().count() == 40
    # Dr Mensah's row held locked elsewhere: the first worker stops, mid-task, at the first
    # North alert it mails, after mailing the South ones and that alert's first clinician.
    db = settings.DATABASES["default"]
    holder = psycopg.connect(
        host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"], dbname=db["NAME"]
    )
    holder.execute("SELECT id FROM auth_user WHERE id = %s FOR UPDATE", [mensah.id])
    env = {**_worker_env(tmp_path), "KRATOMLOG_WORKER_LEASE_SECONDS": "4"}
    command = [sys.executable, "-m", "kratomlog", "clinic", "worker"]
    first = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)
    try:
        # Only this database's locks: other test runs may share the server.
        waiting = (
            "SELECT count(*) FROM pg_locks WHERE NOT granted"
            " AND pid IN (SELECT pid FROM pg_stat_activity WHERE datname = current_database())"
        )
        _wait_for(lambda: holder.execute(waiting).fetchone()[0] > 0, 60, "the worker to block")
        assert DBTaskResult.objects.successful().count() >= 5
        first.kill()  # kill -9, mid-task
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
        holder.rollback()
        holder.close()
    stuck = DBTaskResult.objects.get(status="RUNNING")
    assert stuck.worker_ids[-1] in WorkerLease.objects.values_list("worker_id", flat=True)

    started = time.monotonic()
    second = subprocess.Popen(command, env=env, stderr=subprocess.PIPE)
    try:
        every_task_done = lambda: DBTaskResult.objects.successful().count() == 40  # noqa: E731
        _wait_for(every_task_done, 180, "every alert task done")
        _wait_for(
            lambda: not AlertDelivery.objects.filter(sent_at__isnull=True).exists(),
            30, "every mail sent",
        )  # fmt: skip
    finally:
        second.terminate()
        second.wait(timeout=30)
    assert time.monotonic() - started < 180
    assert DBTaskResult.objects.get(id=stuck.id).worker_ids[-1] != stuck.worker_ids[-1]

    # Each alert went once to each clinician of its patient's team in each round: the first
    # mail, and (the workers' clock is the real one: the alerts are over an hour old) the
    # re-send of an unacknowledged urgent alert.
    expected = sorted(
        (user.email, alert.id) for alert in alerts for user in clinicians_of(alert.patient)
    )
    assert len(expected) == sum(2 if a.patient.team_id == cast.north.id else 1 for a in alerts)
    for round_ in ("first", "escalation"):
        sent = AlertDelivery.objects.filter(
            alert__in=alerts, round=round_, sent_at__isnull=False
        ).values_list("recipient__email", "alert_id")
        assert sorted(sent) == expected, round_
    mails = [mail for mail in _mails(tmp_path / "mail") if mail[1] in {a.id for a in alerts}]
    assert sorted(mails) == sorted(expected * 2)


@pytest.mark.parametrize("text", ["0", "1", "3601", "1.5", "a minute", "-5"])
def test_a_lease_that_is_not_2_to_3600_whole_seconds_is_refused_at_start(text):
    from kratomlog.clinic.settings import worker_lease_seconds

    with pytest.raises(ValueError, match=r"KRATOMLOG_WORKER_LEASE_SECONDS: .* 2 to 3600"):
        worker_lease_seconds(text)
    assert worker_lease_seconds("") == 60 and worker_lease_seconds("90") == 90


@pytest.mark.django_db
def test_running_tasks_of_dead_workers_are_queued_again_and_a_task_that_kills_three_fails(clock):
    from datetime import timedelta

    from django_tasks_db.models import DBTaskResult

    from kratomlog.clinic import tasks, worker_lease
    from kratomlog.clinic.models import WorkerLease

    WorkerLease.objects.create(worker_id="alive", started_at=NOW, beat_at=NOW)
    WorkerLease.objects.create(worker_id="dead", started_at=NOW, beat_at=NOW - timedelta(hours=1))
    claimed = {}
    for name, workers, started in [
        ("of the dead", ["dead"], NOW - timedelta(minutes=2)),
        ("of the living", ["alive"], NOW - timedelta(minutes=2)),
        ("just claimed", ["unknown"], NOW - timedelta(seconds=10)),
        ("with no lease", ["db_worker"], NOW - timedelta(minutes=2)),
        ("the killer", ["w1", "w2", "dead"], NOW - timedelta(minutes=2)),
    ]:
        task = DBTaskResult.objects.get(id=tasks.send_alert_mail.enqueue(1).id)
        DBTaskResult.objects.filter(id=task.id).update(
            status="RUNNING", worker_ids=workers, started_at=started
        )
        claimed[name] = task.id
    assert worker_lease.requeue_abandoned(NOW) == 2
    status = dict(DBTaskResult.objects.values_list("id", "status"))
    assert {name: status[id_] for name, id_ in claimed.items()} == {
        "of the dead": "READY", "of the living": "RUNNING", "just claimed": "RUNNING",
        "with no lease": "READY", "the killer": "FAILED",
    }  # fmt: skip
    killer = DBTaskResult.objects.get(id=claimed["the killer"])
    assert "3 workers that ran this task died running it" in killer.traceback
    assert list(WorkerLease.objects.values_list("worker_id", flat=True)) == ["alive"]
    assert worker_lease.requeue_abandoned(NOW) == 0  # once


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_worker_refreshes_a_standing_a_dose_marked_stale_and_mails_its_alert(
    cast, tmp_path, clock
):
    if connection.vendor != "postgresql":
        pytest.skip("a worker process on the test database: PostgreSQL")
    from kratomlog.clinic import care_plans
    from kratomlog.clinic.models import Standing
    from kratomlog.core.plan import preset_plan
    from kratomlog.journal.services import log_kratom

    # The worker judges as of its own clock, the real one: the plan and the dose are set then.
    now = datetime.fromtimestamp(time_machine.escape_hatch.time.time(), UTC)
    clock.move_to(now)
    start = now - timedelta(days=3)
    plan = preset_plan("break-90", start.date())
    care_plans.set_for_patient(cast.clinician_a, cast.patient_a, plan, start)
    # Logged ten seconds ago: the worker lets a standing settle for a few seconds first.
    logged = now - timedelta(seconds=10)
    log_kratom(person=cast.patient_a.person, amount="2g", now=logged)
    assert Standing.objects.get(patient=cast.patient_a).stale_since == logged
    assert not Alert.objects.filter(kind="limit_broken").exists()
    command = [sys.executable, "-m", "kratomlog", "clinic", "worker", "--once"]
    worker = subprocess.run(command, env=_worker_env(tmp_path), capture_output=True, timeout=120)
    assert worker.returncode == 0, worker.stderr.decode()
    standing = Standing.objects.get(patient=cast.patient_a)
    assert standing.stale_since is None and "limit_broken" in standing.reasons
    # Each alert the refresh raised (the limit broken, and the loss of control it makes) is
    # mailed to Dr Lee once, by the same run.
    raised = Alert.objects.filter(patient=cast.patient_a).order_by("id")
    assert {"limit_broken", "loss_of_control"} <= set(raised.values_list("kind", flat=True))
    mailed = sorted(_mails(tmp_path / "mail"), key=lambda mail: mail[1])
    assert mailed == [("lee@clinic.test", alert.id) for alert in raised]
