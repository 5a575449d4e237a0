"""Check-ins: questionnaires, sleep diaries and recovery activities, each kept with its history."""

import uuid

from django.db import models

from kratomlog.journal.models import Change, Person


class CheckIn(models.Model):
    """A scored questionnaire: PHQ-9, GAD-7, the withdrawal check-in, craving or the BAM.

    The BAM has no total (its total is kept as 0): its subscales are scored from its answers,
    which hold item 7's drug names as a list."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="checkins")
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    instrument = models.CharField(max_length=20)
    taken_at = models.DateTimeField()
    timezone = models.CharField(max_length=64)
    local_day = models.DateField()
    answers = models.JSONField()
    total = models.IntegerField()
    band = models.CharField(max_length=40, blank=True)
    self_harm = models.BooleanField(default=False)  # PHQ-9 item 9 above 0: for a care team's alert
    note = models.TextField(blank=True)
    deleted = models.BooleanField(default=False)
    restored_by = models.ForeignKey(
        Change, null=True, on_delete=models.SET_NULL, related_name="+"
    )  # the JSON import that brought it (undoing the import removes it)

    class Meta:
        indexes = [models.Index(fields=["person", "instrument", "taken_at"])]


class SleepDiary(models.Model):
    """One night of the Consensus Sleep Diary; times stored as real moments (UTC)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="sleep_diaries")
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    night = models.DateField()  # the evening the night began
    timezone = models.CharField(max_length=64)
    into_bed = models.DateTimeField()
    tried_to_sleep = models.DateTimeField()
    sol_minutes = models.IntegerField()
    awakenings = models.IntegerField()
    waso_minutes = models.IntegerField()
    final_awakening = models.DateTimeField()
    out_of_bed = models.DateTimeField()
    quality = models.IntegerField()
    note = models.TextField(blank=True)
    deleted = models.BooleanField(default=False)
    restored_by = models.ForeignKey(
        Change, null=True, on_delete=models.SET_NULL, related_name="+"
    )  # the JSON import that brought it (undoing the import removes it)

    class Meta:
        indexes = [models.Index(fields=["person", "night"])]


class Activity(models.Model):
    """A recovery activity: counselling or therapy, a support group meeting, exercise."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="activities")
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=20)
    taken_at = models.DateTimeField()
    timezone = models.CharField(max_length=64)
    local_day = models.DateField()
    minutes = models.IntegerField(null=True)
    note = models.TextField(blank=True)
    deleted = models.BooleanField(default=False)
    restored_by = models.ForeignKey(
        Change, null=True, on_delete=models.SET_NULL, related_name="+"
    )  # the JSON import that brought it (undoing the import removes it)


class ScheduleVersion(models.Model):
    """A check-in schedule as it was set: the newest is the one in force; every one is kept
    with who set it (empty for the person themself; in a clinic, the clinician's name and id)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="schedule_versions")
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    items = models.JSONField()  # [core.schedule.Item.as_dict()]; [] for no schedule
    set_at = models.DateTimeField()
    set_by = models.CharField(max_length=200, blank=True)
    set_by_user_id = models.IntegerField(null=True)

    class Meta:
        indexes = [models.Index(fields=["person", "set_at"])]
