"""Django settings, from environment variables with safe local defaults.

KRATOMLOG_HOME replaces the platform's user data directory; DATABASE_URL (a clinic's
PostgreSQL) replaces the embedded SQLite file in it.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
import tzlocal
from platformdirs import user_data_dir

from kratomlog.log_redaction import FILTERS as LOG_FILTERS
from kratomlog.storage import LOG_FILE, make_private, say_made_private


def _data_dir() -> Path:
    """The journal's directory, private to its owner: the journal is health data, and other
    accounts on the same computer must not read it (a journal made before is tightened)."""
    home = os.environ.get("KRATOMLOG_HOME") or user_data_dir("kratomlog", appauthor=False)
    path = Path(home).expanduser()
    say_made_private(path, make_private(path))
    return path


def _local_secret(directory: Path) -> str:
    """A key made once per data directory, so a local journal needs no setup."""
    key_file = directory / "secret_key"
    if not key_file.exists():
        # Whole or not at all: several processes may start on a new journal at once, and each
        # must read the one key that won, never a file half written.
        draft = directory / f"secret_key.{os.getpid()}"
        draft.write_text(secrets.token_urlsafe(50))
        draft.chmod(0o600)
        try:
            os.link(draft, key_file)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return key_file.read_text().strip()


def _system_timezone() -> str:
    try:
        return tzlocal.get_localzone_name() or "UTC"
    except Exception:  # no zone configured on this machine: UTC is the honest default
        return "UTC"


DATA_DIR = _data_dir()
# Read before Django sets TZ from TIME_ZONE below: a new journal takes the system's zone.
SYSTEM_TIMEZONE = _system_timezone()
SECRET_KEY = os.environ.get("KRATOMLOG_SECRET_KEY") or _local_secret(DATA_DIR)
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

# The web app's own apps load only where pages are served: the CLI starts faster without them,
# and the web process migrates their tables on its first start.
WEB = os.environ.get("KRATOMLOG_WEB", "1") != "0"
# A clinic (`kratomlog clinic ...`) adds accounts, roles, consent, alerts and the audit log.
CLINIC = os.environ.get("KRATOMLOG_CLINIC") == "1"
WEB = WEB or CLINIC
INSTALLED_APPS = [
    *(["django.contrib.sessions", "django.contrib.staticfiles", "django_htmx"] if WEB else []),
    "kratomlog.journal",
    "kratomlog.plans",
    "kratomlog.checkins",
    "kratomlog.sync",  # a local journal's link to a clinic
    *(["kratomlog.web"] if WEB else []),
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "kratomlog.web.headers.NoStoreMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kratomlog.web.login.SignedInMiddleware",
]
ROOT_URLCONF = "kratomlog.web.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.csp",
                "django.template.context_processors.request",
            ]
        },
    }
]
STATIC_URL = "/static/"
WHITENOISE_USE_FINDERS = True  # serve each app's static files as they are: no collectstatic step

# No script, style or font from anywhere but this server, and nothing inline.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "manifest-src": ["'self'"],
    "worker-src": ["'self'"],
}
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"  # Strict would drop the cookie after the login link's redirect
SESSION_COOKIE_AGE = 60 * 60 * 24 * 30
CSRF_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
UPLOAD_MAX_BYTES = 20 * 1024 * 1024  # an import file; larger ones get a clear message

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"])}
else:
    DATABASES = {
        "default": {
            # Django's SQLite, whose writer waits for another (a long import) instead of failing.
            "ENGINE": "kratomlog.waiting_sqlite",
            "NAME": DATA_DIR / "journal.sqlite3",
            "OPTIONS": {
                # WAL lets a reader (the web app) and a writer (the CLI) work at once; IMMEDIATE
                # takes the write lock at the start of a transaction so two writers queue
                # instead of failing half-way. A writer that finds the lock taken says so after
                # `timeout` seconds, then keeps waiting (kratomlog.waiting_sqlite).
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 2,
            },
            # A file, not memory: the browser tests' live server answers from several threads,
            # and each needs its own connection.
            "TEST": {"NAME": DATA_DIR / "test.sqlite3"},
        }
    }

# What went wrong unexpectedly (a web page's 500, a command's failure) is reported here, in the
# data directory, never on screen; the file is the owner's alone like the rest of it. No line
# holds a one-time link, a token or a password (kratomlog.log_redaction).
LOG_PATH = DATA_DIR / LOG_FILE
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"report": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": LOG_FILTERS,
    "handlers": {
        "report": {
            "filters": ["redact"],
            "class": "logging.handlers.RotatingFileHandler",
            "filename": str(LOG_PATH),
            "maxBytes": 1_000_000,
            "backupCount": 1,
            "encoding": "utf-8",
            "delay": True,
            "formatter": "report",
        }
    },
    "loggers": {
        "django.request": {"handlers": ["report"], "level": "ERROR"},
        "django.server": {"handlers": ["report"], "level": "ERROR"},
        "kratomlog": {"handlers": ["report"], "level": "WARNING"},
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "UTC"
USE_I18N = False
FORMAT_MODULE_PATH = ["kratomlog.web.formats"]

if CLINIC:
    from kratomlog.clinic.settings import configure_clinic

    configure_clinic(globals())
