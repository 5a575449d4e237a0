"""A local journal's installed app keeps its own name (a clinic's takes the clinic's)."""

import json


def test_the_local_journal_is_installed_as_kratomlog(signed_in):
    shown = json.loads(signed_in.get("/manifest.webmanifest").content)
    assert shown["name"] == shown["short_name"] == "kratomlog"
    assert "kratom" in shown["description"]
