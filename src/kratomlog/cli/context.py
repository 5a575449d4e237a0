"""What every command needs: the journal opened, its person, and the moment now."""

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from kratomlog.storage import open_journal

if TYPE_CHECKING:
    from kratomlog.journal.models import Person


def person() -> "Person":
    open_journal()
    from kratomlog.journal.services import local_person

    return local_person()


def now() -> datetime:
    return datetime.now(UTC)
