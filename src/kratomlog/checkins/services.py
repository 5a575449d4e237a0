"""Recording check-ins: scored at once, PHQ-9 item 9 flagged, each kept with its history."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction

from kratomlog.checkins.models import Activity, CheckIn, SleepDiary
from kratomlog.checkins.queries import live_checkins as live_checkins
from kratomlog.checkins.queries import live_nights as live_nights
from kratomlog.core import bam, crisis
from kratomlog.core.bounds import (
    MAX_MINUTES,
    check_day,
    check_whole,
)
from kratomlog.core.days import local_day, parse_day, zone
from kratomlog.core.errors import InputError
from kratomlog.core.instruments import ACTIVITIES as ACTIVITIES
from kratomlog.core.instruments import Score, instrument, parse_answers, score
from kratomlog.core.sleep import Night, last_night, night_from_diary
from kratomlog.core.when import parse_when
from kratomlog.journal.models import Change, Person


@dataclass
class Recorded:
    """A check-in just saved, with what must be shown at once."""

    checkin: CheckIn
    score: Score
    crisis_resources: tuple[crisis.Resource, ...] = field(default_factory=tuple)
    care_team: crisis.CareTeam | None = None  # a clinic's patient: who was alerted, whom to call


def resources(person: Person) -> tuple[crisis.Resource, ...]:
    """The person's own list, else their clinic's, else the default for their time zone."""
    if person.crisis_resources.strip():
        return crisis.parse_resources(person.crisis_resources)
    if settings.CLINIC:
        from kratomlog.clinic.crisis_contact import clinic_resources

        chosen = clinic_resources()
        if chosen:
            return chosen
    return crisis.default_resources(person.timezone)


def care_team(person: Person) -> crisis.CareTeam | None:
    """In a clinic, the patient's care team to call (None in a local journal)."""
    if not settings.CLINIC:
        return None
    from kratomlog.clinic.crisis_contact import care_team as clinic_care_team

    return clinic_care_team(person)


def set_resources(person: Person, text: str) -> None:
    """Replace the crisis resources, one "name | contact" a line; empty restores the default."""
    if text.strip():
        crisis.parse_resources(text)
    person.crisis_resources = text.strip()
    with transaction.atomic():
        person.save(update_fields=["crisis_resources"])


def _log_change(
    person: Person,
    now: datetime,
    kind: str,
    uid: Any,
    summary: str,
    replaced: Sequence[str] = (),
    self_harm: bool = False,
) -> None:
    after: dict[str, Any] = {"model": kind, "uid": str(uid)}
    if replaced:  # a night recorded again: undo brings the earlier diary back
        after["replaced"] = list(replaced)
    change = Change(person=person, at=now, action="checkin", summary=summary, after=after)
    # Not stored: told to whatever listens for the change (the clinic judges a self-harm answer
    # in its write), so that it need not read the check-in back to know.
    change.self_harm = self_harm  # type: ignore[attr-defined]
    change.save(force_insert=True)


def _save(person: Person, now: datetime, at: str | None, summary: str,
          **fields: Any) -> CheckIn:  # fmt: skip
    """A scored check-in taken `at` (default now) in the person's zone, and its change: both or
    neither, with no savepoint inside a caller's transaction (as a dose's entry: see
    journal.services._record). Its answers were checked before."""
    tz = zone(person.timezone)
    moment = parse_when(at, now, tz)
    with transaction.atomic(savepoint=False):
        checkin = CheckIn.objects.create(person=person, taken_at=moment, timezone=person.timezone,
                                         local_day=local_day(moment, tz), **fields)  # fmt: skip
        _log_change(person, now, "checkin", checkin.uid, summary,
                    self_harm=fields.get("self_harm", False))  # fmt: skip
    return checkin


def record_checkin(
    *,
    person: Person,
    key: str,
    now: datetime,
    answers: Sequence[int] | str,
    at: str | None = None,
    note: str = "",
) -> Recorded:
    chosen = instrument(key)
    values = parse_answers(answers, chosen) if isinstance(answers, str) else tuple(answers)
    scored = score(chosen, values)
    checkin = _save(
        person, now, at, f"recorded {chosen.name} ({scored.total})",
        instrument=chosen.key, answers=list(scored.answers), total=scored.total,
        band=scored.band or "", self_harm=scored.self_harm, note=note,
    )  # fmt: skip
    if not scored.self_harm:
        return Recorded(checkin, scored)
    return Recorded(checkin, scored, resources(person), care_team(person))


@dataclass
class RecordedBam:
    """A Brief Addiction Monitor just saved, with its subscales."""

    checkin: CheckIn
    score: bam.BamScore


def record_bam(
    *,
    person: Person,
    now: datetime,
    answers: Sequence[object] | str,
    at: str | None = None,
    note: str = "",
    field: str = "--answers",
) -> RecordedBam:
    """17 answers (item 7 the drugs used); kept as a check-in whose total is 0: the BAM has
    no total, its subscales are scored from the answers whenever they are read."""
    scored = (
        bam.parse_answers(answers, field) if isinstance(answers, str) else bam.score(answers, field)
    )
    checkin = _save(
        person, now, at,
        f"recorded the BAM (use {scored.use}, risk {scored.risk}, "
        f"protective {scored.protective})",
        instrument=bam.KEY, answers=scored.stored(), total=0, band="", note=note,
    )  # fmt: skip
    return RecordedBam(checkin, scored)


def bam_of(checkin: CheckIn) -> bam.BamScore:
    """A stored BAM's answers scored again (they were checked when it was recorded)."""
    return bam.score(checkin.answers)


@transaction.atomic
def record_sleep(
    *,
    person: Person,
    now: datetime,
    bed: str,
    tried: str,
    sol: int,
    wakes: int,
    waso: int,
    final: str,
    up: str,
    quality: int,
    night: str | None = None,
    note: str = "",
    replace: bool = False,
) -> tuple[SleepDiary, Night]:
    """Last night's diary by default; a night already recorded is replaced only when asked."""
    tz = zone(person.timezone)
    today = local_day(now, tz)
    night_day = (
        check_day(parse_day(night, "--night"), "--night", today) if night else last_night(now, tz)
    )
    computed = night_from_diary(
        night_day,
        tz,
        bed=bed,
        tried=tried,
        sol=sol,
        wakes=wakes,
        waso=waso,
        final=final,
        up=up,
        quality=quality,
    )
    if computed.out_of_bed > now:
        raise InputError(
            "--up",
            f"getting up at {up} after the night that began on {night_day:%A %-d %B} is "
            f"still to come; a diary records a night that is over: fill it in after you get "
            f"up, or choose an earlier night",
        )
    earlier = person.sleep_diaries.filter(night=night_day, deleted=False)
    replaced = [str(uid) for uid in earlier.values_list("uid", flat=True)]
    if replaced:
        if not replace:
            raise InputError(
                "--night",
                f"the night of {night_day} is already recorded; add --replace to record it again",
            )
        earlier.update(deleted=True)
    diary = SleepDiary.objects.create(
        person=person,
        night=night_day,
        timezone=person.timezone,
        into_bed=computed.into_bed,
        tried_to_sleep=computed.tried_to_sleep,
        sol_minutes=sol,
        awakenings=wakes,
        waso_minutes=waso,
        final_awakening=computed.final_awakening,
        out_of_bed=computed.out_of_bed,
        quality=quality,
        note=note,
    )
    _log_change(
        person, now, "sleep", diary.uid, f"recorded the sleep diary of {night_day}", replaced
    )
    return diary, computed


def night_of(diary: SleepDiary) -> Night:
    return Night(
        diary.night,
        diary.into_bed,
        diary.tried_to_sleep,
        diary.sol_minutes,
        diary.awakenings,
        diary.waso_minutes,
        diary.final_awakening,
        diary.out_of_bed,
        diary.quality,
    )


@transaction.atomic
def record_activity(
    *,
    person: Person,
    kind: str,
    now: datetime,
    minutes: int | None = None,
    at: str | None = None,
    note: str = "",
) -> Activity:
    if kind not in ACTIVITIES:
        raise InputError("KIND", f"{kind!r}; use one of {', '.join(ACTIVITIES)}")
    if minutes is not None and minutes <= 0:
        raise InputError("--minutes", f"{minutes} must be above 0")
    if minutes is not None:
        check_whole(minutes, "--minutes", 1, MAX_MINUTES)
    tz = zone(person.timezone)
    moment = parse_when(at, now, tz)
    activity = Activity.objects.create(
        person=person,
        kind=kind,
        taken_at=moment,
        timezone=person.timezone,
        local_day=local_day(moment, tz),
        minutes=minutes,
        note=note,
    )
    _log_change(person, now, "activity", activity.uid, f"recorded {kind}")
    return activity


def undo_record(model: str, uid: str, replaced: Sequence[str] = ()) -> None:
    """Called by undo for a check-in, a sleep diary or an activity: the record goes, and a
    night it replaced comes back."""
    kinds = {"checkin": CheckIn, "sleep": SleepDiary, "activity": Activity}
    kinds[model].objects.filter(uid=uid).update(deleted=True)
    if replaced:
        SleepDiary.objects.filter(uid__in=replaced).update(deleted=False)
