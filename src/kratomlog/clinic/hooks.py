"""What the clinic does when a journal changes (called inside the writer's transaction)."""

from typing import Any

from kratomlog.journal.models import Change


def journal_changed(sender: type, instance: Change, created: bool, **kwargs: Any) -> None:
    if not created:
        return
    from kratomlog.clinic import stale

    # Every write pays for this hook: one UPDATE marks the standing stale (see stale).
    checkin = instance.action == "checkin" or kwargs.get("brought_checkins", False)
    stale.journal_changed(instance.person_id, instance.at, instance.action, checkin)
