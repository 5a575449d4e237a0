"""The admin pages: no one reads a second factor there, staff are added by set-up link, objects
and sections are named in words, users are deleted one at a time."""

from html import unescape

from django_otp.plugins.otp_totp.models import TOTPDevice

from kratomlog.clinic.models import Account, AuditEntry
from tests.clinic.helpers_ca import authenticator, verified_client


def test_an_authenticators_key_and_qr_code_are_never_shown_and_an_admin_deletes_one(cast):
    device = authenticator(cast.clinician_a)
    admin = verified_client(cast.admin)
    listing = unescape(admin.get("/admin/otp_totp/totpdevice/").content.decode())
    assert "Dr Lee (clinician, North)" in listing
    page = admin.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    html = unescape(page.content.decode())
    assert page.status_code == 200 and "Dr Lee (clinician, North)" in html
    assert device.key not in html and "otpauth://" not in html and 'name="key"' not in html
    for view in ("config", "qrcode"):
        shown = admin.get(f"/admin/otp_totp/totpdevice/{device.pk}/{view}/")
        assert device.key.encode() not in shown.content and b"otpauth" not in shown.content
    assert admin.get("/admin/otp_totp/totpdevice/add/").status_code == 403
    deleted = admin.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302 and not TOTPDevice.objects.filter(pk=device.pk).exists()


def test_add_user_makes_a_set_up_link_and_takes_no_password(cast):
    admin = verified_client(cast.admin)
    form = unescape(admin.get("/admin/auth/user/add/").content.decode())
    assert "Add a staff member" in form and 'type="password"' not in form
    refused = admin.post("/admin/auth/user/add/", {"email": "not-an-email", "role": "clinician"})
    assert refused.status_code == 400 and "is not an email address" in unescape(
        refused.content.decode()
    )
    made = admin.post("/admin/auth/user/add/", {"email": "Kim@clinic.test", "role": "clinician",
                                                "name": "Dr Kim", "teams": "North, East"})  # fmt: skip
    html = unescape(made.content.decode())
    assert made.status_code == 200 and "http://127.0.0.1:8000/setup/" in html
    account = Account.objects.get(user__username="kim@clinic.test")
    assert not account.user.has_usable_password()
    assert sorted(t.name for t in account.teams.all()) == ["East", "North"]
    assert AuditEntry.objects.filter(action="admin", what__contains="kim@clinic.test").exists()
    change = admin.get(f"/admin/auth/user/{account.user.id}/change/").content.decode()
    assert 'type="password"' not in change and "/password/" not in change
    assert admin.get(f"/admin/auth/user/{account.user.id}/password/").status_code in (302, 404)


def test_objects_and_sections_are_named_in_words_and_users_are_not_deleted_in_bulk(cast):
    from kratomlog.clinic.people import set_display_name

    set_display_name(cast.patient_a, "Ana P.")
    admin = verified_client(cast.admin)
    index = unescape(admin.get("/admin/").content.decode())
    for section in ("People", "Care teams and clinic settings", "Authenticator apps",
                    "Locked-out sign-ins"):  # fmt: skip
        assert section in index
    assert "Otp_Totp" not in index and "OTP_TOTP" not in index
    users = unescape(admin.get("/admin/auth/user/").content.decode())
    assert "delete_selected" not in users
    page = admin.get(f"/admin/auth/user/{cast.patient_a.user.id}/delete/")
    html = unescape(page.content.decode())
    assert "Ana P. (patient, North)" in html and "object (" not in html
    assert str(cast.patient_a) == "Ana P. (patient, North)"
