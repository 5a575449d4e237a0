"""Sending reminders: at most two per occurrence (the second SECOND_AFTER after the first),
none once it is done, missed or superseded (its window ends when the next is due), none in
the patient's quiet hours.

Each send is claimed first under the key (occurrence, channel, round), then sent, then marked
sent with what the channel answered, as alert mail is (clinic.tasks): a second worker, a retry
or a repeat finds the claim and sends nothing, and a claim whose worker died is taken over.
The one case that can send twice: a worker killed after handing the reminder to the mail
server (or push service) and before marking it sent; the worker that takes the claim over
sends it again.

The due occurrences are taken BATCH at a time: one query for the batch's occurrences and
their reminders, one each for the patients' settings, subscriptions and schedules, one insert
that claims every send of the batch (INSERT ... ON CONFLICT DO NOTHING RETURNING: the rows
this worker made are its own, the others were there already). Two workers walking the same
list leapfrog: a batch the other has claimed costs one insert that makes nothing. Each send
is still marked sent on its own, at once, so that the case above stays one reminder.
"""

import logging
from collections import defaultdict
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from kratomlog.clinic import push, worker_lease
from kratomlog.clinic.models import Occurrence, Patient, PushSubscription, Reminder
from kratomlog.clinic.reminders import channels, settings
from kratomlog.core import schedule
from kratomlog.core.days import stored_zone

STALE_CLAIM = timedelta(minutes=10)
BATCH = 100  # occurrences claimed together; small, so that two workers share the work evenly
INSERT_ROWS = 150  # claims a statement: well under SQLite's 999 parameters
_log = logging.getLogger("kratomlog.reminders")

Key = tuple[int, str, int]  # (occurrence id, channel, round)


def _took_over(reminder: Reminder, worker_id: str, now: datetime, live: set[str]) -> bool:
    """Whether this worker took over an unsent claim: one lost with its worker (no live
    lease) or older than STALE_CLAIM, won with a conditional update on the claim seen."""
    lost_with_worker = reminder.claimed_by not in ("", worker_id, *live)
    if not lost_with_worker and reminder.claimed_at >= now - STALE_CLAIM:
        return False
    return bool(
        Reminder.objects.filter(
            id=reminder.id, sent_at__isnull=True, claimed_at=reminder.claimed_at,
            claimed_by=reminder.claimed_by,
        ).update(claimed_at=now, claimed_by=worker_id)
    )  # fmt: skip


def _claim_many(keys: list[Key], now: datetime) -> dict[Key, int]:
    """This worker's claims among `keys`: the rows it made, and the unsent ones it took over;
    each key's Reminder id."""
    if not keys:
        return {}
    worker_id = worker_lease.current_worker_id()
    quote = connection.ops.quote_name
    table = quote(Reminder._meta.db_table)
    columns = ", ".join(quote(c) for c in ("occurrence_id", "channel", "round", "claimed_at",
                                             "claimed_by", "answer"))  # fmt: skip
    at = connection.ops.adapt_datetimefield_value(now)  # as the ORM would store it
    won: dict[Key, int] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(keys), INSERT_ROWS):
            part = keys[start : start + INSERT_ROWS]
            rows = ", ".join(["(%s, %s, %s, %s, %s, '')"] * len(part))
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {rows} ON CONFLICT "
                f"({quote('occurrence_id')}, {quote('channel')}, {quote('round')}) DO NOTHING "
                f"RETURNING {quote('id')}, {quote('occurrence_id')}, {quote('channel')}, "
                f"{quote('round')}",
                [v for key in part for v in (*key, at, worker_id)],
            )  # fmt: skip
            won.update({(o, c, r): i for i, o, c, r in cursor.fetchall()})
    others = [key for key in keys if key not in won]
    if others:
        wanted = set(others)
        unsent = [
            r for r in Reminder.objects.filter(
                occurrence_id__in={k[0] for k in others}, sent_at__isnull=True
            )
            if (r.occurrence_id, r.channel, r.round) in wanted
        ]  # fmt: skip
        live = worker_lease.live_worker_ids(now) if unsent else set()
        for reminder in unsent:
            if _took_over(reminder, worker_id, now, live):
                won[(reminder.occurrence_id, reminder.channel, reminder.round)] = reminder.id
    return won


def _round_due(occurrence: Occurrence, now: datetime, chosen: settings.Chosen) -> int | None:
    sent = sorted(
        (r for r in occurrence.reminders.all() if r.sent_at is not None),
        key=lambda r: r.round,
    )
    rounds = {r.round for r in sent}
    first = min((r.sent_at for r in sent if r.round == 1 and r.sent_at), default=None)
    core = schedule.Occurrence(occurrence.instrument, occurrence.due_at, occurrence.window_end)
    return schedule.reminder_round_due(
        core, core.state(now, occurrence.state == "done"), now, first, len(rounds),
        (chosen.quiet_from, chosen.quiet_to), stored_zone(occurrence.patient.person.timezone),
    )  # fmt: skip


def _send(way: str, patient: Patient, occurrence: Occurrence, round_: int,
          reminder_id: int, batch: channels.Batch) -> bool:  # fmt: skip
    send = channels.CHANNELS[way]
    try:
        # One commit for what the send wrote (a subscription's last answer, or its removal)
        # and the mark: a commit is a disk flush, the dearest part of a push after the request.
        with transaction.atomic():
            answers = send(patient, occurrence, round_, batch)
            Reminder.objects.filter(id=reminder_id).update(
                sent_at=timezone.now(), answer="; ".join(answers)[:2000]
            )
    except Exception as error:  # a channel down: logged, the claim left for a retry
        _log.error("reminder %s by %s not sent: %s", occurrence.id, way, error)
        return False
    return True


def _send_batch(due: list[Occurrence], now: datetime) -> int:
    from kratomlog.clinic import occurrences

    patients = {o.patient_id: o.patient for o in due}
    scheduled = set(
        occurrences.scheduled_patients().filter(id__in=list(patients)).values_list("id", flat=True)
    )
    chosen_of = settings.of_each(list(patients.values()))
    subscribed: dict[int, list[PushSubscription]] = defaultdict(list)
    if push.enabled():
        users = [p.user_id for p in patients.values()]
        for subscription in PushSubscription.objects.filter(user_id__in=users).order_by("id"):
            subscribed[subscription.user_id].append(subscription)
    wanted: list[tuple[Occurrence, str, int]] = []
    for occurrence in due:
        patient = patients[occurrence.patient_id]
        chosen = chosen_of[patient.id]
        if patient.id not in scheduled:
            continue  # its schedule was cleared: the ledger stays, its reminders end
        ways = channels.chosen(patient, chosen.channels, bool(subscribed.get(patient.user_id)))
        round_ = _round_due(occurrence, now, chosen) if ways else None
        if round_ is not None:
            wanted += [(occurrence, way, round_) for way in ways if way in channels.CHANNELS]
    claimed = _claim_many([(o.id, way, round_) for o, way, round_ in wanted], now)
    if not claimed:
        return 0
    batch = channels.Batch(title=channels.title(), subscriptions=subscribed)
    return sum(
        _send(way, o.patient, o, round_, claimed[(o.id, way, round_)], batch)
        for o, way, round_ in wanted
        if (o.id, way, round_) in claimed
    )


def send_due(now: datetime) -> int:
    """Send the reminders due now for every scheduled patient's open occurrences, BATCH
    occurrences at a time; the number this worker sent. Occurrences whose reminders are all
    sent, or whose first went less than SECOND_AFTER ago, are left out by the query."""
    sent_rows = Reminder.objects.filter(occurrence=OuterRef("pk"), sent_at__isnull=False)
    due = (
        Occurrence.objects.filter(state="due", due_at__lte=now, window_end__gt=now)
        .exclude(Exists(sent_rows.filter(round=schedule.REMINDER_ROUNDS)))
        .exclude(Exists(sent_rows.filter(round=1, sent_at__gt=now - schedule.SECOND_AFTER)))
        .select_related("patient__person", "patient__user")
        .prefetch_related("reminders")
        .order_by("id")
    )
    sent, after = 0, 0
    while True:
        rows = list(due.filter(id__gt=after)[:BATCH])
        if not rows:
            return sent
        after = rows[-1].id
        try:
            sent += _send_batch(rows, now)
        except Exception:  # the database away mid-batch: the claims left are taken over later
            _log.exception("reminders of occurrences %s to %s not sent", rows[0].id, after)
