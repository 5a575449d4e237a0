"""Opening the journal: Django set up and the database migrated on first use, no extra step."""

import os

_migrated = False


def setup_django() -> None:
    """Configure Django (no database access yet); safe to call more than once."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kratomlog.settings")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup(set_prefix=False)  # no URL prefix here: the CLI serves no pages


def open_journal() -> None:
    """Ready to read and write: the database exists and its schema is current."""
    global _migrated
    setup_django()
    if _migrated:
        return
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", verbosity=0, interactive=False)
    _migrated = True
