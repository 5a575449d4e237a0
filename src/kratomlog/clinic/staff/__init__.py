"""The clinicians' pages: triage, a patient's course, plans, visits, the report, the inbox."""
