"""A new message and a due check-in announced by Web Push with the real `clinic serve` and
`clinic worker`, to a push service played on loopback: exactly one push each, signed by the
clinic's VAPID key for the receiver's origin, encrypted for the subscription alone, and saying
nothing of the message or the check-in; none again on the next run; a 410 from the push service
removes the subscription."""

import re
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from kratomlog.clinic import messages, tokens
from kratomlog.clinic.models import PushSubscription
from tests.clinic.conftest import NOW
from tests.clinic.push_receiver import Browser, Receiver, verified_vapid
from tests.clinic.test_alert_lifecycle import _api, _mails, _run_worker
from tests.clinic.test_serve import get
from tests.clinic.test_worker import _worker_env
from tests.integration.test_serve import free_port

SUBJECT = "mailto:care-team@northside-care.org"
TEXT = "Your kratom taper: PHQ-9 was 19, we should talk about the 4 g step."


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_message_and_a_due_check_in_are_pushed_once_signed_encrypted_and_bare(cast, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("a server and a worker on one database: PostgreSQL")
    receiver = Receiver().start()
    env = {
        **_worker_env(tmp_path), "KRATOMLOG_BASE_URL": "http://clinic.test",
        "KRATOMLOG_VAPID_SUBJECT": SUBJECT, "KRATOMLOG_PUSH_EXTRA_ORIGINS": receiver.origin,
        "KRATOMLOG_CLINIC_NAME": "Northside Care",
    }  # fmt: skip
    for name in ("DJANGO_SETTINGS_MODULE", "KRATOMLOG_SECRET_KEY", "KRATOMLOG_ALLOWED_HOSTS",
                 "KRATOMLOG_VAPID_PRIVATE_KEY"):  # fmt: skip
        env.pop(name, None)
    ana = tokens.issue(cast.patient_a.user, NOW)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "kratomlog", "clinic", "serve", "--bind", f"127.0.0.1:{port}",
         "--workers", "1"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    browser = Browser()
    try:
        get(port, "/accounts/login", time.monotonic() + 90).read()
        endpoint = f"{receiver.origin}/push/ana-phone"
        status, made = _api(port, ana, "POST", "/me/push-subscriptions",
                            {"endpoint": endpoint, "keys": browser.keys()})  # fmt: skip
        assert status == 201, made
        status, listed = _api(port, ana, "GET", "/me/push-subscriptions")
        assert listed["enabled"] is True  # type: ignore[index]
        public_key = listed["public_key"]  # type: ignore[index]

        messages.send(cast.patient_a, cast.clinician_a, TEXT, NOW)
        _run_worker(env)
        assert len(receiver.arrivals) == 1
        (push,) = receiver.arrivals
        assert push.path == "/push/ana-phone"
        assert push.headers["content-encoding"] == "aes128gcm" and int(push.headers["ttl"]) > 0
        claims = verified_vapid(push.headers["authorization"], public_key)
        assert claims["sub"] == SUBJECT and claims["aud"] == receiver.origin
        wall = tmp_path / "wall"  # the machine's clock: this process's is frozen at NOW
        wall.write_text("")
        assert wall.stat().st_mtime < claims["exp"] <= wall.stat().st_mtime + 24 * 3600
        shown = browser.decrypt(push.body)
        assert shown == {"title": "Northside Care",
                         "body": "You have a new message from your care team",
                         "url": "http://clinic.test/messages"}  # fmt: skip
        words = str(shown).lower()
        assert not any(w in words for w in ("kratom", "phq", "19", "taper", "kratomlog"))
        (mail,) = _mails(tmp_path / "mail")  # the mail too, once, and as bare
        assert "To: ana@example.org" in mail and "taper" not in mail

        _run_worker(env)  # nothing more
        assert len(receiver.arrivals) == 1 and len(_mails(tmp_path / "mail")) == 1
        assert PushSubscription.objects.get().last_status == 201

        # A check-in due half an hour ago (the worker runs on the real clock, in the patient's
        # zone, with no quiet hours) reaches the same phone once, as bare, and no mail with it.
        lee = tokens.issue(cast.clinician_a, NOW)
        due = (datetime.now(UTC) - timedelta(minutes=30)).astimezone(ZoneInfo("Europe/Berlin"))
        item = {"instrument": "phq9", "every": "day", "at": f"{due:%H:%M}",
                "start": f"{due:%Y-%m-%d}"}  # fmt: skip
        path = f"/patients/{cast.patient_a.public_id}/schedule"
        assert _api(port, lee, "PUT", path, {"items": [item]})[0] == 200
        quiet = {"channels": ["push"], "quiet_hours": {"from": "00:00", "to": "00:00"}}
        assert _api(port, ana, "PUT", "/me/reminder-settings", quiet)[0] == 200
        _run_worker(env)
        _run_worker(env)  # a second run sends nothing more
        assert len(receiver.arrivals) == 2
        reminder = receiver.arrivals[1]
        verified_vapid(reminder.headers["authorization"], public_key)
        shown = browser.decrypt(reminder.body)
        assert shown["title"] == "Northside Care" and shown["body"] == "A check-in is due."
        assert re.fullmatch(r"http://clinic\.test/due/[0-9a-f-]{36}", shown["url"]), shown
        assert "phq" not in str(shown).lower() and "kratom" not in str(shown).lower()
        assert len(_mails(tmp_path / "mail")) == 1  # the push reached the phone: no mail
        (occurrence,) = _api(port, ana, "GET", "/me/occurrences")[1][:1]  # type: ignore[index]
        assert shown["url"].endswith(occurrence["id"])
        assert [(r["channel"], r["round"], r["answer"]) for r in occurrence["reminders"]] == [
            ("push", 1, "201")
        ]

        receiver.status = 410  # the browser dropped the subscription
        messages.send(cast.patient_a, cast.clinician_a, "And another thing.", NOW)
        _run_worker(env)
        assert len(receiver.arrivals) == 3  # a 410 is final: not tried again
        assert not PushSubscription.objects.exists()
        assert _api(port, ana, "GET", "/me/push-subscriptions")[1]["subscriptions"] == []  # type: ignore[index]
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
        receiver.stop()
    assert "Web Push is on: VAPID subject mailto:care-team@northside-care.org" in output
