"""Plan versions: each is in force from its start day until a later one starts."""

import uuid

from django.db import models

from kratomlog.journal.models import Change, Person


class PlanVersion(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="plan_versions")
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    start = models.DateField()
    rules = models.JSONField()  # core Plan.as_dict()["rules"]
    source = models.TextField(blank=True)
    evidence = models.TextField(blank=True)
    set_at = models.DateTimeField()
    withdrawn = models.BooleanField(default=False)  # by undo; kept as history
    # Who set it: empty for the person themself; in a clinic, the clinician's name and user id
    # (a plain number: the local app has no user accounts to point at).
    set_by = models.CharField(max_length=200, blank=True)
    set_by_user_id = models.IntegerField(null=True)
    restored_by = models.ForeignKey(
        Change, null=True, on_delete=models.SET_NULL, related_name="+"
    )  # the JSON import that brought it (undoing the import removes it)

    class Meta:
        indexes = [models.Index(fields=["person", "start"])]
