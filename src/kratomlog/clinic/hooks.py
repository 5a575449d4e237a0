"""What the clinic does when a journal changes (called inside the writer's transaction)."""

from typing import Any

from kratomlog.journal.models import Change


def journal_changed(sender: type, instance: Change, created: bool, **kwargs: Any) -> None:
    if not created:
        return
    from kratomlog.clinic import standing, taper_tally
    from kratomlog.clinic.models import Patient

    # Read once for both: every write pays for this hook (nothing for a journal of no patient).
    patient = Patient.objects.filter(person_id=instance.person_id).select_related("person").first()
    if patient is None:
        return
    standing.journal_changed(patient, instance.at, instance.action)
    taper_tally.refresh(patient, instance.at)
