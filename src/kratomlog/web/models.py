"""One-time login links: the server prints one at start; following it signs the browser in."""

from django.db import models

from kratomlog.journal.models import Person


class LoginLink(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="login_links")
    token_hash = models.CharField(max_length=64, unique=True)  # sha256: the token is never stored
    created_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True)
