"""What every chart is made of: the SVG frame, the axes with their ticks, the bars' boxes."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import count

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

# User units; a chart is drawn at the page's width, about 360 px on a phone, so a label of 13
# units reads at about 13 CSS px there (and never under 12 at 390 px).
WIDTH, HEIGHT, LEFT, RIGHT, BOTTOM, TOP = 360, 200, 36, 10, 34, 20
PLOT_WIDTH = WIDTH - LEFT - RIGHT
BAR_MOST = 28  # a bar is never wider than this: one day's bar is a bar, not a wall
chart_ids = count(1)

# Each mark's look as SVG presentation attributes, in the light palette of web/app.css: the PDF
# (WeasyPrint) draws these and ignores CSS `fill` and `stroke`, and a mark without them is a
# solid black shape there. On a page the stylesheet's rules win over them (dark mode).
PAINT: dict[str, str] = {
    "bar": 'fill="#6b8f84"',
    "bar breach": 'fill="#b3261e"',
    "breach-mark": 'fill="#b3261e"',
    "bar over": 'fill="#8a5a00"',
    "point": 'fill="#6b8f84"',
    "allowance": 'fill="none" stroke="#2f5d50" stroke-width="2.5"',
    "step": 'fill="#2f5d50"',
    "limit": 'fill="none" stroke="#b3261e" stroke-width="1.5" stroke-dasharray="6 4"',
    "axis": 'fill="none" stroke="#d7dedb" stroke-width="1"',
    "tick": 'fill="none" stroke="#56605b" stroke-width="1"',
    "label": 'fill="#56605b" font-size="13"',
    "label unit": 'fill="#56605b" font-size="13"',
    "label limit-label": 'fill="#b3261e" font-size="13"',
    "interval": 'fill="#2f5d50" fill-opacity="0.2" stroke="none"',
    "mean": 'fill="none" stroke="#2f5d50" stroke-width="2.5"',
    "mean-dot": 'fill="#2f5d50"',
    **{
        f"day level-{level}": f'fill="{colour}"'
        for level, colour in enumerate(("#e7ecea", "#c6dcd3", "#8fbcaa", "#4f8c76", "#245645"))
    },
}


def mark(kind: str) -> SafeString:
    """A mark's class and its colours: `<rect {mark("bar")} .../>`."""
    return format_html('class="{}" {}', kind, mark_safe(PAINT[kind]))


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    summary: str  # the text alternative: what the picture shows, in a sentence or two
    svg: SafeString
    headers: Sequence[str] = ()
    rows: Sequence[Sequence[str]] = field(default_factory=list)
    legend: Sequence[tuple[str, str]] = ()  # (the mark's class, what it means)


def frame(
    chart_id: str,
    title: str,
    summary: str,
    body: SafeString,
    width: int = WIDTH,
    height: int = HEIGHT,
    kind: str = "",
) -> SafeString:
    """The svg element; a chart with a `kind` keeps a natural size instead of the page's width."""
    size = format_html(' width="{}" height="{}"', width, height) if kind else ""
    return format_html(
        '<svg class="chart {}" viewBox="0 0 {} {}"{} role="img" aria-labelledby="{}-title {}-desc" '
        'xmlns="http://www.w3.org/2000/svg"><title id="{}-title">{}</title>'
        '<desc id="{}-desc">{}</desc>{}</svg>',
        kind,
        width,
        height,
        size,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        summary,
        body,
    )


def round_top(top: float) -> float:
    """A round top for the y axis, at least 1."""
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000):
        if top <= step:
            return float(step)
    return float(int(top) + 1)


def y_axis(top: float) -> Callable[[float], float]:
    """Where a value sits on a chart whose axis runs from 0 at the bottom to `top`."""
    plot_height = HEIGHT - BOTTOM - TOP
    return lambda value: round(HEIGHT - BOTTOM - value / top * plot_height, 1)


def _short(label: str) -> str:
    """A day as an axis reads it ("23 Nov"); any other label as it is."""
    try:
        return date.fromisoformat(label).strftime("%-d %b")
    except ValueError:
        return label


def axes(top: float, unit: str, labels: Sequence[str]) -> SafeString:
    """Both axes with ticks: 0, half and the top on the y axis (its unit above it), and the
    first, middle and last of `labels` (one per slot) under the x axis."""
    y = y_axis(top)
    base = HEIGHT - BOTTOM
    parts = [
        format_html(
            '<line {} x1="{}" y1="{}" x2="{}" y2="{}"/>',
            mark("axis"),
            LEFT,
            base,
            WIDTH - RIGHT,
            base,
        ),
        format_html(
            '<line {} x1="{}" y1="{}" x2="{}" y2="{}"/>', mark("axis"), LEFT, TOP, LEFT, base
        ),
    ]
    for value in (0.0, top / 2, top):
        parts.append(
            format_html(
                '<line {} x1="{}" y1="{}" x2="{}" y2="{}"/>'
                '<text {} x="{}" y="{}" text-anchor="end">{}</text>',
                mark("tick"), LEFT - 4, y(value), LEFT, y(value),
                mark("label"), LEFT - 6, round(y(value) + 4, 1), f"{value:g}",
            )
        )  # fmt: skip
    if unit.strip():
        parts.append(
            format_html(
                '<text {} x="{}" y="{}">{}</text>', mark("label unit"), 2, TOP - 7, unit.strip()
            )
        )
    if labels:
        slot = PLOT_WIDTH / len(labels)
        chosen = {0: "start", len(labels) - 1: "end"}
        if len(labels) >= 5:
            chosen[len(labels) // 2] = "middle"
        if len(labels) == 1:
            chosen = {0: "middle"}
        for index, anchor in sorted(chosen.items()):
            centre = LEFT + (index + 0.5) * slot
            x = {"start": LEFT, "end": WIDTH - RIGHT, "middle": centre}[anchor]
            parts.append(
                format_html(
                    '<line {} x1="{}" y1="{}" x2="{}" y2="{}"/>'
                    '<text {} x="{}" y="{}" text-anchor="{}">{}</text>',
                    mark("tick"), round(centre, 1), base, round(centre, 1), base + 4,
                    mark("label"), round(x, 1), base + 18, anchor, _short(labels[index]),
                )
            )  # fmt: skip
    return mark_safe("".join(parts))


def bar_box(index: int, slot: float) -> tuple[float, float]:
    """The x and the width of the bar in slot `index`: centred, never wider than BAR_MOST."""
    width = min(slot * 0.8, BAR_MOST)
    return round(LEFT + index * slot + (slot - width) / 2, 1), round(width, 2)
