"""The clinic: clinicians supervise consenting patients; every access is audited.

The same journal, services and pages as the local app, with more people in the database and
three things around it: who may see what (`policy`), what must be told to whom (`alerts`), and a
record of every access (`audit`).
"""
