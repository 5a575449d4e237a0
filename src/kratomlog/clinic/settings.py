"""A clinic's settings on top of the local app's, from environment variables.

- KRATOMLOG_SECRET_KEY: required by `clinic serve` (it refuses a missing or placeholder key).
- KRATOMLOG_ALLOWED_HOSTS: comma-separated host names the server answers to (loopback always).
- KRATOMLOG_HTTPS=1: behind a TLS proxy: secure cookies, HSTS, the proxy's X-Forwarded-Proto,
  and the client's address from X-Forwarded-For when the proxy runs on this machine.
- KRATOMLOG_EMAIL: smtp://user:pass@host:port or file:///path/to/dir (default: the console).
- KRATOMLOG_FROM_EMAIL: the sender of the clinic's mail; KRATOMLOG_BASE_URL: the address
  patients and staff open (links in mail and on the command line).
- DATABASE_URL: the clinic's PostgreSQL (SQLite in the data directory otherwise, for a demo).
- KRATOMLOG_CLINIC_TIMEZONE: the IANA zone staff times are shown in when a staff account has
  none of its own (default UTC; an unknown zone is a start-up error).
- KRATOMLOG_VAPID_SUBJECT: the clinic's contact for push services, a real mailto: or https:
  address (without it Web Push is off); KRATOMLOG_VAPID_PRIVATE_KEY: its VAPID key (base64url,
  raw or DER; default a key made once in the data directory); KRATOMLOG_PUSH_EXTRA_ORIGINS:
  comma-separated origins beyond the known push services that subscriptions may name;
  KRATOMLOG_CLINIC_NAME: the title of every notification (default "Reminder").
- KRATOMLOG_SMS_BACKEND: a django-sms backend (sms.backends.twilio.SmsBackend,
  sms.backends.messagebird.SmsBackend, or a gateway's own) to send reminders by SMS too; none by
  default (SMS off). KRATOMLOG_SMS_FROM: the sender number or name; the gateway's credentials
  in its own variables (TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN, MESSAGEBIRD_ACCESS_KEY).
"""

import os
from typing import Any
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kratomlog.log_redaction import FILTERS as LOG_FILTERS

STAFF_IDLE_SECONDS = 15 * 60
PLACEHOLDER_SECRETS = {"", "changeme", "change-me", "secret", "placeholder", "insecure"}


def worker_lease_seconds(text: str) -> int:
    """How long a worker that stops renewing its lease keeps its tasks (default a minute)."""
    if not text:
        return 60
    if not text.isdigit() or not 2 <= int(text) <= 3600:
        raise ValueError(
            f"KRATOMLOG_WORKER_LEASE_SECONDS: {text!r} is not a whole number of seconds, 2 to 3600"
        )
    return int(text)


def email_settings(url: str) -> dict[str, Any]:
    """Django's MAILERS for a KRATOMLOG_EMAIL url (an unknown scheme is a start-up error).

    Django 6.1 replaces the EMAIL_* settings with MAILERS (a dict of named mailers, like
    DATABASES); the clinic sends through the "default" one.
    """
    parts = urlsplit(url)
    if not url:
        mailer: dict[str, Any] = {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    elif parts.scheme == "file":
        mailer = {
            "BACKEND": "kratomlog.clinic.file_mail.EmailBackend",  # a file a message
            "OPTIONS": {"file_path": unquote(parts.path)},
        }
    elif parts.scheme in ("smtp", "smtps"):
        mailer = {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": parts.hostname or "localhost",
                "port": parts.port or (465 if parts.scheme == "smtps" else 587),
                "username": unquote(parts.username or ""),
                "password": unquote(parts.password or ""),
                "use_ssl": parts.scheme == "smtps",
                "use_tls": parts.scheme == "smtp" and parts.port != 25,
                "timeout": 30,
            },
        }
    else:
        raise ValueError(
            f"KRATOMLOG_EMAIL: {url!r} is not smtp://user:pass@host:port or file:///path/to/dir"
        )
    return {"MAILERS": {"default": mailer}}


def clinic_timezone(name: str) -> str:
    """The clinic's zone for staff times: an IANA name (default UTC), checked at start-up."""
    name = name.strip() or "UTC"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"KRATOMLOG_CLINIC_TIMEZONE: {name!r} is not an IANA time zone such as Europe/Berlin"
        ) from None
    return name


# Push services (Apple's first) refuse a VAPID subject that is not a way to reach the sender.
_PLACEHOLDER_DOMAINS = ("example.com", "example.org", "example.net", "localhost", "invalid",
                        "test")  # fmt: skip
_PLACEHOLDER_MAILBOXES = ("you", "your", "yourname", "name", "user", "email", "me", "admin@admin")


def vapid_subject_problem(subject: str) -> str | None:
    """Why `subject` cannot be the VAPID subject (a placeholder, not mailto:/https:), or None."""
    parts = urlsplit(subject.strip())
    if parts.scheme == "mailto":
        mailbox, at, host = parts.path.rpartition("@")
    elif parts.scheme == "https":
        mailbox, at, host = "", "", parts.hostname or ""
    else:
        return "it is not a mailto: or https: address (mailto:care-team@your-clinic.org)"
    host = host.lower().rstrip(".")
    if parts.scheme == "mailto" and (not at or not mailbox or "." not in host):
        return "it is not a mail address (mailto:care-team@your-clinic.org)"
    if not host or any(host == d or host.endswith("." + d) for d in _PLACEHOLDER_DOMAINS):
        return f"{host or 'its host'} is a placeholder, not the clinic's own domain"
    if mailbox.lower() in _PLACEHOLDER_MAILBOXES or mailbox.startswith(("you", "your-")):
        return f"{mailbox}@ is a placeholder, not a mailbox someone reads"
    return None


def push_origins(text: str) -> tuple[str, ...]:
    """KRATOMLOG_PUSH_EXTRA_ORIGINS: exact origins (scheme://host[:port]), checked at start-up."""
    origins = []
    for item in (part.strip().rstrip("/") for part in text.split(",")):
        if not item:
            continue
        parts = urlsplit(item)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.path:
            raise ValueError(
                f"KRATOMLOG_PUSH_EXTRA_ORIGINS: {item!r} is not an origin such as "
                "https://push.your-clinic.org or http://127.0.0.1:8790"
            )
        origins.append(item.lower())
    return tuple(origins)


def configure_clinic(conf: dict[str, Any]) -> None:
    """Extend the local app's settings (`conf`, the settings module's globals) for a clinic."""
    conf["INSTALLED_APPS"] = [
        "django.contrib.contenttypes",
        "django.contrib.auth",
        "django.contrib.messages",
        "django.contrib.admin",
        *conf["INSTALLED_APPS"],
        "django_otp",
        "django_otp.plugins.otp_totp",
        "axes",
        "django_tasks_db",
        "kratomlog.clinic",
        "kratomlog.research",
    ]
    middleware = list(conf["MIDDLEWARE"])
    middleware[middleware.index("kratomlog.web.login.SignedInMiddleware")] = (
        "kratomlog.clinic.signin.ClinicSignedInMiddleware"
    )
    at = middleware.index("django.contrib.sessions.middleware.SessionMiddleware") + 1
    middleware[at:at] = [
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django_otp.middleware.OTPMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
    ]
    middleware.append("axes.middleware.AxesMiddleware")  # last, as django-axes asks
    conf["MIDDLEWARE"] = middleware
    conf["TEMPLATES"][0]["OPTIONS"]["context_processors"] += [
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]
    conf["ROOT_URLCONF"] = "kratomlog.clinic.urls"
    conf["AUTHENTICATION_BACKENDS"] = [
        "axes.backends.AxesStandaloneBackend",  # first: a locked-out account is refused at once
        "django.contrib.auth.backends.ModelBackend",
    ]
    conf["PASSWORD_HASHERS"] = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    conf["AUTH_PASSWORD_VALIDATORS"] = [
        {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
         "OPTIONS": {"min_length": 10}},
        {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
        {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    ]  # fmt: skip
    conf["LOGIN_URL"] = "/accounts/login"
    # Lock an account out after 5 failed sign-ins (per user name and address) for an hour.
    conf["AXES_FAILURE_LIMIT"] = 5
    conf["AXES_COOLOFF_TIME"] = 1
    conf["AXES_LOCKOUT_PARAMETERS"] = [["username", "ip_address"]]
    conf["AXES_RESET_ON_SUCCESS"] = True
    conf["AXES_LOCKOUT_CALLABLE"] = "kratomlog.clinic.accounts.sign_in.locked_out"
    conf["OTP_TOTP_ISSUER"] = "kratomlog clinic"
    conf["TASKS"] = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    conf["WORKER_LEASE_SECONDS"] = worker_lease_seconds(
        os.environ.get("KRATOMLOG_WORKER_LEASE_SECONDS", "")
    )
    conf["STAFF_IDLE_SECONDS"] = STAFF_IDLE_SECONDS
    conf["CLINIC_TIMEZONE"] = clinic_timezone(os.environ.get("KRATOMLOG_CLINIC_TIMEZONE", ""))
    conf["CLINIC_BASE_URL"] = os.environ.get("KRATOMLOG_BASE_URL", "http://127.0.0.1:8000")
    # Whether patients may change their own check-in schedule (page and PUT /api/v1/me/schedule).
    # Off by default: in a clinic the care team sets it, as it sets plans.
    conf["PATIENTS_SET_SCHEDULE"] = os.environ.get("KRATOMLOG_PATIENTS_SET_SCHEDULE") == "1"
    # Set only by `kratomlog clinic demo` (a throwaway SQLite clinic on loopback): it mounts a
    # sign-in link for the demo's staff that skips the authenticator step.
    # Never with a real database, whatever the environment says.
    conf["CLINIC_DEMO"] = os.environ.get("KRATOMLOG_CLINIC_DEMO") == "1" and not os.environ.get(
        "DATABASE_URL"
    )
    conf.update(email_settings(os.environ.get("KRATOMLOG_EMAIL", "")))
    conf["VAPID_SUBJECT"] = os.environ.get("KRATOMLOG_VAPID_SUBJECT", "").strip()
    conf["VAPID_PRIVATE_KEY"] = os.environ.get("KRATOMLOG_VAPID_PRIVATE_KEY", "").strip()
    conf["PUSH_EXTRA_ORIGINS"] = push_origins(os.environ.get("KRATOMLOG_PUSH_EXTRA_ORIGINS", ""))
    conf["CLINIC_NAME"] = os.environ.get("KRATOMLOG_CLINIC_NAME", "").strip()
    conf["SMS_BACKEND"] = os.environ.get("KRATOMLOG_SMS_BACKEND", "").strip()
    conf["DEFAULT_FROM_SMS"] = os.environ.get("KRATOMLOG_SMS_FROM", "").strip()
    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "MESSAGEBIRD_ACCESS_KEY"):
        conf[name] = os.environ.get(name, "")
    conf["DEFAULT_FROM_EMAIL"] = os.environ.get("KRATOMLOG_FROM_EMAIL", "care-team@localhost")

    hosts = [h.strip() for h in os.environ.get("KRATOMLOG_ALLOWED_HOSTS", "").split(",")]
    conf["ALLOWED_HOSTS"] = [*conf["ALLOWED_HOSTS"], *(h for h in hosts if h)]
    if os.environ.get("KRATOMLOG_HTTPS") == "1":
        conf["SESSION_COOKIE_SECURE"] = True
        conf["CSRF_COOKIE_SECURE"] = True
        conf["SECURE_PROXY_SSL_HEADER"] = ("HTTP_X_FORWARDED_PROTO", "https")
        conf["SECURE_SSL_REDIRECT"] = True
        conf["SECURE_HSTS_SECONDS"] = 60 * 60 * 24 * 365
        conf["SECURE_HSTS_INCLUDE_SUBDOMAINS"] = True
        conf["MIDDLEWARE"].insert(0, "kratomlog.clinic.signin.ProxiedClientAddress")
    conf["SESSION_COOKIE_AGE"] = 60 * 60 * 12  # a patient's session; staff idle out sooner
    # Django's request logger writes every 4xx with its path, and paths hold set-up links and
    # invitation codes: every line is redacted before it is written.
    conf["LOGGING"] = {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": LOG_FILTERS,
        "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact"]}},
        "root": {"handlers": ["console"], "level": "WARNING"},
    }
