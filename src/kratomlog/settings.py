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


def _data_dir() -> Path:
    home = os.environ.get("KRATOMLOG_HOME") or user_data_dir("kratomlog", appauthor=False)
    path = Path(home).expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path


def _local_secret(directory: Path) -> str:
    """A key made once per data directory, so a local journal needs no setup."""
    key_file = directory / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
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

INSTALLED_APPS = ["kratomlog.journal", "kratomlog.plans"]

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"])}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "journal.sqlite3",
            "OPTIONS": {
                # WAL lets a reader (the web app) and a writer (the CLI) work at once; IMMEDIATE
                # takes the write lock at the start of a transaction so two writers queue
                # instead of failing half-way.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "UTC"
USE_I18N = False
