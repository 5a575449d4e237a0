"""A patient's reminder settings: the channels and the quiet hours (22:00-08:00 unless set)."""

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from kratomlog.clinic.models import Patient, ReminderSettings
from kratomlog.clinic.reminders.channels import sms_enabled
from kratomlog.core.errors import InputError
from kratomlog.core.schedule import QUIET_FROM, QUIET_TO, parse_clock

KNOWN_CHANNELS = ("push", "mail", "sms")
DEFAULT_CHANNELS = ["push"]  # push where subscribed, else mail (see channels.chosen)


@dataclass(frozen=True)
class Chosen:
    channels: list[str]
    quiet_from: time
    quiet_to: time

    def as_dict(self) -> dict[str, Any]:
        return {
            "channels": self.channels,
            "quiet_hours": {"from": f"{self.quiet_from:%H:%M}", "to": f"{self.quiet_to:%H:%M}"},
        }


def of(patient: Patient) -> Chosen:
    row = ReminderSettings.objects.filter(patient=patient).first()
    if row is None:
        return Chosen(list(DEFAULT_CHANNELS), QUIET_FROM, QUIET_TO)
    return Chosen(list(row.channels), row.quiet_from, row.quiet_to)


def of_each(patients: list[Patient]) -> dict[int, Chosen]:
    """`of` for many patients, in one query; by patient id."""
    rows = {r.patient_id: r for r in ReminderSettings.objects.filter(patient__in=patients)}
    return {
        p.id: Chosen(list(rows[p.id].channels), rows[p.id].quiet_from, rows[p.id].quiet_to)
        if p.id in rows
        else Chosen(list(DEFAULT_CHANNELS), QUIET_FROM, QUIET_TO)
        for p in patients
    }


def read(raw: dict[str, Any]) -> Chosen:
    channels = raw.get("channels")
    if not isinstance(channels, list) or any(c not in KNOWN_CHANNELS for c in channels):
        raise InputError("channels", "a list of push, mail and sms, or [] for no reminders")
    if "sms" in channels and not sms_enabled():
        raise InputError(
            "channels", "sms is not available: this clinic has no SMS gateway; push and/or mail"
        )
    quiet = raw.get("quiet_hours") or {"from": "22:00", "to": "08:00"}
    if not isinstance(quiet, dict):
        raise InputError("quiet_hours", 'an object such as {"from": "22:00", "to": "08:00"}')
    return Chosen(
        list(dict.fromkeys(channels)),
        parse_clock(quiet.get("from"), "quiet_hours.from"),
        parse_clock(quiet.get("to"), "quiet_hours.to"),
    )


def save(patient: Patient, chosen: Chosen, now: datetime) -> Chosen:
    ReminderSettings.objects.update_or_create(
        patient=patient,
        defaults={
            "channels": chosen.channels,
            "quiet_from": chosen.quiet_from,
            "quiet_to": chosen.quiet_to,
            "updated_at": now,
        },
    )
    return chosen
