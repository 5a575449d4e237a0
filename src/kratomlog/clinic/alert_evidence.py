"""The evidence each alert is raised on, and the sentence a clinician reads about it.

Sentences are in the third person ("item 9 answered 2"), times in the patient's zone with its
abbreviation, days as "Wed 2 Dec".
"""

from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from kratomlog.checkins.models import CheckIn
from kratomlog.clinic.alerts import Evidence
from kratomlog.core.breaches import Breach
from kratomlog.core.instruments import FREQUENCY
from kratomlog.core.rules import grams
from kratomlog.core.signals import Signal


def moment_words(moment: datetime, tz: ZoneInfo) -> str:
    local = moment.astimezone(tz)
    return f"{local:%-d %b %H:%M} {local.tzname()}"


def day_words(day: date) -> str:
    return f"{day:%a %-d %b}"


def self_harm(checkin: CheckIn, tz: ZoneInfo) -> Evidence:
    item_9 = int(checkin.answers[8])
    return Evidence(
        f"phq9:{checkin.uid}",
        f"PHQ-9 on {moment_words(checkin.taken_at, tz)}: item 9 answered {item_9} "
        f"({FREQUENCY[item_9].lower()}), total {checkin.total}",
        {
            "checkin_id": str(checkin.uid),
            "checkin_at": checkin.taken_at.isoformat(),
            "item_9": item_9,
            "total": checkin.total,
        },
    )


def _breach_facts(breach: Breach) -> dict[str, object]:
    return {"day": breach.day.isoformat(), "plan": breach.plan, "rule": breach.rule,
            "rule_kind": breach.kind, "breach": breach.detail}  # fmt: skip


def limit_broken(
    breach: Breach, day_grams: float | None = None, most_grams: float | None = None
) -> Evidence:
    """`day_grams`, `most_grams`: the day's total and the grams it allowed (a daily limit or the
    taper's allowance), when known: the sentence then says by how much."""
    over = "Over the taper's allowance" if breach.kind == "taper" else "Over a limit"
    facts = _breach_facts(breach)
    by = ""
    if day_grams is not None and most_grams is not None and day_grams > most_grams:
        by = f" by {grams(day_grams - most_grams)} ({grams(day_grams)}"
        by += f", {grams(most_grams)} allowed)"
        facts |= {"grams": round(day_grams, 3), "allowed_grams": round(most_grams, 3)}
    return Evidence(
        f"day:{breach.day.isoformat()}",
        f"{over} of the plan '{breach.plan}' on {day_words(breach.day)}{by}: {breach.detail}",
        facts,
    )


def loss_of_control(signal: Signal, counted: Sequence[Breach]) -> Evidence:
    latest = max(counted, key=lambda breach: breach.day)
    if latest.kind == "no_use":
        what = "Used during a period set aside for no use"
    else:
        what = "Limits broken on two or more days within 30 days"
    return Evidence(
        f"day:{latest.day.isoformat()}",
        f"{what}; the latest on {day_words(latest.day)}: {latest.detail} (plan '{latest.plan}')",
        {**_breach_facts(latest), "since": signal.since.isoformat()},
    )


def from_signal(signal: Signal, key: str, words: str) -> Evidence:
    """Escalation and withdrawal persisting: the signal's own message, which is already told
    from the record ("withdrawal total 20 on day 8 after the last dose...")."""
    return Evidence(
        key,
        f"{words[0].upper()}{words[1:]}: {signal.message}",
        {"since": signal.since.isoformat(), "message": signal.message},
    )


def not_heard_from(
    last: datetime | None, joined: datetime, now: datetime, tz: ZoneInfo
) -> Evidence:
    since = last or joined
    days = (now - since).days
    day = since.astimezone(tz).date()
    if last is None:
        detail = f"Nothing recorded since joining on {day_words(day)}, {days} days ago"
    else:
        detail = f"Last heard from on {day_words(day)}, {days} days ago"
    return Evidence(
        f"last:{since.isoformat()}",
        detail,
        {"last_contact_at": last.isoformat() if last else None, "days": days},
    )


def plan_changed(replaced: str, replaced_by: str, newest_id: int, undo: bool) -> Evidence:
    if undo:
        detail = f"Undid the plan you set ('{replaced}'); in force now: " + (
            f"'{replaced_by}'" if replaced_by else "no plan"
        )
    else:
        detail = f"Changed the plan you set ('{replaced}') to '{replaced_by}'"
    return Evidence(
        f"version:{newest_id}:{'undo' if undo else 'plan'}",
        detail,
        {"replaced": replaced, "in_force": replaced_by or None},
    )
