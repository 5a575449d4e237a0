"""What every command needs: the journal opened, its person, and the moment now."""

from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kratomlog.journal.models import Person


def ready() -> None:
    """Django set up and the journal's schema current; done once, by the first command that
    touches the journal (never by `--help`)."""
    from kratomlog.storage import open_journal

    open_journal()


def person() -> "Person":
    ready()
    from kratomlog.journal.person import local_person

    return local_person()


def now() -> datetime:
    return datetime.now(UTC)
