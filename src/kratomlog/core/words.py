"""Counts in words, with the plural right: "1 check-in", "2 check-ins", "1 night"."""


def count(number: int, singular: str, plural: str | None = None) -> str:
    return f"{number} {singular if number == 1 else plural or singular + 's'}"
