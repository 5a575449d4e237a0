"""The filters staff pages offer: a clinician's own teams; anything else is named, not a crash."""

from kratomlog.core.errors import InputError


def unknown_team(team: str | None, teams: list[str]) -> InputError | None:
    """The team filter of a page offers the clinician's own teams; anything else is named."""
    if team is None or team in teams:
        return None
    return InputError("team", f"{team!r} is not one of your teams ({', '.join(teams) or 'none'})")
