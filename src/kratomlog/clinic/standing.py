"""A patient's standing (signals, breaches, last dose, scores), stored so triage is one query.

Refreshed in the transaction that changes the patient's data (see hooks); raises the alerts
that a change of standing calls for.
"""

from datetime import datetime


def journal_changed(person_id: int, at: datetime) -> None:
    """Recompute the standing of the patient whose journal this is (no-op for non-patients)."""
    # Filled in by the standing-and-alerts work; a person who is not a clinic patient has none.
    return None
