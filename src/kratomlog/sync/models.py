"""A local journal's link to a clinic, and what the clinic already holds of it.

The token itself is not here: it lives in a file only its owner can read (see sync.link), so
that a copy of the database (a backup, an export) never carries the key to the clinic.
"""

from django.db import models


class ClinicLink(models.Model):
    """The clinic this journal is linked to (at most one row)."""

    url = models.CharField(max_length=500)
    patient_id = models.CharField(max_length=64)
    linked_at = models.DateTimeField()
    last_sync_at = models.DateTimeField(null=True)
    last_sync_summary = models.CharField(max_length=500, blank=True)
    cursor = models.CharField(max_length=64, blank=True)  # the clinic's: plans seen so far


class SyncedRecord(models.Model):
    """A record as the clinic last acknowledged it: its digest. A record whose digest differs
    now (or that has no row here) is waiting to be sent."""

    kind = models.CharField(max_length=20)
    uid = models.CharField(max_length=36)
    digest = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "uid"], name="synced_record")]
