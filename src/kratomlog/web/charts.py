"""Charts as SVG made on the server: nothing to download, nothing inline for the CSP to refuse.

Each chart comes with a sentence that says what it shows and the table of its numbers, so a
screen reader (or anyone) gets the same facts as the picture.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import count

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from kratomlog.core.history import DayRow
from kratomlog.core.interactions import MAGNESIUM_UPPER_LIMIT_MG
from kratomlog.core.rules import grams
from kratomlog.core.taper import TaperStep

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 600, 180, 34, 18, 8
_ids = count(1)


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    summary: str  # the text alternative: what the picture shows, in a sentence or two
    svg: SafeString
    headers: Sequence[str] = ()
    rows: Sequence[Sequence[str]] = field(default_factory=list)


def _frame(
    chart_id: str,
    title: str,
    summary: str,
    body: SafeString,
    width: int = WIDTH,
    height: int = HEIGHT,
    kind: str = "",
) -> SafeString:
    """The svg element; a chart with a `kind` keeps a natural size instead of the page's width."""
    size = (
        format_html(' width="{}" height="{}"', round(width * 1.6), round(height * 1.6))
        if kind
        else ""
    )
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


def _scale(top: float) -> float:
    """A round top for the y axis, at least 1."""
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000):
        if top <= step:
            return float(step)
    return float(int(top) + 1)


def _y_axis(top: float) -> Callable[[float], float]:
    """Where a value sits on a chart whose axis runs from 0 at the bottom to `top`."""
    plot_height = HEIGHT - BOTTOM - TOP
    return lambda value: round(HEIGHT - BOTTOM - value / top * plot_height, 1)


def _axes(top: float, unit: str, first: str, last: str) -> SafeString:
    return format_html(
        '<line class="axis" x1="{}" y1="{}" x2="{}" y2="{}"/>'
        '<text class="label" x="{}" y="{}" text-anchor="end">{}{}</text>'
        '<text class="label" x="{}" y="{}" text-anchor="end">0</text>'
        '<text class="label" x="{}" y="{}">{}</text>'
        '<text class="label" x="{}" y="{}" text-anchor="end">{}</text>',
        LEFT,
        HEIGHT - BOTTOM,
        WIDTH,
        HEIGHT - BOTTOM,
        LEFT - 4,
        TOP + 8,
        f"{top:g}",
        unit,
        LEFT - 4,
        HEIGHT - BOTTOM,
        LEFT,
        HEIGHT - 4,
        first,
        WIDTH,
        HEIGHT - 4,
        last,
    )


def daily_grams(rows: Sequence[DayRow], title: str = "Grams a day") -> Chart:
    """Bars of grams a day; the taper's allowance as a line over them; breach days marked."""
    chart_id = f"grams-{next(_ids)}"
    if not rows:
        return Chart(chart_id, title, "No days to show.", mark_safe(""))
    allowances = [row.allowance for row in rows if row.allowance is not None]
    top = _scale(max([row.grams for row in rows] + allowances + [0.1]))
    slot, y = (WIDTH - LEFT) / len(rows), _y_axis(top)

    bars = []
    for index, row in enumerate(rows):
        if not row.use:
            continue
        x = round(LEFT + index * slot + slot * 0.1, 1)
        breach = any(b.severity == "limit" for b in row.breaches)
        bars.append(
            format_html(
                '<rect class="bar{}" x="{}" y="{}" width="{}" height="{}"><title>{}: {}{}</title></rect>',
                " breach" if breach else "",
                x,
                y(row.grams),
                round(slot * 0.8, 2),
                round(HEIGHT - BOTTOM - y(row.grams), 1),
                row.day.isoformat(),
                grams(row.grams),
                " (over a limit)" if breach else "",
            )
        )
        if breach:
            bars.append(
                format_html(
                    '<circle class="breach-mark" cx="{}" cy="{}" r="3"/>',
                    round(x + slot * 0.4, 1),
                    max(TOP, y(row.grams) - 6),
                )
            )
    line = _allowance_path(rows, slot, y)
    breach_days = sum(1 for row in rows if any(b.severity == "limit" for b in row.breaches))
    use_days = sum(1 for row in rows if row.use)
    total = sum(row.grams for row in rows)
    busiest = max(rows, key=lambda row: row.grams)
    summary = (
        f"{use_days} use days in {len(rows)} days, {grams(total)} in all"
        + (f"; most in a day {grams(busiest.grams)} on {busiest.day}" if use_days else "")
        + f"; {breach_days} day{'s' if breach_days != 1 else ''} over a limit."
    )
    if allowances:
        summary += f" The taper's allowance went from {grams(allowances[0])} to {grams(allowances[-1])} a day."
    body = format_html(
        "{}{}{}",
        _axes(top, " g", rows[0].day.isoformat(), rows[-1].day.isoformat()),
        mark_safe("".join(bars)),
        line,
    )
    table = [
        (
            row.day.isoformat(),
            f"{row.grams:g}" if row.use else "",
            grams(row.allowance) if row.allowance is not None else "",
            ", ".join(f"{b.rule} ({b.severity})" for b in row.breaches),
        )
        for row in rows
    ]
    return Chart(
        chart_id,
        title,
        summary,
        _frame(chart_id, title, summary, body),
        ("Day", "Grams", "Allowance", "Breaches"),
        table,
    )


def _allowance_path(rows: Sequence[DayRow], slot: float, y: Callable[[float], float]) -> SafeString:
    parts, drawing = [], False
    for index, row in enumerate(rows):
        x0, x1 = round(LEFT + index * slot, 1), round(LEFT + (index + 1) * slot, 1)
        if row.allowance is None:
            drawing = False
            continue
        parts.append(f"{'L' if drawing else 'M'}{x0} {y(row.allowance)} H{x1}")
        drawing = True
    if not parts:
        return mark_safe("")
    return format_html(
        '<path class="allowance" d="{}"><title>the taper\'s allowance</title></path>',
        " ".join(parts),
    )


def calendar(rows: Sequence[DayRow]) -> Chart:
    """Use days as a calendar, one column a week, shaded by grams."""
    chart_id = f"calendar-{next(_ids)}"
    title = "Use days"
    if not rows:
        return Chart(chart_id, title, "No days to show.", mark_safe(""))
    cell, gap, top_pad = 11, 2, 14
    most = max(row.grams for row in rows) or 1
    first_monday = rows[0].day - timedelta(days=rows[0].day.weekday())
    weeks = (rows[-1].day - first_monday).days // 7 + 1
    cells, months, last_label_week = [], [], -9
    for row in rows:
        week, weekday = (row.day - first_monday).days // 7, row.day.weekday()
        level = 0 if not row.use else min(4, 1 + int(3 * row.grams / most))
        label = f"{row.day}: {grams(row.grams)}" if row.use else f"{row.day}: no use"
        cells.append(
            format_html(
                '<rect class="day level-{}" x="{}" y="{}" width="{}" height="{}" rx="2"><title>{}</title></rect>',
                level,
                24 + week * (cell + gap),
                top_pad + weekday * (cell + gap),
                cell,
                cell,
                label,
            )
        )
        if (row.day.day == 1 or row is rows[0]) and week - last_label_week >= 3:
            last_label_week = week  # never two month names on top of each other
            months.append(
                format_html(
                    '<text class="label" x="{}" y="10">{}</text>',
                    24 + week * (cell + gap),
                    row.day.strftime("%b"),
                )
            )
    days = format_html_join(
        "",
        '<text class="label" x="0" y="{}">{}</text>',
        (
            (top_pad + i * (cell + gap) + 9, name)
            for i, name in ((0, "Mon"), (2, "Wed"), (4, "Fri"))
        ),
    )
    use_days = sum(1 for row in rows if row.use)
    summary = (
        f"{use_days} use days of {len(rows)} from {rows[0].day} to {rows[-1].day}; "
        f"the stronger the shade, the more grams (most in a day: {grams(most)})."
    )
    width = 24 + weeks * (cell + gap)
    body = format_html("{}{}{}", days, mark_safe("".join(months)), mark_safe("".join(cells)))
    return Chart(
        chart_id,
        title,
        summary,
        _frame(
            chart_id,
            title,
            summary,
            body,
            width=width,
            height=top_pad + 7 * (cell + gap),
            kind="calendar",
        ),
    )


def magnesium(rows: Sequence[DayRow]) -> Chart:
    """Elemental magnesium a day against the upper limit for supplements."""
    chart_id = f"magnesium-{next(_ids)}"
    title = "Magnesium a day (elemental mg)"
    taken = [row for row in rows if row.magnesium_mg]
    if not rows:
        return Chart(chart_id, title, "No days to show.", mark_safe(""))
    top = _scale(max([row.magnesium_mg for row in rows] + [MAGNESIUM_UPPER_LIMIT_MG]) * 1.1)
    slot, y = (WIDTH - LEFT) / len(rows), _y_axis(top)

    bars = format_html_join(
        "",
        '<rect class="bar{}" x="{}" y="{}" width="{}" height="{}"><title>{}: {} mg</title></rect>',
        (
            (
                " over" if row.magnesium_mg > MAGNESIUM_UPPER_LIMIT_MG else "",
                round(LEFT + index * slot + slot * 0.1, 1),
                y(row.magnesium_mg),
                round(slot * 0.8, 2),
                round(HEIGHT - BOTTOM - y(row.magnesium_mg), 1),
                row.day.isoformat(),
                f"{row.magnesium_mg:.0f}",
            )
            for index, row in enumerate(rows)
            if row.magnesium_mg
        ),
    )
    limit = format_html(
        '<line class="limit" x1="{}" y1="{}" x2="{}" y2="{}"><title>upper limit {} mg</title></line>',
        LEFT,
        y(MAGNESIUM_UPPER_LIMIT_MG),
        WIDTH,
        y(MAGNESIUM_UPPER_LIMIT_MG),
        f"{MAGNESIUM_UPPER_LIMIT_MG:.0f}",
    )
    over = sum(1 for row in taken if row.magnesium_mg > MAGNESIUM_UPPER_LIMIT_MG)
    summary = (
        f"Magnesium on {len(taken)} of {len(rows)} days; above the "
        f"{MAGNESIUM_UPPER_LIMIT_MG:.0f} mg upper limit on {over}."
    )
    body = format_html(
        "{}{}{}", _axes(top, " mg", rows[0].day.isoformat(), rows[-1].day.isoformat()), bars, limit
    )
    table = [(row.day.isoformat(), f"{row.magnesium_mg:.0f}") for row in taken]
    return Chart(
        chart_id,
        title,
        summary,
        _frame(chart_id, title, summary, body),
        ("Day", "Elemental mg"),
        table,
    )


def taper(steps: Sequence[TaperStep], every_days: int) -> Chart:
    """A taper's allowance, step by step."""
    chart_id = f"taper-{next(_ids)}"
    title = "Taper schedule (grams a day)"
    if not steps:
        return Chart(chart_id, title, "No schedule.", mark_safe(""))
    end: date = steps[-1].first_day + timedelta(days=every_days)
    span = (end - steps[0].first_day).days or 1
    top = _scale(steps[0].grams_per_day)
    y = _y_axis(top)

    def x(day: date) -> float:
        return round(LEFT + (day - steps[0].first_day).days / span * (WIDTH - LEFT), 1)

    path = " ".join(
        f"{'M' if i == 0 else 'L'}{x(step.first_day)} {y(step.grams_per_day)} "
        f"H{x(step.first_day + timedelta(days=every_days))}"
        for i, step in enumerate(steps)
    )
    points = format_html_join(
        "",
        '<circle class="step" cx="{}" cy="{}" r="2.5"><title>step {}: {} from {}</title></circle>',
        (
            (x(s.first_day), y(s.grams_per_day), s.number, grams(s.grams_per_day), s.first_day)
            for s in steps
        ),
    )
    summary = (
        f"From {grams(steps[0].grams_per_day)} a day on {steps[0].first_day} down to 0 g on "
        f"{steps[-1].first_day}, in {len(steps) - 1} steps of {every_days} days."
    )
    body = format_html(
        '{}<path class="allowance" d="{}"/>{}',
        _axes(top, " g", steps[0].first_day.isoformat(), end.isoformat()),
        path,
        points,
    )
    table = [
        (
            str(s.number),
            s.first_day.isoformat(),
            s.last_day.isoformat() if s.last_day else "on",
            grams(s.grams_per_day),
        )
        for s in steps
    ]
    return Chart(
        chart_id,
        title,
        summary,
        _frame(chart_id, title, summary, body),
        ("Step", "From", "To", "Grams a day"),
        table,
    )


def bars(
    title: str,
    summary: str,
    items: Sequence[tuple[str, float, str]],
    unit: str,
    top: float | None = None,
    headers: Sequence[str] = (),
    marked: Sequence[bool] = (),
) -> Chart:
    """A plain bar chart of (label, value, tooltip) items; `marked` bars are drawn in the second colour."""
    chart_id = f"bars-{next(_ids)}"
    if not items:
        return Chart(chart_id, title, summary, mark_safe(""), headers, [])
    highest = _scale(top if top is not None else max(value for _, value, _ in items) or 1)
    slot, y = (WIDTH - LEFT) / len(items), _y_axis(highest)

    shapes = format_html_join(
        "",
        '<rect class="bar{}" x="{}" y="{}" width="{}" height="{}"><title>{}</title></rect>',
        (
            (
                " over" if index < len(marked) and marked[index] else "",
                round(LEFT + index * slot + slot * 0.1, 1),
                y(value),
                round(slot * 0.8, 2),
                round(HEIGHT - BOTTOM - y(value), 1),
                tooltip,
            )
            for index, (_, value, tooltip) in enumerate(items)
        ),
    )
    body = format_html("{}{}", _axes(highest, unit, items[0][0], items[-1][0]), shapes)
    rows = [(label, f"{value:g}") for label, value, _ in items]
    return Chart(chart_id, title, summary, _frame(chart_id, title, summary, body), headers, rows)
