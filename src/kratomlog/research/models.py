"""Studies, their researchers, and the patients who joined them under a research consent.

Research consent is separate from care consent: a patient may share with their care team and
not take part in a study, or the other way round. Like care consent it is a versioned record of
decisions (join, leave), and `StudyParticipant.active` is kept in step with the latest of them.
"""

import secrets

from django.conf import settings
from django.db import models

from kratomlog.clinic.models import Patient

# The longest baseline window a study may declare: kratomlog's own choice, a season of records
# before enrollment (the 0 to 90 days).
BASELINE_MOST = 90


def new_secret() -> str:
    return secrets.token_hex(32)


class Study(models.Model):
    name = models.SlugField(max_length=100, unique=True)  # in URLs and commands
    protocol_id = models.CharField(max_length=100, blank=True)
    consent_text = models.TextField()
    consent_version = models.CharField(max_length=20)
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)  # the last day of the study, included
    # The key of the participants' pseudonyms (HMAC-SHA256): the same within the study, so
    # exports join across time, and unlinkable across studies. Never exported or shown.
    pseudonym_secret = models.CharField(max_length=64, default=new_secret, editable=False)
    created_at = models.DateTimeField()
    # Local times of day are exported rounded down to this many seconds: the quarter hour
    # unless the study's protocol asks for more (60: the minute, 1: the second).
    time_of_day_seconds = models.PositiveIntegerField(default=900)
    # Days before enrollment the export also takes (day -N to -1): stated in the consent text.
    baseline_days = models.PositiveSmallIntegerField(default=0)
    # The study page's numbers, kept once drawn: a large study takes the worker minutes.
    summary = models.JSONField(null=True, blank=True)
    summary_at = models.DateTimeField(null=True, blank=True)
    summary_asked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class StudyResearcher(models.Model):
    """A researcher who may see a study's page and its de-identified exports."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="researchers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="studies"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["study", "user"], name="one_membership_per_study")
        ]


class StudyParticipant(models.Model):
    """A patient in a study: enrolled on their first join; `active` while research consent holds."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="participants")
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="studies")
    enrolled_at = models.DateTimeField()
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["study", "patient"], name="one_participation")
        ]
        indexes = [models.Index(fields=["study", "active"])]


class ResearchConsent(models.Model):
    """One decision about a study: joined (granted) or left (revoked), under a text version."""

    participant = models.ForeignKey(
        StudyParticipant, on_delete=models.CASCADE, related_name="consents"
    )
    version = models.CharField(max_length=20)
    # The baseline window that version stated: what this participant agreed the export takes
    # from before they joined (0: nothing before; every consent given before windows existed).
    baseline_days = models.PositiveSmallIntegerField(default=0)
    granted = models.BooleanField()
    at = models.DateTimeField()
    address = models.GenericIPAddressField(null=True)

    class Meta:
        indexes = [models.Index(fields=["participant", "at"])]


class StudyExport(models.Model):
    """An export a researcher asked for on the study page; the worker writes it."""

    QUEUED, DONE, FAILED = "queued", "done", "failed"

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="exports")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    format = models.CharField(max_length=10)  # parquet or csv
    requested_at = models.DateTimeField()
    state = models.CharField(max_length=10, default=QUEUED)
    finished_at = models.DateTimeField(null=True)
    participants = models.IntegerField(null=True)
    archive = models.CharField(max_length=500, blank=True)  # the zip file, once written
    error = models.CharField(max_length=500, blank=True)
