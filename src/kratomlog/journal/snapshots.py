"""An entry as a plain dict: what revisions keep, what undo restores, what export writes."""

import math
from datetime import date, datetime
from typing import Any

from kratomlog.journal.models import Entry

FIELDS = ("substance", "name", "category", "amount", "unit", "grams", "elemental_mg", "compound",
          "form", "purpose", "note", "timezone", "source", "source_key", "source_digest",
          "deleted")  # fmt: skip
# Snapshots kept before the field existed lack it: restoring one leaves the entry's own value.
ADDED_LATER = ("source_digest",)


def snapshot(entry: Entry) -> dict[str, Any]:
    """JSON-safe: an impossible amount kept from before the checks (inf) becomes None, so that
    such an entry can still be edited, deleted and exported."""
    data = {name: _finite(getattr(entry, name)) for name in FIELDS}
    data["taken_at"] = entry.taken_at.isoformat()
    data["local_day"] = entry.local_day.isoformat()
    data["product"] = entry.product.name if entry.product_id else None
    return data


def _finite(value: Any) -> Any:
    return None if isinstance(value, float) and not math.isfinite(value) else value


def restore(entry: Entry, data: dict[str, Any]) -> None:
    """Set `entry`'s fields back to a snapshot (the product by name, as it now exists)."""
    for name in FIELDS:
        if name in data or name not in ADDED_LATER:
            setattr(entry, name, data[name])
    entry.taken_at = datetime.fromisoformat(data["taken_at"])
    entry.local_day = date.fromisoformat(data["local_day"])
    product_name = data.get("product")
    entry.product = (
        entry.person.products.filter(name=product_name).first() if product_name else None
    )
