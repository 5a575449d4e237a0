"""Small SVG bar lines of the last 28 days (grams a day, doses a day), with their numbers as the
accessible name."""

from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 112, 24


def _bars(values: Sequence[float], top: float, label: str, kind: str) -> SafeString:
    slot = WIDTH / len(values)
    bars = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}"></rect>',
        (
            (
                round(index * slot, 2),
                round(HEIGHT - HEIGHT * value / top, 2),
                round(slot * 0.8, 2),
                round(HEIGHT * value / top, 2),
            )
            for index, value in enumerate(values)
            if value > 0
        ),
    )
    return format_html(
        '<svg class="sparkline {}" viewBox="0 0 {} {}" width="{}" height="{}" role="img" '
        'aria-label="{}"><line x1="0" y1="{}" x2="{}" y2="{}"></line>{}</svg>',
        kind, WIDTH, HEIGHT, WIDTH, HEIGHT, label, HEIGHT, WIDTH, HEIGHT, bars,
    )  # fmt: skip


def sparkline(grams: Sequence[float], top: float = 0.0) -> SafeString:
    """Bars scaled to `top` grams a day (a list shares one scale), else to their own maximum."""
    if not grams:
        return mark_safe("")
    used = sum(1 for value in grams if value > 0)
    label = f"{used} use days and {sum(grams):g} g in the last {len(grams)} days"
    return _bars(grams, max(top, max(grams), 1.0), label, "grams")


def dose_sparkline(doses: Sequence[int], top: int = 0) -> SafeString:
    """Bars of each day's doses, scaled to `top` doses a day (a list shares one scale)."""
    if not doses:
        return mark_safe("")
    total = sum(doses)
    label = (
        f"{total} dose{'s' if total != 1 else ''} in the last {len(doses)} days, "
        f"{doses_a_day(total, len(doses))} a day"
    )
    return _bars(doses, max(top, max(doses), 1), label, "doses")


def doses_a_day(total: int, days: int) -> str:
    """The mean doses a day over `days`, in words as the page shows them: "1.4", "0"."""
    return f"{total / days:.1f}".removesuffix(".0") if days else "0"
