"""The study page's charts: SVG drawn on the server, each with a sentence and a table of its
numbers (the personal app's Chart and axes, kratomlog.web.chart_parts), nothing inline for the
CSP; each with a legend for its marks."""

from collections.abc import Sequence
from itertools import count

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from kratomlog.core.cohort import MeanInterval
from kratomlog.core.instruments import PHQ9, WITHDRAWAL
from kratomlog.research.summary import StudySummary
from kratomlog.web import charts as web_charts
from kratomlog.web.chart_parts import (
    LEFT,
    PLOT_WIDTH,
    Chart,
    axes,
    frame,
    mark,
    y_axis,
)

_ids = count(1)


def _empty(title: str) -> Chart:
    chart_id = f"study-{next(_ids)}"
    return Chart(chart_id, title, "Nothing to show yet.", mark_safe(""))


def bars(
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    unit: str,
    summary: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    top: float | None = None,
) -> Chart:
    """The study page's bars, drawn by the one bar-chart builder (kratomlog.web.charts.bars)."""
    if not values:
        return _empty(title)
    items = [
        (label, value, f"{label}: {value:g}{unit}")
        for label, value in zip(labels, values, strict=True)
    ]
    return web_charts.bars(title, summary, items, unit, top=top, headers=headers, rows=rows)


def line_with_interval(
    title: str, points: Sequence[tuple[int, MeanInterval]], what: str, top: float
) -> Chart:
    """Means by week since enrollment, the 95% interval drawn as a band around them."""
    if not points:
        return _empty(title)
    chart_id = f"study-{next(_ids)}"
    y = y_axis(top)
    last = max(week for week, _ in points) or 1
    x = lambda week: round(LEFT + (week + 0.5) / (last + 1) * PLOT_WIDTH, 1)  # noqa: E731
    clip = lambda value: min(top, max(0.0, value))  # noqa: E731
    upper = " ".join(f"{x(w)},{y(clip(m.high))}" for w, m in points)
    lower = " ".join(f"{x(w)},{y(clip(m.low))}" for w, m in reversed(points))
    line = " ".join(f"{x(w)},{y(m.mean)}" for w, m in points)
    body = format_html(
        '{}<polygon {} points="{} {}"><title>95% interval</title></polygon>'
        '<polyline {} points="{}"><title>mean</title></polyline>{}',
        axes(top, "", [f"week {week}" for week in range(last + 1)]),
        mark("interval"),
        upper,
        lower,
        mark("mean"),
        line,
        format_html_join(
            "",
            '<circle {} cx="{}" cy="{}" r="2.5"/>',
            ((mark("mean-dot"), x(w), y(m.mean)) for w, m in points),
        ),
    )
    first_week, first = points[0]
    last_week, final = points[-1]
    summary = (
        f"Mean {what} by week since enrollment, with its 95% interval (normal approximation), "
        f"for weeks with 2 or more participants: {first.mean:.1f} "
        f"({first.low:.1f} to {first.high:.1f}, {first.n} participants) in week {first_week}, "
        f"{final.mean:.1f} ({final.low:.1f} to {final.high:.1f}, {final.n}) in week {last_week}."
    )
    rows = [(str(w), str(m.n), f"{m.mean:.1f}", f"{m.low:.1f}", f"{m.high:.1f}") for w, m in points]
    return Chart(
        chart_id,
        title,
        summary,
        frame(chart_id, title, summary, body),
        ("Week", "Participants", "Mean", "95% low", "95% high"),
        rows,
        [("allowance", f"mean {what}"), ("interval", "its 95% interval")],
    )


def study_charts(summary: StudySummary) -> list[Chart]:
    enrolled = summary.enrolled_by_week
    last_week = enrolled[-1] if enrolled else (0, 0)
    charts = [
        bars(
            "Enrollment over time",
            [f"week {w}" for w, _ in enrolled],
            [float(n) for _, n in enrolled],
            "",
            f"Participants enrolled (whose consent holds now), week by week since the study's "
            f"start: {last_week[1]} by week {last_week[0]}.",
            ("Week", "Participants enrolled by then"),
            [(str(w), str(n)) for w, n in enrolled],
        ),
        bars(
            "Retention",
            [f"week {w}" for w, _, _ in summary.retention],
            [round(100 * s, 1) for _, _, s in summary.retention],
            "%",
            "The share of participants with any record (a dose, magnesium, another substance, "
            "a check-in or a sleep diary) in each whole week since their enrollment, of those "
            "enrolled long enough to have lived that week.",
            ("Week", "Participants with that week", "With a record"),
            [(str(w), str(n), f"{100 * s:.0f}%") for w, n, s in summary.retention],
            top=100,
        ),
        bars(
            "Taper adherence",
            [f"week {w}" for w, _, _ in summary.adherence],
            [round(100 * s, 1) for _, _, s in summary.adherence],
            "%",
            "The share of days under a taper on which the day's kratom stayed within the "
            "taper's allowance, by week since enrollment.",
            ("Week", "Days under a taper", "Within the allowance"),
            [(str(w), str(n), f"{100 * s:.0f}%") for w, n, s in summary.adherence],
            top=100,
        ),
        line_with_interval(
            "PHQ-9 trajectory", summary.phq9, f"PHQ-9 total ({PHQ9.scale})", PHQ9.most
        ),
        line_with_interval(
            "Withdrawal trajectory",
            summary.withdrawal,
            f"withdrawal check-in total ({WITHDRAWAL.scale}; kratomlog's own, not validated)",
            WITHDRAWAL.most,
        ),
        bars(
            "Dose sizes",
            [f"{g:g} g" for g, _ in summary.dose_sizes],
            [float(n) for _, n in summary.dose_sizes],
            "",
            f"How many doses were of each size, in 1 g steps (the last bar: 10 g and more); "
            f"{sum(n for _, n in summary.dose_sizes)} doses in all.",
            ("Grams from", "Doses"),
            [(f"{g:g}", str(n)) for g, n in summary.dose_sizes],
        ),
    ]
    return charts
