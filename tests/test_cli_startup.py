"""The command line pays only for what a command runs: no web or HTTP machinery on its import
path, Django not even set up for `--help`, and each command's module named in one table."""

import importlib
import json
import os
import sqlite3
import subprocess
import sys

import typer

from kratomlog import cli

PROBE = """
import sys
sys.argv = ["kratomlog", *{args!r}]
from kratomlog.cli import main
try:
    main()
except SystemExit:
    pass
loaded = [name for name in ("django.urls", "django.http", "kratomlog.web", "django.conf",
                            "kratomlog.journal.transfer", "rich") if name in sys.modules]
sys.stderr.write("LOADED " + " ".join(loaded) + "\\n")
"""


def loaded_by(tmp_path, *args: str) -> list[str]:
    env = {**os.environ, "KRATOMLOG_HOME": str(tmp_path / "journal")}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(args=list(args))],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    line = next(line for line in done.stderr.splitlines() if line.startswith("LOADED"))
    return line.split()[1:]


def test_status_loads_no_url_http_or_web_machinery_nor_the_importers(tmp_path):
    loaded = loaded_by(tmp_path, "status", "--json")
    assert "django.conf" in loaded  # it did read the journal
    for heavy in ("django.urls", "django.http", "kratomlog.web", "kratomlog.journal.transfer"):
        assert heavy not in loaded, heavy


def test_a_dose_loads_no_url_http_or_web_machinery(tmp_path):
    loaded = loaded_by(tmp_path, "dose", "2g", "--json")
    assert not {"django.urls", "django.http", "kratomlog.web", "rich"} & set(loaded), loaded


def test_django_forms_checks_and_the_log_settings_wait_for_a_first_use(tmp_path):
    """Django's forms (and template engine) and system checks are a fifth of a command's
    start-up and no command uses them; they stay deferred, and the log file is configured only
    when something is logged, and then the record reaches it. (A new journal's first command
    migrates, and `migrate` loads the checks it runs: the journal here is made first.)"""
    probe = PROBE.format(args=["status", "--json"]) + """
from kratomlog.deferred import deferred
sys.stderr.write("DEFERRED " + " ".join(
    name for name in ("django.forms", "django.core.checks") if deferred(name)) + "\\n")
sys.stderr.write("ABSENT " + " ".join(name for name in (
    "django.template", "django.core.mail", "logging.config") if name not in sys.modules) + "\\n")
import logging
logging.getLogger("kratomlog.imports").warning("a probe record")
"""
    env = {**os.environ, "KRATOMLOG_HOME": str(tmp_path / "journal")}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    made = [sys.executable, "-m", "kratomlog", "dose", "2g"]
    subprocess.run(made, env=env, check=True, capture_output=True, timeout=60)
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60
    )
    said = {line.split()[0]: line.split()[1:] for line in done.stderr.splitlines() if line}
    assert said["DEFERRED"] == ["django.forms", "django.core.checks"], done.stderr
    assert said["ABSENT"] == ["django.template", "django.core.mail", "logging.config"]
    log = (tmp_path / "journal" / "kratomlog.log").read_text()
    assert "WARNING kratomlog.imports: a probe record" in log
    assert "a probe record" not in done.stderr  # to the file, not the screen


def test_help_sets_up_no_django_and_no_rich(tmp_path):
    assert loaded_by(tmp_path, "--help") == []


def test_every_command_is_in_the_table_under_the_module_that_defines_it():
    for module in cli.MODULES:
        if module == "fhir":  # it adds the FHIR format to transfer's `export`
            assert cli.COMMANDS["export"] == ("transfer", "fhir")
            continue
        app = typer.Typer()
        importlib.import_module(f"kratomlog.cli.{module}").register(app)
        names = {info.name or info.callback.__name__ for info in app.registered_commands}
        names |= {group.name for group in app.registered_groups}
        assert names, module
        for name in names:
            assert module in cli.COMMANDS[name], (name, module)
    every = {name for app_info in [cli.build()] for name in _names(app_info)}
    assert every == set(cli.COMMANDS)


def _names(app: typer.Typer) -> set[str]:
    names = {info.name or info.callback.__name__ for info in app.registered_commands}
    return names | {group.name for group in app.registered_groups}


def test_a_command_alone_answers_as_with_every_command_loaded(tmp_path):
    env = {**os.environ, "KRATOMLOG_HOME": str(tmp_path / "journal")}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    kratomlog = [sys.executable, "-m", "kratomlog"]
    subprocess.run([*kratomlog, "dose", "2g"], env=env, check=True, capture_output=True)
    status = subprocess.run(
        [*kratomlog, "status", "--json"], env=env, check=True, capture_output=True, text=True
    )
    assert json.loads(status.stdout)["totals"]["use_days_last_7"] == 1


def test_a_journal_made_by_an_older_version_is_migrated_by_its_next_command(tmp_path):
    """The schema is checked from the recorded migrations, not the migration graph: a journal
    whose latest migrations are missing (as an older kratomlog left it) is brought up to date
    by the next command, which then answers as usual."""
    env = {**os.environ, "KRATOMLOG_HOME": str(tmp_path / "journal")}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["KRATOMLOG_WEB"] = "0"
    kratomlog = [sys.executable, "-m", "kratomlog"]
    subprocess.run([*kratomlog, "dose", "2g"], env=env, check=True, capture_output=True)
    older = (
        "from kratomlog.storage import setup_django; setup_django(); "
        "from django.core.management import call_command; "
        "call_command('migrate', 'journal', '0004_restored_by', verbosity=0)"
    )
    subprocess.run([sys.executable, "-c", older], env=env, check=True, capture_output=True)
    journal = sqlite3.connect(tmp_path / "journal" / "journal.sqlite3")
    applied = {row[0] for row in journal.execute("SELECT name FROM django_migrations")}
    assert "0005_person_journal_started" not in applied  # as an older version left it
    journal.close()

    status = subprocess.run(
        [*kratomlog, "status", "--json"], env=env, capture_output=True, text=True, timeout=60
    )
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["totals"]["use_days_last_7"] == 1
    journal = sqlite3.connect(tmp_path / "journal" / "journal.sqlite3")
    applied = {row[0] for row in journal.execute("SELECT name FROM django_migrations")}
    assert {"0005_person_journal_started", "0006_categories_and_tea"} <= applied
    journal.close()
    subprocess.run(  # what the newer migrations brought works
        [*kratomlog, "config", "set", "journal-started", "2026-01-05"],
        env=env, check=True, capture_output=True,
    )


def test_collection_resumes_once_django_is_set_up_for_commands_and_servers(tmp_path):
    """cli.main pauses the collector during start-up; a server (`serve`, `clinic serve`, the
    clinic's worker) runs for weeks after it, so setting Django up resumes collection on every
    path, with start-up's objects frozen."""
    env = {**os.environ, "KRATOMLOG_HOME": str(tmp_path / "journal")}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    probe = (
        "import gc, os; gc.disable(); os.environ['KRATOMLOG_WEB'] = {web!r}; "
        "from kratomlog.storage import setup_django; setup_django(); "
        "print(gc.isenabled(), gc.get_freeze_count() > 1000)"
    )
    for web in ("0", "1"):
        done = subprocess.run(
            [sys.executable, "-c", probe.format(web=web)],
            env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert done.stdout.split() == ["True", "True"], (web, done.stdout, done.stderr)
