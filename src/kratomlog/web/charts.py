"""Charts as SVG made on the server: nothing to download, nothing inline for the CSP to refuse.

Each chart comes with a sentence that says what it shows, a legend for every mark, and the
table of its numbers, so a screen reader (or anyone) gets the same facts as the picture.
"""

from collections.abc import Callable, Sequence
from datetime import date, timedelta

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from kratomlog.core.history import DayRow
from kratomlog.core.instruments import Instrument
from kratomlog.core.interactions import MAGNESIUM_UPPER_LIMIT_MG
from kratomlog.core.rules import KIND_WORDS, grams
from kratomlog.core.taper import TaperStep
from kratomlog.core.taper_review import StepReview
from kratomlog.web.chart_parts import (
    BOTTOM,
    HEIGHT,
    LEFT,
    PLOT_WIDTH,
    RIGHT,
    TOP,
    WIDTH,
    Chart,
    axes,
    bar_box,
    chart_ids,
    frame,
    mark,
    round_top,
    y_axis,
)

__all__ = [
    "Chart",
    "bars",
    "calendar",
    "checkin_totals",
    "daily_grams",
    "magnesium",
    "taper",
    "taper_review",
    "totals_title",
]


def daily_grams(rows: Sequence[DayRow], title: str = "Grams a day") -> Chart:
    """Bars of grams a day; the taper's allowance as a line over them; breach days marked."""
    chart_id = f"grams-{next(chart_ids)}"
    if not rows:
        return Chart(chart_id, title, "No days to show.", mark_safe(""))
    allowances = [row.allowance for row in rows if row.allowance is not None]
    top = round_top(max([row.grams for row in rows] + allowances + [0.1]))
    slot, y = PLOT_WIDTH / len(rows), y_axis(top)

    bars = []
    for index, row in enumerate(rows):
        if not row.use:
            continue
        x, width = bar_box(index, slot)
        breach = any(b.severity == "limit" for b in row.breaches)
        bars.append(
            format_html(
                '<rect {} x="{}" y="{}" width="{}" height="{}"><title>{}: {} in {} dose{}{}'
                "</title></rect>",
                mark("bar breach" if breach else "bar"),
                x,
                y(row.grams),
                width,
                round(HEIGHT - BOTTOM - y(row.grams), 1),
                row.day.isoformat(),
                grams(row.grams),
                row.doses,
                "" if row.doses == 1 else "s",
                " (over a limit)" if breach else "",
            )
        )
        if breach:
            bars.append(
                format_html(
                    '<circle {} cx="{}" cy="{}" r="3.5"/>',
                    mark("breach-mark"),
                    round(x + width / 2, 1),
                    max(TOP, y(row.grams) - 7),
                )
            )
    line = _allowance_path(rows, slot, y)
    breach_days = sum(1 for row in rows if any(b.severity == "limit" for b in row.breaches))
    use_days = sum(1 for row in rows if row.use)
    total = sum(row.grams for row in rows)
    busiest = max(rows, key=lambda row: row.grams)
    summary = (
        f"{use_days} use day{'s' if use_days != 1 else ''} in {len(rows)} days, {grams(total)} "
        "in all"
        + (f"; most in a day {grams(busiest.grams)} on {busiest.day}" if use_days else "")
        + f"; {breach_days} day{'s' if breach_days != 1 else ''} over a limit."
    )
    doses = sum(row.doses for row in rows)
    if doses:  # how often, beside how much: dependence follows frequency (Rogers 2024)
        summary += (
            f" {doses} dose{'s' if doses != 1 else ''}, {doses / len(rows):.1f} a day on "
            f"average; most in a day {max(row.doses for row in rows)}."
        )
    if allowances:
        summary += (
            f" The taper's allowance went from {grams(allowances[0])} to "
            f"{grams(allowances[-1])} a day."
        )
    body = format_html(
        "{}{}{}",
        axes(top, "g", [row.day.isoformat() for row in rows]),
        mark_safe("".join(bars)),
        line,
    )
    table = [
        (
            row.day.isoformat(),
            f"{row.grams:g}" if row.use else "",
            str(row.doses) if row.use else "",
            grams(row.allowance) if row.allowance is not None else "",
            ", ".join(f"{KIND_WORDS.get(b.kind, b.kind)} ({b.severity})" for b in row.breaches),
        )
        for row in rows
    ]
    legend = [("bar", "grams a day")]
    if breach_days:
        legend.append(("breach", "a day over a limit (bar and dot)"))
    if allowances:
        legend.append(("allowance", "the taper's allowance"))
    return Chart(
        chart_id,
        title,
        summary,
        frame(chart_id, title, summary, body),
        ("Day", "Grams", "Doses", "Allowance", "Breaches"),
        table,
        legend,
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
        '<path {} d="{}"><title>the taper\'s allowance</title></path>',
        mark("allowance"),
        " ".join(parts),
    )


CELL, GAP, DAY_NAMES_WIDTH, MONTHS_HEIGHT = 14, 3, 34, 18


def calendar(rows: Sequence[DayRow]) -> Chart:
    """Use days as a calendar, one column a week, shaded by grams; drawn at its natural size
    (a year is wider than a phone: the page scrolls it, opened at the latest weeks)."""
    chart_id = f"calendar-{next(chart_ids)}"
    title = "Use days"
    if not rows:
        return Chart(chart_id, title, "No days to show.", mark_safe(""))
    most = max(row.grams for row in rows) or 1
    first_monday = rows[0].day - timedelta(days=rows[0].day.weekday())
    weeks = (rows[-1].day - first_monday).days // 7 + 1
    cells, months = [], []
    for row in rows:
        week, weekday = (row.day - first_monday).days // 7, row.day.weekday()
        level = 0 if not row.use else min(4, 1 + int(3 * row.grams / most))
        label = f"{row.day}: {grams(row.grams)}" if row.use else f"{row.day}: no use"
        x = DAY_NAMES_WIDTH + week * (CELL + GAP)
        cells.append(
            format_html(
                '<rect {} x="{}" y="{}" width="{}" height="{}" rx="2"><title>{}</title></rect>',
                mark(f"day level-{level}"),
                x,
                MONTHS_HEIGHT + weekday * (CELL + GAP),
                CELL,
                CELL,
                label,
            )
        )
        # A month's name stands over its first whole week: every day under it is that month's.
        if weekday == 0 and row.day.day <= 7:
            months.append(
                format_html(
                    '<text {} x="{}" y="13">{}</text>', mark("label"), x, row.day.strftime("%b")
                )
            )
    days = format_html_join(
        "",
        '<text {} x="0" y="{}">{}</text>',
        (
            (mark("label"), MONTHS_HEIGHT + i * (CELL + GAP) + 11, name)
            for i, name in ((0, "Mon"), (2, "Wed"), (4, "Fri"))
        ),
    )
    use_days = sum(1 for row in rows if row.use)
    summary = (
        f"{use_days} use day{'s' if use_days != 1 else ''} of {len(rows)} from {rows[0].day} to "
        f"{rows[-1].day}; the stronger the shade, the more grams (most in a day: {grams(most)})."
    )
    width = DAY_NAMES_WIDTH + weeks * (CELL + GAP)
    body = format_html("{}{}{}", days, mark_safe("".join(months)), mark_safe("".join(cells)))
    return Chart(
        chart_id,
        title,
        summary,
        frame(
            chart_id,
            title,
            summary,
            body,
            width=width,
            height=MONTHS_HEIGHT + 7 * (CELL + GAP),
            kind="calendar",
        ),
        legend=[("level-0", "no use"), ("level-1", "fewer grams"), ("level-4", "more grams")],
    )


def magnesium(rows: Sequence[DayRow]) -> Chart:
    """Elemental magnesium a day against the upper limit for supplements."""
    chart_id = f"magnesium-{next(chart_ids)}"
    title = "Magnesium a day (elemental mg)"
    taken = [row for row in rows if row.magnesium_mg]
    if not rows:
        return Chart(chart_id, title, "No days to show.", mark_safe(""))
    top = round_top(max([row.magnesium_mg for row in rows] + [MAGNESIUM_UPPER_LIMIT_MG]) * 1.1)
    slot, y = PLOT_WIDTH / len(rows), y_axis(top)
    shapes = []
    for index, row in enumerate(rows):
        if not row.magnesium_mg:
            continue
        x, width = bar_box(index, slot)
        shapes.append(
            format_html(
                '<rect {} x="{}" y="{}" width="{}" height="{}"><title>{}: {} mg</title></rect>',
                mark("bar over" if row.magnesium_mg > MAGNESIUM_UPPER_LIMIT_MG else "bar"),
                x,
                y(row.magnesium_mg),
                width,
                round(HEIGHT - BOTTOM - y(row.magnesium_mg), 1),
                row.day.isoformat(),
                f"{row.magnesium_mg:.0f}",
            )
        )
    limit_y = y(MAGNESIUM_UPPER_LIMIT_MG)
    limit = format_html(
        '<line {} x1="{}" y1="{}" x2="{}" y2="{}"><title>upper limit {} mg</title></line>'
        '<text {} x="{}" y="{}" text-anchor="end">{} mg limit</text>',
        mark("limit"),
        LEFT,
        limit_y,
        WIDTH - RIGHT,
        limit_y,
        f"{MAGNESIUM_UPPER_LIMIT_MG:.0f}",
        mark("label limit-label"),
        WIDTH - RIGHT,
        round(limit_y - 5, 1),
        f"{MAGNESIUM_UPPER_LIMIT_MG:.0f}",
    )
    over = sum(1 for row in taken if row.magnesium_mg > MAGNESIUM_UPPER_LIMIT_MG)
    summary = (
        f"Magnesium on {len(taken)} of {len(rows)} days; above the "
        f"{MAGNESIUM_UPPER_LIMIT_MG:.0f} mg upper limit on {over}."
    )
    body = format_html(
        "{}{}{}",
        axes(top, "mg", [row.day.isoformat() for row in rows]),
        mark_safe("".join(shapes)),
        limit,
    )
    table = [(row.day.isoformat(), f"{row.magnesium_mg:.0f}") for row in taken]
    legend = [("bar", "elemental magnesium a day")]
    if over:
        legend.append(("over", "a day above the limit"))
    legend.append(("limit", f"the {MAGNESIUM_UPPER_LIMIT_MG:.0f} mg upper limit for supplements"))
    return Chart(
        chart_id,
        title,
        summary,
        frame(chart_id, title, summary, body),
        ("Day", "Elemental mg"),
        table,
        legend,
    )


def taper(steps: Sequence[TaperStep], every_days: int) -> Chart:
    """A taper's allowance, step by step."""
    chart_id = f"taper-{next(chart_ids)}"
    title = "Taper schedule (grams a day)"
    if not steps:
        return Chart(chart_id, title, "No schedule.", mark_safe(""))
    end: date = steps[-1].first_day + timedelta(days=every_days)
    span = (end - steps[0].first_day).days or 1

    def step_end(step: TaperStep) -> date:  # a held first step is longer than the others
        return step.last_day + timedelta(days=1) if step.last_day else end

    top = round_top(steps[0].grams_per_day)
    y = y_axis(top)

    def x(day: date) -> float:
        return round(LEFT + (day - steps[0].first_day).days / span * PLOT_WIDTH, 1)

    path = " ".join(
        f"{'M' if i == 0 else 'L'}{x(step.first_day)} {y(step.grams_per_day)} H{x(step_end(step))}"
        for i, step in enumerate(steps)
    )
    points = format_html_join(
        "",
        '<circle {} cx="{}" cy="{}" r="3"><title>step {}: {} from {}</title></circle>',
        (
            (
                mark("step"),
                x(s.first_day),
                y(s.grams_per_day),
                s.number,
                grams(s.grams_per_day),
                s.first_day,
            )
            for s in steps
        ),
    )
    summary = (
        f"From {grams(steps[0].grams_per_day)} a day on {steps[0].first_day} down to 0 g on "
        f"{steps[-1].first_day}, in {len(steps) - 1} steps of {every_days} days."
    )
    days = [(steps[0].first_day + timedelta(days=n)).isoformat() for n in range(span)]
    body = format_html(
        '{}<path {} d="{}"/>{}',
        axes(top, "g", days),
        mark("allowance"),
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
        frame(chart_id, title, summary, body),
        ("Step", "From", "To", "Grams a day"),
        table,
        [("allowance", "the allowance, grams a day"), ("step", "the start of a step")],
    )


def bars(
    title: str,
    summary: str,
    items: Sequence[tuple[str, float, str]],
    unit: str,
    top: float | None = None,
    headers: Sequence[str] = (),
    marked: Sequence[bool] = (),
    what: str = "",
    marked_means: str = "",
    rows: Sequence[Sequence[str]] | None = None,
) -> Chart:
    """A bar chart of (label, value, tooltip) items; `marked` bars in the second colour.

    `top`: the scale's own maximum (PHQ-9 27, GAD-7 21), kept as it is; else a round number.
    One item is drawn as one point with its value beside it, not as a bar the chart's width.
    `what` and `marked_means` are the legend's words for a bar and a marked bar; `rows` the
    table of its numbers where it says more than each bar's label and value."""
    chart_id = f"bars-{next(chart_ids)}"
    legend = [("bar", what or title.split(" (")[0].lower())]
    if any(marked) and marked_means:
        legend.append(("over", marked_means))
    if not items:
        return Chart(chart_id, title, summary, mark_safe(""), headers, rows or [])
    highest = top if top is not None else round_top(max(value for _, value, _ in items) or 1)
    slot, y = PLOT_WIDTH / len(items), y_axis(highest)
    labels = [label for label, _, _ in items]
    if len(items) == 1:
        _, value, tooltip = items[0]
        centre = round(LEFT + slot / 2, 1)
        shapes = format_html(
            '<circle {} cx="{}" cy="{}" r="5"><title>{}</title></circle>'
            '<text {} x="{}" y="{}">{}</text>',
            mark("point"), centre, y(value), tooltip,
            mark("label"), round(centre + 9, 1), round(y(value) + 4, 1), f"{value:g}",
        )  # fmt: skip
        legend[0] = ("point", legend[0][1])
    else:
        shapes = format_html_join(
            "",
            '<rect {} x="{}" y="{}" width="{}" height="{}"><title>{}</title></rect>',
            (
                (
                    mark("bar over" if index < len(marked) and marked[index] else "bar"),
                    *bar_box(index, slot)[:1],
                    y(value),
                    bar_box(index, slot)[1],
                    round(HEIGHT - BOTTOM - y(value), 1),
                    tooltip,
                )
                for index, (_, value, tooltip) in enumerate(items)
            ),
        )
    body = format_html("{}{}", axes(highest, unit, labels), shapes)
    if rows is None:
        rows = [(label, f"{value:g}") for label, value, _ in items]
    return Chart(
        chart_id, title, summary, frame(chart_id, title, summary, body), headers, rows, legend
    )


def totals_title(chosen: Instrument) -> str:
    """ "PHQ-9 totals (0-27)", "Craving (0-10)": a chart's title, the scale from the instrument."""
    several = len(chosen.items) > 1
    return (
        f"{chosen.name}{' totals' if several else ''} ({chosen.scale}"
        f"{', not a validated scale' if several and not chosen.validated else ''})"
    )


def checkin_totals(
    chosen: Instrument,
    points: Sequence[tuple[object, int]],
    summary: str,
    title: str | None = None,
    header: str = "Day",
) -> Chart:
    """A questionnaire's totals, a bar each (label, total), on the questionnaire's own scale:
    the one way every page and the report draw PHQ-9, GAD-7, withdrawal and craving."""
    return bars(
        title or totals_title(chosen),
        summary,
        [
            (str(label), float(total), f"{label}: {total} of {chosen.most}")
            for label, total in points
        ],
        "",
        top=chosen.most,
        headers=(header, f"Total ({chosen.scale})"),
    )


def taper_review(steps: Sequence[StepReview]) -> Chart:
    """A taper step by step: each step's allowance as a line, the grams a day kept in it as a
    bar (its mean; the day of most in its tooltip); steps to come show their allowance only."""
    chart_id = f"review-{next(chart_ids)}"
    title = "Allowance against grams, step by step"
    if not steps:
        return Chart(chart_id, title, "No taper steps.", mark_safe(""))
    top = round_top(
        max([s.allowance_grams for s in steps] + [s.grams_max or 0 for s in steps] + [0.1])
    )
    slot, y = PLOT_WIDTH / len(steps), y_axis(top)
    shapes, parts = [], []
    for index, step in enumerate(steps):
        x0, x1 = round(LEFT + index * slot, 1), round(LEFT + (index + 1) * slot, 1)
        parts.append(f"{'M' if index == 0 else 'L'}{x0} {y(step.allowance_grams)} H{x1}")
        if step.grams_per_day is None:
            continue
        x, width = bar_box(index, slot)
        over = (step.grams_per_day or 0) > step.allowance_grams + 0.05
        shapes.append(
            format_html(
                '<rect {} x="{}" y="{}" width="{}" height="{}"><title>step {}: {} a day on '
                "average (most {}), allowance {}</title></rect>",
                mark("bar over" if over else "bar"),
                x,
                y(step.grams_per_day),
                width,
                round(HEIGHT - BOTTOM - y(step.grams_per_day), 1),
                step.number,
                grams(step.grams_per_day),
                grams(step.grams_max or 0),
                grams(step.allowance_grams),
            )
        )
        if step.grams_max is not None and step.grams_max > 0:
            most_over = step.grams_max > step.allowance_grams + 0.05
            shapes.append(
                format_html(
                    '<circle {} cx="{}" cy="{}" r="3.5"><title>step {}: most in a day {}{}'
                    "</title></circle>",
                    mark("breach-mark" if most_over else "mean-dot"),
                    round(x + width / 2, 1),
                    y(step.grams_max),
                    step.number,
                    grams(step.grams_max),
                    " (over the allowance)" if most_over else "",
                )
            )
    line = format_html(
        '<path {} d="{}"><title>the allowance of each step</title></path>',
        mark("allowance"),
        " ".join(parts),
    )
    begun = [s for s in steps if s.state != "to come"]
    kept = sum(s.days_within for s in begun)
    days = sum(s.days for s in begun)
    summary = (
        f"{len(steps)} steps from {grams(steps[0].allowance_grams)} to "
        f"{grams(steps[-1].allowance_grams)} a day; {len(begun)} begun, "
        f"{kept} of {days} day{'s' if days != 1 else ''} kept within the allowance."
    )
    body = format_html(
        "{}{}{}", axes(top, "g", [f"step {s.number}" for s in steps]), mark_safe("".join(shapes)),
        line,
    )  # fmt: skip
    table = [
        (
            str(s.number),
            grams(s.allowance_grams),
            "" if s.grams_per_day is None else grams(s.grams_per_day),
            "" if s.grams_max is None else grams(s.grams_max),
        )
        for s in steps
    ]
    legend = [("bar", "grams a day, the step's mean")]
    if any(s.grams_per_day is not None and s.grams_per_day > s.allowance_grams + 0.05
           for s in steps):  # fmt: skip
        legend.append(("over", "a step whose mean was over its allowance"))
    legend.append(("mean-dot", "the most in a day"))
    if any((s.grams_max or 0) > s.allowance_grams + 0.05 for s in steps):
        legend.append(("breach-mark", "the most in a day, over the allowance"))
    legend.append(("allowance", "the step's allowance"))
    return Chart(
        chart_id,
        title,
        summary,
        frame(chart_id, title, summary, body),
        ("Step", "Allowance a day", "Grams a day (mean)", "Most in a day"),
        table,
        legend,
    )
