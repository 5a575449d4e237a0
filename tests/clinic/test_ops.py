"""Operating a clinic: add-user, token, mail settings, the checks before serving, the demo."""

from datetime import timedelta

import pytest
from django.test import Client
from typer.testing import CliRunner

from kratomlog.cli import app
from kratomlog.clinic import server, tokens
from kratomlog.clinic.models import Account, AuditEntry, Team
from kratomlog.clinic.settings import email_settings
from kratomlog.core.errors import InputError
from tests.clinic.conftest import NOW


def clinic(*args, code=0):
    result = CliRunner().invoke(app, ["clinic", *map(str, args)], catch_exceptions=False)
    assert result.exit_code == code, f"exit {result.exit_code}: {result.output}"
    return result


def test_add_user_prints_a_one_time_set_up_link_and_makes_the_teams(db, clock):
    result = clinic("add-user", "Rae@Clinic.test", "--role", "clinician", "--team", "East",
                    "--team", "West", "--name", "Dr Rae")  # fmt: skip
    link = result.stdout.strip().splitlines()[-1]
    assert link.startswith("http://127.0.0.1:8000/setup/")
    account = Account.objects.get(user__username="rae@clinic.test")
    assert (account.role, account.display_name) == ("clinician", "Dr Rae")
    assert sorted(t.name for t in account.teams.all()) == ["East", "West"]
    assert Team.objects.count() == 2
    page = Client().get(link.removeprefix("http://127.0.0.1:8000"))
    assert page.status_code == 200 and b"Choose a password" in page.content


def test_add_user_refuses_bad_input_with_one_line_and_writes_nothing(db, clock):
    for args, message in (
        (["x@clinic.test", "--role", "patient"], "error: --role: 'patient' is not a staff role"),
        (["not-an-email", "--role", "admin"], "error: EMAIL: 'not-an-email' is not an email"),
        (["x@clinic.test", "--role", "admin", "--team", " "], "error: --team: a team needs a name"),
        (["x@clinic.test", "--role", "admin", "--team", "North\nBcc: all@evil.test"],
         "error: --team: 'North\\nBcc: all@evil.test' holds a line break or another control"),
        (["x@clinic.test", "--role", "admin", "--team", "N" * 201],
         "error: --team: a team's name is at most 200 characters"),
    ):
        result = clinic("add-user", *args, code=2)
        assert result.stderr.startswith(message) and len(result.stderr.splitlines()) == 1
    assert not Account.objects.exists() and not Team.objects.exists()
    clinic("add-user", "x@clinic.test", "--role", "admin")
    refused = clinic("add-user", "x@clinic.test", "--role", "researcher", code=2)
    assert "already has an account (admin); --role must match it" in refused.stderr


def test_token_prints_a_new_api_token_valid_for_the_days_asked_and_audited(cast, clock):
    result = clinic("token", "lee@clinic.test", "--days", "10")
    secret = result.stdout.strip().splitlines()[-1]
    assert secret.startswith("klc_") and "valid 10 days" in result.stdout
    assert tokens.user_for(secret, NOW + timedelta(days=9)) == cast.clinician_a
    assert tokens.user_for(secret, NOW + timedelta(days=10, seconds=1)) is None
    issued = AuditEntry.objects.get(action="token-issued", actor=cast.clinician_a)
    assert issued.what == "valid 10 days"
    assert (
        "no active user signs in as 'who@clinic.test'"
        in clinic("token", "who@clinic.test", code=2).stderr
    )
    assert (
        "error: --days: 0 is out of range"
        in clinic("token", "lee@clinic.test", "--days", 0, code=2).stderr
    )


def test_mail_goes_through_django_mailers_and_a_file_url_writes_a_file_a_message(
    tmp_path, settings
):
    from django.core import mail

    settings.MAILERS = email_settings(f"file://{tmp_path}/mail")["MAILERS"]
    for n in range(20):  # each through a connection of its own, as a worker sends them
        mail.send_mail(f"Alert {n}", "A patient needs attention.", None, ["lee@clinic.test"])
    mail.send_mass_mail([(f"Alert {n}", "Body", None, ["okafor@clinic.test"]) for n in (20, 21)])
    written = [path.read_text() for path in (tmp_path / "mail").glob("*.eml")]
    subjects = sorted(
        int(text.split("Subject: Alert ", 1)[1].split("\n", 1)[0]) for text in written
    )
    assert subjects == list(range(22))


def test_smtp_urls_become_django_smtp_mailer_options():
    smtp = email_settings("smtp://kl%40clinic.org:p%3Ass@mail.clinic.org:587")["MAILERS"]["default"]
    assert smtp["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert smtp["OPTIONS"] | {"timeout": None} == {
        "host": "mail.clinic.org", "port": 587, "username": "kl@clinic.org", "password": "p:ss",
        "use_ssl": False, "use_tls": True, "timeout": None,
    }  # fmt: skip
    smtps = email_settings("smtps://u:p@mail.clinic.org")["MAILERS"]["default"]["OPTIONS"]
    assert (smtps["port"], smtps["use_ssl"], smtps["use_tls"]) == (465, True, False)
    with pytest.raises(ValueError, match="KRATOMLOG_EMAIL: 'ftp://x' is not smtp://"):
        email_settings("ftp://x")


def test_serving_beyond_loopback_needs_allowed_hosts_and_a_real_secret_key():
    loopback = server.check_start("127.0.0.1:8000", {})
    assert loopback == ("127.0.0.1", 8000, "the data directory's key file")
    assert server.check_start("[::1]:9000", {})[:2] == ("::1", 9000)
    with pytest.raises(
        InputError,
        match=r"--bind: 0\.0\.0\.0:8000 is not a loopback address; .*KRATOMLOG_ALLOWED_HOSTS",
    ):
        server.check_start("0.0.0.0:8000", {"KRATOMLOG_SECRET_KEY": "k" * 50})
    hosts = {"KRATOMLOG_ALLOWED_HOSTS": "clinic.example.org"}
    with pytest.raises(InputError, match="KRATOMLOG_SECRET_KEY: it is not set; a server beyond"):
        server.check_start("0.0.0.0:8000", hosts)
    for placeholder, problem in (("changeme", "a placeholder"), ("short-key", "shorter than 32")):
        with pytest.raises(InputError, match=f"KRATOMLOG_SECRET_KEY: it is {problem}"):
            server.check_start("127.0.0.1:8000", {"KRATOMLOG_SECRET_KEY": placeholder})
    key = "a-long-random-secret-key-of-50-characters-xxxxxxxx"
    assert server.check_start("0.0.0.0:8000", {**hosts, "KRATOMLOG_SECRET_KEY": key})[2] == (
        "KRATOMLOG_SECRET_KEY"
    )
    with pytest.raises(InputError, match="--bind: '8000' is not HOST:PORT"):
        server.check_start("8000", {})


def test_clinic_serve_refuses_with_one_line_and_exit_2(db, monkeypatch):
    monkeypatch.delenv("KRATOMLOG_ALLOWED_HOSTS", raising=False)
    result = clinic("serve", "--bind", "0.0.0.0:8000", code=2)
    assert result.stderr.startswith("error: --bind: 0.0.0.0:8000 is not a loopback address")
    assert len(result.stderr.splitlines()) == 1
    assert "--workers: 0 is out of range" in clinic("serve", "--workers", "0", code=2).stderr


def base_settings():
    return {
        "INSTALLED_APPS": [],
        "MIDDLEWARE": [
            "django.middleware.security.SecurityMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "kratomlog.web.login.SignedInMiddleware",
        ],
        "TEMPLATES": [{"OPTIONS": {"context_processors": []}}],
        "ALLOWED_HOSTS": ["127.0.0.1"],
    }


def test_behind_a_tls_proxy_cookies_are_secure_hsts_is_on_and_hosts_are_allowed(monkeypatch):
    from kratomlog.clinic.settings import configure_clinic

    plain = base_settings()
    configure_clinic(plain)
    assert not plain.get("SESSION_COOKIE_SECURE") and "SECURE_HSTS_SECONDS" not in plain
    monkeypatch.setenv("KRATOMLOG_HTTPS", "1")
    monkeypatch.setenv("KRATOMLOG_ALLOWED_HOSTS", "clinic.example.org, www.clinic.example.org")
    proxied = base_settings()
    configure_clinic(proxied)
    assert proxied["SESSION_COOKIE_SECURE"] and proxied["CSRF_COOKIE_SECURE"]
    assert proxied["SECURE_HSTS_SECONDS"] == 31536000 and proxied["SECURE_SSL_REDIRECT"]
    assert proxied["ALLOWED_HOSTS"] == ["127.0.0.1", "clinic.example.org", "www.clinic.example.org"]
    assert proxied["MIDDLEWARE"][0] == "kratomlog.clinic.signin.ProxiedClientAddress"
    assert "MAILERS" in proxied and "EMAIL_BACKEND" not in proxied


def test_behind_the_proxy_the_audit_log_records_the_clients_address(cast, settings):
    settings.MIDDLEWARE = ["kratomlog.clinic.signin.ProxiedClientAddress", *settings.MIDDLEWARE]
    forwarded = {"HTTP_X_FORWARDED_FOR": "10.9.9.9, 203.0.113.9"}
    Client(**forwarded).post("/accounts/login", {"email": "ana@example.org", "password": "x"})
    # A client that is not the proxy cannot choose the address it is recorded under.
    Client(REMOTE_ADDR="198.51.100.7", **forwarded).post(
        "/accounts/login", {"email": "ana@example.org", "password": "y"}
    )
    addresses = AuditEntry.objects.filter(action="sign-in-failed").order_by("id")
    assert list(addresses.values_list("address", flat=True)) == ["203.0.113.9", "198.51.100.7"]


def test_the_demos_sign_in_shortcut_is_never_on_with_a_real_database(monkeypatch):
    from kratomlog.clinic.settings import configure_clinic

    monkeypatch.setenv("KRATOMLOG_CLINIC_DEMO", "1")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    demo = base_settings()
    configure_clinic(demo)
    assert demo["CLINIC_DEMO"] is True
    monkeypatch.setenv("DATABASE_URL", "postgres://clinic@db/clinic")
    real = base_settings()
    configure_clinic(real)
    assert real["CLINIC_DEMO"] is False
