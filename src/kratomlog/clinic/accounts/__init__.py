"""Signing in (password, then TOTP for staff), staff set-up links, patient invitations, Sharing."""
