"""Who is who in a clinic, what they agreed to, what needs attention, and who looked at what.

Every table about a patient carries the patient (and so the journal's person), so the schema
distributes by person (Citus-style) when one database is no longer enough.
"""

import uuid

from django.conf import settings
from django.db import models

from kratomlog.journal.models import Person

PATIENT, CLINICIAN, RESEARCHER, ADMIN = "patient", "clinician", "researcher", "admin"
ROLES = (PATIENT, CLINICIAN, RESEARCHER, ADMIN)
STAFF_ROLES = (CLINICIAN, RESEARCHER, ADMIN)


class Team(models.Model):
    """A care team: its clinicians see the consenting patients of the team."""

    name = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The check-in schedule a new patient of the team starts with: [core Item.as_dict()].
    default_schedule = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return self.name


class TeamScheduleVersion(models.Model):
    """A team's default check-in schedule as it was set: the newest is Team.default_schedule;
    every one is kept with who set it (a clinician's name and id, or the command line's)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="schedule_versions")
    items = models.JSONField()  # [core.schedule.Item.as_dict()]; [] for none
    set_at = models.DateTimeField()
    set_by = models.CharField(max_length=200, blank=True)
    set_by_user_id = models.IntegerField(null=True)

    class Meta:
        indexes = [models.Index(fields=["team", "set_at"])]


class Account(models.Model):
    """A user's role in the clinic, and for staff the teams they belong to."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account"
    )
    role = models.CharField(max_length=20, choices=[(r, r) for r in ROLES])
    display_name = models.CharField(max_length=200, blank=True)  # "Dr Lee"
    # Staff read times in their own zone; blank: the clinic's zone (KRATOMLOG_CLINIC_TIMEZONE).
    timezone = models.CharField(max_length=64, blank=True)
    teams = models.ManyToManyField(Team, blank=True, related_name="members")

    def __str__(self) -> str:
        return self.display_name or self.user.get_username()


class Patient(models.Model):
    """A person of the clinic: their journal (a Person), their sign-in and their care team."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)  # in URLs
    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="patient")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="patient"
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="patients")
    # The care consent in force now, kept in step with the latest Consent row in the same
    # transaction, so that "may this clinician see this patient" is a plain column filter.
    sharing = models.BooleanField(default=False)
    joined_at = models.DateTimeField()
    # How staff name the patient ("Ana P."), given at invitation or by the patient; the
    # clinic's own record number and a phone to call, both optional.
    display_name = models.CharField(max_length=200, blank=True)
    record_number = models.CharField(max_length=64, blank=True)
    phone = models.CharField(max_length=40, blank=True)

    class Meta:
        indexes = [models.Index(fields=["team", "sharing"])]

    @property
    def shown_name(self) -> str:
        """The name staff see: the display name, else the sign-in email."""
        return self.display_name or self.user.email or self.user.get_username()

    def __str__(self) -> str:
        return f"{self.shown_name} (patient, {self.team.name})"


class Consent(models.Model):
    """One decision about sharing with the care team: granted or revoked, under a text version."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="consents")
    version = models.CharField(max_length=20)  # of the consent text the patient read
    granted = models.BooleanField()
    at = models.DateTimeField()
    address = models.GenericIPAddressField(null=True)

    class Meta:
        indexes = [models.Index(fields=["patient", "at"])]

    def __str__(self) -> str:
        said = "agreed to share" if self.granted else "stopped sharing"
        return f"{self.patient.shown_name} {said} on {self.at:%d %b %Y} (text {self.version})"


class Invitation(models.Model):
    """A one-time code a clinician gives a patient; spent when accepted."""

    code_hash = models.CharField(max_length=64, unique=True)  # sha256 of the code
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True)
    patient = models.ForeignKey(Patient, on_delete=models.SET_NULL, null=True, related_name="+")
    # Who is invited, as the clinician gave it: the patient's name and record number go onto
    # their account when they join; the email, if given, is where the invitation was mailed.
    display_name = models.CharField(max_length=200, blank=True)
    record_number = models.CharField(max_length=64, blank=True)
    email = models.EmailField(max_length=254, blank=True)

    def __str__(self) -> str:
        whom = self.display_name or self.email or "a patient"
        return f"invitation for {whom} to {self.team.name} of {self.created_at:%d %b %Y}"


class SetupLink(models.Model):
    """A one-time link where new staff set a password and enrol a TOTP authenticator (72 hours)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="setup_links"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"set-up link for {self.user.get_username()} of {self.created_at:%d %b %Y}"


class ApiToken(models.Model):
    """A bearer token for the API; only its hash is kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True)
    revoked_at = models.DateTimeField(null=True)


class AuditEntry(models.Model):
    """One access or change, append-only, in a keyed hash chain per actor (see clinic.audit).

    On PostgreSQL a trigger refuses UPDATE and DELETE (but erasure's pseudonym for the actor's
    label) and the app's role may only INSERT and SELECT; `hash` is an HMAC, under a key kept
    outside the database, of this row's fields and the previous row of its chain.
    """

    chain = models.CharField(max_length=40, default="system")  # "actor:17", or "system"
    seq = models.PositiveBigIntegerField(default=0)  # 1, 2, 3... within the chain

    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actor_label = models.CharField(max_length=254, blank=True)  # email, or erasure's pseudonym
    label_digest = models.CharField(max_length=64, blank=True)  # the HMAC of the first label
    role = models.CharField(max_length=20, blank=True)
    action = models.CharField(max_length=40)  # read, write, export, plan, consent, sign-in...
    what = models.CharField(max_length=300, blank=True)  # the page, endpoint or object
    patient = models.ForeignKey(
        Patient, on_delete=models.SET_NULL, null=True, related_name="audit_entries"
    )
    patient_public_id = models.UUIDField(null=True)  # kept if the patient is deleted
    address = models.GenericIPAddressField(null=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        indexes = [models.Index(fields=["patient", "at"])]
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_one_row_per_link")
        ]


class Standing(models.Model):
    """A patient's standing now, refreshed soon after their data changes: one row a patient."""

    patient = models.OneToOneField(Patient, on_delete=models.CASCADE, related_name="standing")
    priority = models.IntegerField(default=99)  # lower first: the most urgent reason's rank
    reasons = models.JSONField(default=list)  # ["self_harm_risk", "loss_of_control", ...]
    days_since_last_dose = models.IntegerField(null=True)
    use_days_28 = models.IntegerField(default=0)
    grams_28 = models.FloatField(default=0.0)
    grams_by_day_28 = models.JSONField(default=list)  # 28 numbers, oldest first, for the sparkline
    # Doses a day beside grams (dependence follows how often more than how much): the 28 days'
    # doses, and each day's count, oldest first, for the second sparkline.
    doses_28 = models.IntegerField(default=0)
    doses_by_day_28 = models.JSONField(default=list)
    plan_name = models.CharField(max_length=200, blank=True)
    allowance_today = models.CharField(max_length=200, blank=True)  # in words: "4.5 g", "none"
    phq9_latest = models.IntegerField(null=True)
    withdrawal_latest = models.IntegerField(null=True)
    last_activity_at = models.DateTimeField(null=True)  # the latest entry or check-in
    updated_at = models.DateTimeField()
    # Since the first write not yet refreshed (clinic.stale): the worker, or the page about to
    # show it, refreshes it. None: current.
    stale_since = models.DateTimeField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["priority"]),
            models.Index(
                fields=["stale_since"],
                condition=models.Q(stale_since__isnull=False),
                name="clinic_standing_stale",
            ),
        ]


class TaperTally(models.Model):
    """A patient's taper so far, refreshed whenever their data changes (clinic.taper_tally): the
    clinic's outcomes read one row a patient instead of judging every day of every journal."""

    patient = models.OneToOneField(Patient, on_delete=models.CASCADE, related_name="taper_tally")
    taper_days = models.IntegerField(default=0)  # days under a taper, to the last change
    days_within = models.IntegerField(default=0)  # of those, days kept within the allowance
    reached_zero = models.BooleanField(default=False)  # a day of the 0 g step with no use
    updated_at = models.DateTimeField()


ALERT_OPEN, ALERT_ACKNOWLEDGED, ALERT_RESOLVED = "open", "acknowledged", "resolved"


class Alert(models.Model):
    """Something about a patient that needs a clinician; one unresolved alert per kind, and one
    alert per piece of evidence (`evidence_key`): resolved, it never comes back for the same
    PHQ-9 answer, breach day or last contact."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=40)  # self_harm_risk, loss_of_control, not_heard_from...
    urgent = models.BooleanField(default=False)
    state = models.CharField(max_length=20, default=ALERT_OPEN)
    detail = models.CharField(max_length=500, blank=True)  # in the third person, for staff
    evidence = models.JSONField(default=dict)  # the facts it was raised on, as fields
    evidence_key = models.CharField(max_length=200, blank=True)  # "phq9:<check-in uid>"...
    # Set when the patient stopped sharing while this (urgent) alert was unresolved: the team
    # keeps seeing this alert, and nothing more of the journal.
    stopped_sharing_at = models.DateTimeField(null=True)
    raised_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True)
    resolution_note = models.TextField(blank=True)
    escalated_at = models.DateTimeField(null=True)  # re-sent to the whole team

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "kind"],
                condition=~models.Q(state="resolved"),
                name="one_unresolved_alert_per_kind",
            ),
            models.UniqueConstraint(
                fields=["patient", "kind", "evidence_key"],
                condition=~models.Q(evidence_key=""),
                name="one_alert_per_evidence",
            ),
        ]
        indexes = [models.Index(fields=["state", "raised_at"])]

    def __str__(self) -> str:
        what = self.kind.replace("_", " ")
        return f"{what} alert about {self.patient.shown_name} of {self.raised_at:%d %b %Y}"


class AlertDelivery(models.Model):
    """A mail sent about an alert; the key (alert, recipient, round) makes sending idempotent."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="deliveries")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    round = models.CharField(max_length=20, default="first")  # first, or escalation
    claimed_at = models.DateTimeField()
    # The worker that claimed it (blank outside a worker): its expired lease frees the claim.
    claimed_by = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["alert", "recipient", "round"], name="one_delivery_per_key"
            )
        ]


class Visit(models.Model):
    """A clinical visit: an optional COWS rating and free-text notes, by a clinician."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="visits")
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField()
    cows_answers = models.JSONField(null=True)  # 11 item scores
    cows_total = models.IntegerField(null=True)
    note = models.TextField(blank=True)
    next_visit_on = models.DateField(null=True, blank=True)  # shown on triage

    class Meta:
        indexes = [models.Index(fields=["patient", "at"])]

    def __str__(self) -> str:
        return f"visit of {self.patient.shown_name} on {self.at:%d %b %Y}"


class ClinicSettings(models.Model):
    """The clinic's own settings, one row: what its patients see in a crisis, and whom to call.

    Set with `kratomlog clinic settings set ...` or on the admin pages; blank: the defaults."""

    crisis_resources = models.TextField(blank=True)  # "name | contact" lines; blank: by zone
    contact_name = models.CharField(max_length=200, blank=True)  # "North clinic"
    contact_phone = models.CharField(max_length=40, blank=True)
    contact_hours = models.CharField(max_length=200, blank=True)  # when alerts are read
    updated_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = "clinic settings"
        verbose_name_plural = "clinic settings"

    def __str__(self) -> str:
        return "The clinic's crisis resources and contact"


class Message(models.Model):
    """One message of a patient's conversation with their care team: plain text, its author,
    when it was sent, when the other side read it and when they were told of it by mail."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    author_label = models.CharField(max_length=254, blank=True)  # "Dr Lee", kept if they go
    from_patient = models.BooleanField()
    text = models.TextField()
    sent_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True)  # by the other side
    announced_at = models.DateTimeField(null=True)  # the other side mailed "a new message"

    class Meta:
        indexes = [models.Index(fields=["patient", "sent_at"])]


class WorkerLease(models.Model):
    """A running `kratomlog clinic worker`: it renews `beat_at` while it lives. A task still
    RUNNING under a worker whose lease has expired was lost with that worker and is queued again.
    """

    worker_id = models.CharField(max_length=64, unique=True)  # django-tasks-db's worker id
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField()


class PushSubscription(models.Model):
    """A browser's Web Push subscription (its PushSubscription JSON): where the push service
    accepts notifications for one installed app of one user, and its encryption keys."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.CharField(max_length=2048, unique=True)  # the push service's URL for it
    p256dh = models.CharField(max_length=100)  # the browser's P-256 key, base64url
    auth = models.CharField(max_length=40)  # its 16-byte auth secret, base64url
    created_at = models.DateTimeField()
    last_sent_at = models.DateTimeField(null=True)
    last_status = models.IntegerField(null=True)  # the push service's last HTTP answer


class MessageAnnouncement(models.Model):
    """One announcement of a new message to one person on one channel (mail, push): the key
    (message, recipient, channel) makes it idempotent, as AlertDelivery does for alert mail."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="announcements")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    channel = models.CharField(max_length=10)  # mail or push
    claimed_at = models.DateTimeField()
    claimed_by = models.CharField(max_length=64, blank=True)  # the worker, as in AlertDelivery
    sent_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["message", "recipient", "channel"], name="one_announcement_per_key"
            )
        ]


OCCURRENCE_STATES = ("upcoming", "due", "done", "missed")


class Occurrence(models.Model):
    """One due check-in of a patient's schedule: open from `due_at` until `window_end`, done by
    the first record of its instrument inside that window, missed after it."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="occurrences")
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)  # in reminder links
    instrument = models.CharField(max_length=20)
    due_at = models.DateTimeField()
    window_end = models.DateTimeField()
    state = models.CharField(max_length=10, default="upcoming")
    done_at = models.DateTimeField(null=True)  # when the record that completed it was taken
    done_by = models.CharField(max_length=40, blank=True)  # that record's uid

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "instrument", "due_at"], name="one_occurrence_per_moment"
            )
        ]
        indexes = [
            models.Index(fields=["state", "due_at"]),
            models.Index(fields=["patient", "due_at"]),
        ]


class Reminder(models.Model):
    """One reminder sent for an occurrence; the key (occurrence, channel, round) makes sending
    idempotent, claimed before sending as AlertDelivery is."""

    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="reminders")
    channel = models.CharField(max_length=20)  # mail, push
    round = models.PositiveSmallIntegerField()  # 1 or 2
    claimed_at = models.DateTimeField()
    claimed_by = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField(null=True)
    answer = models.TextField(blank=True)  # what the channel answered: "250 accepted", "201"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["occurrence", "channel", "round"], name="one_reminder_per_key"
            )
        ]


class ReminderSettings(models.Model):
    """How a patient wants to be reminded; no row: push where subscribed, else mail, and quiet
    from 22:00 to 08:00 in their zone."""

    patient = models.OneToOneField(
        Patient, on_delete=models.CASCADE, related_name="reminder_settings"
    )
    channels = models.JSONField(default=list)  # ["push", "mail"]; [] for no reminders
    quiet_from = models.TimeField()
    quiet_to = models.TimeField()
    updated_at = models.DateTimeField()


class CalendarFeed(models.Model):
    """A patient's private calendar subscription: the secret is in its URL, only its hash is
    kept (as an API token's); revoked, or replaced by a renewal, it answers 404."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="calendar_feeds")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True)
