"""Helpers for the accounts-and-operations tests: authenticators, codes, signed-in clients."""

import re
from base64 import b32decode

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "a long staff password 1"  # the cast's staff password (conftest)


def authenticator(user):
    """A confirmed TOTP device for `user`, as a finished set-up leaves it."""
    return TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=True)


def code_now(key: bytes) -> str:
    """The 6 digits an authenticator app shows at this (frozen) moment."""
    return f"{totp(key):06d}"


def code_from_page(html: str) -> str:
    """What a person does at set-up: type the page's key into their app and read the code."""
    secret = re.search(r'<code id="secret">([A-Z2-7 ]+)</code>', html).group(1)
    return code_now(b32decode(secret.replace(" ", "")))


def verified_client(user, device=None) -> Client:
    """A browser session of `user` that has passed the authenticator step."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    device = (
        device
        or TOTPDevice.objects.filter(user=user, confirmed=True).first()
        or authenticator(user)
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def patient_client(patient) -> Client:
    client = Client()
    client.force_login(patient.user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def sign_in(client: Client, email: str, password: str, **extra):
    return client.post("/accounts/login", {"email": email, "password": password, **extra})
