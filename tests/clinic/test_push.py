"""Web Push subscriptions: only a known push service (or an origin the clinic lists) is kept, the
browser's keys are checked, the VAPID subject must be a real address, and the Settings page
offers notifications only in a clinic that sends them."""

import base64
import json
import os

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import override_settings
from typer.testing import CliRunner

from kratomlog.clinic import push, server, tokens
from kratomlog.clinic.models import PushSubscription
from kratomlog.clinic.settings import push_origins, vapid_subject_problem
from kratomlog.core.errors import InputError
from tests.clinic.conftest import NOW
from tests.clinic.helpers_ca import patient_client, verified_client

FCM = "https://fcm.googleapis.com/fcm/send/dGhpcyBpcyBhIHRlc3Q"
SUBJECT = "mailto:care-team@northside-care.org"


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def browser_keys() -> dict[str, str]:
    point = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    return {"p256dh": b64(point), "auth": b64(os.urandom(16))}


def _post(client, body, **headers):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/me/push-subscriptions", json.dumps(body), "application/json",
                       **headers)  # fmt: skip


def _field(answer) -> list[str]:  # type: ignore[no-untyped-def]
    return [problem["loc"][-1] for problem in answer.json()["detail"]]


REFUSED = [
    "http://127.0.0.1:8790/push/1",  # loopback, not listed
    "https://127.0.0.1/push/1",
    "http://fcm.googleapis.com/fcm/send/1",  # a known service, but not https
    "https://fcm.googleapis.com:8443/fcm/send/1",
    "https://fcm.googleapis.com.attacker.net/fcm/send/1",
    "https://user@fcm.googleapis.com/fcm/send/1",
    "https://169.254.169.254/latest/meta-data",
    "file:///etc/passwd",
    "https://[::1",
]


def test_it_refuses_an_endpoint_off_the_known_push_services_naming_endpoint(cast, client):
    ana = {"HTTP_AUTHORIZATION": f"Bearer {tokens.issue(cast.patient_a.user, NOW)}"}
    for endpoint in REFUSED:
        answer = _post(client, {"endpoint": endpoint, "keys": browser_keys()}, **ana)
        assert answer.status_code == 422 and _field(answer) == ["endpoint"], endpoint
        assert "known push service" in json.dumps(answer.json())
    assert not PushSubscription.objects.exists()


def test_a_subscription_is_kept_listed_and_removed_through_the_api(cast, client):
    ana = {"HTTP_AUTHORIZATION": f"Bearer {tokens.issue(cast.patient_a.user, NOW)}"}
    ben = {"HTTP_AUTHORIZATION": f"Bearer {tokens.issue(cast.patient_b.user, NOW)}"}
    keys = browser_keys()
    made = _post(client, {"endpoint": FCM, "keys": keys, "expirationTime": None}, **ana)
    assert made.status_code == 201 and made.json()["endpoint"] == FCM
    assert _post(client, {"endpoint": FCM, "keys": keys}, **ana).status_code == 201  # again: one
    for endpoint in (
        "https://updates.push.services.mozilla.com/wpush/v2/x",
        "https://web.push.apple.com/QAbc",
        "https://db5p.notify.windows.com/w/?t=1",
    ):
        assert (
            _post(client, {"endpoint": endpoint, "keys": browser_keys()}, **ana).status_code == 201
        )
    listed = client.get("/api/v1/me/push-subscriptions", **ana).json()
    assert listed["enabled"] is False and listed["public_key"] is None  # no VAPID subject here
    assert len(listed["subscriptions"]) == 4 and push.has_subscription(cast.patient_a.user)

    for bad, field in (({**keys, "p256dh": b64(b"\x04" + os.urandom(10))}, "keys.p256dh"),
                       ({**keys, "auth": b64(os.urandom(8))}, "keys.auth")):  # fmt: skip
        answer = _post(client, {"endpoint": FCM + "2", "keys": bad}, **ana)
        assert answer.status_code == 422 and _field(answer) == [field]
    assert _post(client, {"endpoint": FCM}, **ana).status_code == 422  # no keys

    def delete(who, endpoint):  # type: ignore[no-untyped-def]
        return client.delete("/api/v1/me/push-subscriptions", json.dumps({"endpoint": endpoint}),
                             "application/json", **who)  # fmt: skip

    assert delete(ben, FCM).status_code == 404  # Ana's, not Ben's
    assert delete(ana, FCM).status_code == 204
    assert delete(ana, FCM).status_code == 404
    assert len(client.get("/api/v1/me/push-subscriptions", **ana).json()["subscriptions"]) == 3


@override_settings(PUSH_EXTRA_ORIGINS=("http://127.0.0.1:8790",), VAPID_SUBJECT=SUBJECT)
def test_a_listed_origin_is_accepted_exactly_and_the_public_key_is_given(cast, client, tmp_path):
    ana = {"HTTP_AUTHORIZATION": f"Bearer {tokens.issue(cast.patient_a.user, NOW)}"}
    keys = browser_keys()
    assert (
        _post(client, {"endpoint": "http://127.0.0.1:8790/p/1", "keys": keys}, **ana).status_code
        == 201
    )
    for other in ("http://127.0.0.1:8791/p/1", "https://127.0.0.1:8790/p/1"):
        assert _post(client, {"endpoint": other, "keys": keys}, **ana).status_code == 422
    with override_settings(DATA_DIR=tmp_path, VAPID_PRIVATE_KEY=""):
        key = client.get("/api/v1/me/push-subscriptions", **ana).json()["public_key"]
        raw = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))
        assert len(raw) == 65 and raw[0] == 4  # an uncompressed P-256 point, as browsers want
        assert (tmp_path / push.KEY_FILE).stat().st_mode & 0o777 == 0o600
        assert push.public_key() == key  # made once, then read


def test_the_settings_page_turns_notifications_on_and_off(cast, settings):
    page = patient_client(cast.patient_a)
    assert "does not send notifications" in page.get("/settings").content.decode()  # push off
    settings.VAPID_SUBJECT, settings.VAPID_PRIVATE_KEY = SUBJECT, ""
    html = page.get("/settings").content.decode()
    assert "Turn on notifications" in html and "Add to Home Screen" in html
    assert f'data-public-key="{push.public_key()}"' in html and "web/notifications.js" in html
    body = {"endpoint": FCM, "keys": browser_keys()}
    on = page.post("/settings/notifications/on", json.dumps(body), "application/json")
    assert on.status_code == 201 and push.has_subscription(cast.patient_a.user)
    wrong = page.post("/settings/notifications/on",
                      json.dumps({**body, "endpoint": "http://10.0.0.1/x"}), "application/json")  # fmt: skip
    assert wrong.status_code == 422 and wrong.json()["field"] == "endpoint"
    off = page.post(
        "/settings/notifications/off", json.dumps({"endpoint": FCM}), "application/json"
    )
    assert off.status_code == 204 and not push.has_subscription(cast.patient_a.user)
    staff = verified_client(cast.clinician_a)
    assert staff.post(
        "/settings/notifications/on", json.dumps(body), "application/json"
    ).status_code in (302, 404)


PLACEHOLDERS = ["mailto:you@example.com", "mailto:admin@example.org", "https://example.net",
     "mailto:care@localhost", "https://localhost:8000", "care-team@clinic.org",
     "mailto:your-email@clinic.org", "http://clinic.org", "mailto:nobody", "mailto:a@clinic.test"]  # fmt: skip


def test_clinic_serve_refuses_a_placeholder_vapid_subject_in_words(monkeypatch):
    from kratomlog.cli import app

    for subject in PLACEHOLDERS:
        assert vapid_subject_problem(subject) is not None, subject
    monkeypatch.setenv("KRATOMLOG_VAPID_SUBJECT", "mailto:you@example.com")
    result = CliRunner().invoke(app, ["clinic", "serve", "--bind", "127.0.0.1:1"])
    assert result.exit_code == 2
    assert "KRATOMLOG_VAPID_SUBJECT" in result.stderr and "mailto:" in result.stderr
    assert "placeholder" in result.stderr


def test_a_real_subject_turns_push_on_and_none_says_it_is_off_in_one_line():
    for subject in (SUBJECT, "https://northside-care.org/contact"):
        assert vapid_subject_problem(subject) is None
        assert server.check_push({"KRATOMLOG_VAPID_SUBJECT": subject}).startswith("Web Push is on")
    off = server.check_push({})
    assert off.startswith("Web Push is off") and "\n" not in off
    with pytest.raises(InputError):
        server.check_push({"KRATOMLOG_VAPID_SUBJECT": "mailto:you@example.com"})
    assert push_origins(" http://127.0.0.1:8790/ ,https://push.clinic.org") == (
        "http://127.0.0.1:8790", "https://push.clinic.org")  # fmt: skip
    with pytest.raises(ValueError, match="KRATOMLOG_PUSH_EXTRA_ORIGINS"):
        push_origins("127.0.0.1:8790")


def test_a_push_service_that_is_busy_is_tried_again_and_one_that_forgot_it_removes_it(
    cast, settings, tmp_path, monkeypatch
):
    from tests.clinic.push_receiver import Browser, Receiver

    receiver = Receiver().start()
    settings.VAPID_SUBJECT, settings.VAPID_PRIVATE_KEY = SUBJECT, ""
    settings.PUSH_EXTRA_ORIGINS, settings.DATA_DIR = (receiver.origin,), tmp_path
    monkeypatch.setattr(push, "TRIES_APART", (0.0, 0.01, 0.02))  # the same tries, sooner
    user = cast.patient_a.user
    endpoint = f"{receiver.origin}/push/1"
    push.subscribe(user, endpoint, **Browser().keys(), now=NOW)
    try:
        for status, tries in ((503, 3), (429, 3), (400, 1), (201, 1)):
            receiver.status, before = status, len(receiver.arrivals)
            (delivery,) = push.send(user, title="Reminder", body="Something is waiting", url="/")
            assert len(receiver.arrivals) - before == tries
            assert delivery == push.Delivery(endpoint, status, False, "" if status == 201 else
                                             delivery.error)  # fmt: skip
            assert (status == 201) != bool(delivery.error) and str(status) in (
                delivery.error or str(status)
            )
            assert PushSubscription.objects.get().last_status == status
        receiver.status, before = 404, len(receiver.arrivals)
        (gone,) = push.send(user, title="Reminder", body="Something is waiting", url="/")
        assert gone.removed and gone.status == 404 and len(receiver.arrivals) - before == 1
        assert not push.has_subscription(user)
    finally:
        receiver.stop()
    push.subscribe(user, "https://fcm.googleapis.com/fcm/send/x", **Browser().keys(), now=NOW)
    settings.VAPID_SUBJECT = ""
    assert not push.enabled() and push.send(user, title="Reminder", body="b", url="/") == []


def test_a_message_announcement_lost_with_its_mail_is_sent_by_the_next_run(cast, clock, settings):
    from datetime import timedelta

    from kratomlog.clinic import mail, message_mail, messages
    from kratomlog.clinic.models import MessageAnnouncement

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    from django.core import mail as outbox

    message = messages.send(cast.patient_a, cast.clinician_a, "See you Tuesday.", NOW)

    def mail_server_down(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise mail.MailNotSent("the mail server did not answer")

    real_send = mail.send
    mail.send = mail_server_down  # type: ignore[assignment]
    try:
        with pytest.raises(mail.MailNotSent):
            message_mail.announce_now(message.id)
    finally:
        mail.send = real_send  # type: ignore[assignment]
    message.refresh_from_db()
    assert message.announced_at is None  # not marked before it is sent
    assert MessageAnnouncement.objects.get().sent_at is None
    assert message_mail.announce_now(message.id) == 0  # a fresh claim: its worker may live
    message.refresh_from_db()
    assert message.announced_at is None
    clock.move_to(NOW + timedelta(minutes=11))  # the claim is stale: taken over
    assert message_mail.announce_now(message.id) == 1
    assert [m.to for m in outbox.outbox] == [["ana@example.org"]]
    assert message_mail.announce_now(message.id) == 0  # once only
