"""Claiming one send under an idempotency key, as the alert mail's deliveries do (tasks.py).

A row per key (a unique constraint) is created before the send and marked sent after it. A
retry, a second worker or a repeat finds the row and sends nothing, unless the claim was lost
with its worker (its lease expired) or is older than STALE_CLAIM: then one taker wins it with a
conditional update on the claim it saw.
"""

from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, models, transaction

from kratomlog.clinic import worker_lease

STALE_CLAIM = timedelta(minutes=10)  # a claim not marked sent by then was lost with its worker


def claim(model: type[models.Model], key: dict[str, Any], now: datetime) -> Any:
    """This worker's claim on the row of `key` (a new one, or one taken over), or None when it
    is sent already or another live worker holds it."""
    worker_id = worker_lease.current_worker_id()
    try:
        with transaction.atomic():
            return model._default_manager.create(**key, claimed_at=now, claimed_by=worker_id)
    except IntegrityError:
        pass
    unsent = model._default_manager.filter(**key, sent_at__isnull=True)
    row: Any = unsent.first()
    if row is None:
        return None
    lost_with_worker = row.claimed_by not in (
        "",
        worker_id,
    ) and row.claimed_by not in worker_lease.live_worker_ids(now)
    if not lost_with_worker and row.claimed_at >= now - STALE_CLAIM:
        return None
    taken = unsent.filter(id=row.id, claimed_at=row.claimed_at, claimed_by=row.claimed_by).update(
        claimed_at=now, claimed_by=worker_id
    )
    return row if taken else None
