"""What the clinic does when a journal changes (called inside the writer's transaction)."""

from typing import Any

from kratomlog.checkins.models import CheckIn
from kratomlog.journal.models import Change


def journal_changed(sender: type, instance: Change, created: bool, **kwargs: Any) -> None:
    if not created:
        return
    from kratomlog.clinic import stale

    # Every write pays for this hook: one UPDATE marks the standing stale (see stale). Only a
    # check-in that answers PHQ-9 item 9 above 0 raises its alert at once: the change says so
    # when checkins.services made it, else the check-in is read (one query, on its unique uid).
    # A sync that brought any check-in is urgent too, as its answers are not read here.
    if instance.action == "checkin":
        urgent = getattr(instance, "self_harm", None)
        if urgent is None:
            urgent = CheckIn.objects.filter(uid=instance.after.get("uid"), self_harm=True).exists()
    else:
        urgent = kwargs.get("brought_checkins", False)
    stale.journal_changed(instance.person_id, instance.at, instance.action, urgent)
