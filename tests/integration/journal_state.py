"""What a journal holds, compared whole: after bad input it must be exactly as it was."""

import json
from datetime import UTC, datetime

from kratomlog.journal import transfer
from kratomlog.journal.models import Person
from kratomlog.web.models import LoginLink


def state() -> str:
    """Every person's journal and settings, the sign-in links and the change log, as text."""
    now = datetime(2026, 1, 1, tzinfo=UTC)
    journals = []
    for person in Person.objects.order_by("id"):
        exported = transfer.export_json(person, now)
        journals.append({**exported, "person_id": person.id})
    links = LoginLink.objects.count() if _web_loaded() else 0
    return json.dumps({"journals": journals, "links": links}, sort_keys=True, default=str)


def _web_loaded() -> bool:
    from django.apps import apps

    return apps.is_installed("kratomlog.web")


# A kratomlog JSON export of one dose, written out by hand: each test spoils one value of it.
def export_document() -> dict:
    return {
        "format": "kratomlog-journal",
        "version": 1,
        "exported_at": "2026-11-20T10:00:00+00:00",
        "person": {"name": "me", "timezone": "Europe/Berlin", "dose_unit": "g"},
        "crisis_resources": "",
        "products": [],
        "entries": [
            {
                "uid": "7d0c1b5e-9a51-4c1e-8a59-0c6f0f1a2b3c",
                "substance": "kratom",
                "name": "kratom",
                "category": "",
                "amount": 3.0,
                "unit": "g",
                "grams": 3.0,
                "elemental_mg": None,
                "compound": "",
                "form": "powder",
                "purpose": "",
                "note": "",
                "timezone": "Europe/Berlin",
                "source": "manual",
                "source_key": None,
                "deleted": False,
                "taken_at": "2026-11-20T09:00:00+00:00",
                "local_day": "2026-11-20",
                "product": None,
                "imported_by": None,
            }
        ],
        "plans": [
            {
                "uid": "5b7e3f2a-1c4d-4e8f-9a0b-1c2d3e4f5a6b",
                "name": "weekly",
                "start": "2026-11-01",
                "rules": [
                    {
                        "id": "max_use_days",
                        "kind": "max_use_days",
                        "severity": "limit",
                        "max": 1,
                        "window_days": 7,
                    }
                ],
                "source": "your own plan",
                "evidence": "set by you",
                "set_at": "2026-11-01T08:00:00+00:00",
                "withdrawn": False,
            }
        ],
        "checkins": [],
        "sleep": [],
        "activities": [],
        "changes": [
            {
                "uid": "0e9d8c7b-6a5f-4e3d-8c2b-1a0f9e8d7c6b",
                "at": "2026-11-20T09:00:00+00:00",
                "action": "log",
                "summary": "logged 3 g kratom",
                "entry": "7d0c1b5e-9a51-4c1e-8a59-0c6f0f1a2b3c",
                "before": None,
                "after": None,
                "undone": False,
            }
        ],
    }
