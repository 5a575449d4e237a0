"""Reminders of due check-ins: which channels reach a patient, and sending each round once."""
