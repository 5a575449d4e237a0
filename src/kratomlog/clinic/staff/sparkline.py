"""A small SVG bar line of grams a day (28 days), with its numbers as the accessible name."""

from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 112, 24


def sparkline(grams: Sequence[float], top: float = 0.0) -> SafeString:
    """Bars scaled to `top` grams a day (a list shares one scale), else to their own maximum."""
    if not grams:
        return mark_safe("")
    top = max(top, max(grams), 1.0)
    slot = WIDTH / len(grams)
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
            for index, value in enumerate(grams)
            if value > 0
        ),
    )
    used = sum(1 for value in grams if value > 0)
    label = f"{used} use days and {sum(grams):g} g in the last {len(grams)} days"
    return format_html(
        '<svg class="sparkline" viewBox="0 0 {} {}" width="{}" height="{}" role="img" '
        'aria-label="{}"><line x1="0" y1="{}" x2="{}" y2="{}"></line>{}</svg>',
        WIDTH, HEIGHT, WIDTH, HEIGHT, label, HEIGHT, WIDTH, HEIGHT, bars,
    )  # fmt: skip
