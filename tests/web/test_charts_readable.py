"""Charts a person can read: ticks and units, a legend for every mark, one check-in drawn as
one point on its own scale, month names over their own days, History paged by day."""

import re
from datetime import date, timedelta
from html import unescape

from kratomlog.core.history import DayRow
from kratomlog.web import charts


def row(day: date, grams: float = 0.0, allowance=None, magnesium=0.0) -> DayRow:
    return DayRow(day, grams, 1 if grams else 0, allowance, [], magnesium)


def test_one_check_in_is_one_point_on_the_scale_of_its_questionnaire():
    chart = charts.bars("PHQ-9 totals (0-27)", "1 check-in.", [("2026-11-20", 8.0, "8")], "", 27)
    svg = str(chart.svg)
    assert svg.count("<circle") == 1 and "<rect" not in svg
    assert ">27</text>" in svg and ">50</text>" not in svg  # the axis runs to 27
    assert chart.legend == [("point", "phq-9 totals")]


def test_axes_have_ticks_units_and_days_that_fit():
    days = [row(date(2026, 11, 1) + timedelta(days=n), grams=n % 3) for n in range(30)]
    svg = str(charts.daily_grams(days).svg)
    assert svg.count('class="tick"') == 6  # 0, half, top; first, middle, last day
    assert 'class="label unit"' in svg and ">g</text>" in svg
    assert ">1 Nov</text>" in svg and ">30 Nov</text>" in svg and ">16 Nov</text>" in svg


def test_the_magnesium_limit_is_labelled_on_the_chart_and_in_the_legend():
    days = [row(date(2026, 11, 1) + timedelta(days=n), magnesium=400.0) for n in range(7)]
    chart = charts.magnesium(days)
    assert "350 mg limit</text>" in str(chart.svg)
    assert ("limit", "the 350 mg upper limit for supplements") in chart.legend
    assert ("over", "a day above the limit") in chart.legend


def test_the_taper_allowance_has_a_legend_where_it_is_drawn():
    days = [row(date(2026, 11, 1) + timedelta(days=n), 2.0, allowance=3.0) for n in range(7)]
    assert ("allowance", "the taper's allowance") in charts.daily_grams(days).legend


def test_a_month_name_stands_over_its_first_whole_week():
    days = [row(date(2026, 9, 20) + timedelta(days=n)) for n in range(40)]
    svg = str(charts.calendar(days).svg)
    # October 2026 begins on a Thursday: "Oct" goes over Monday 5 October's column, not over
    # the column of 28 September to 4 October
    month = re.search(r'<text class="label"[^>]* x="(\d+)" y="13">Oct</text>', svg)
    column = re.search(r'x="(\d+)" y="\d+" width="14" height="14" rx="2"><title>2026-10-05', svg)
    assert month and column and month.group(1) == column.group(1)


def test_every_mark_carries_its_colours_as_attributes_for_the_pdf():
    """WeasyPrint ignores CSS `fill` and `stroke` in SVG and fills a shape without them black."""
    days = [
        DayRow(date(2026, 11, 1) + timedelta(days=n), 4.0 + n, 1, 5.0, [], 400.0 * (n % 2))
        for n in range(7)
    ]
    breach = DayRow(date(2026, 11, 8), 9.0, 1, 5.0, [_breach()], 0.0)
    drawn = [
        charts.daily_grams([*days, breach]),
        charts.calendar(days),
        charts.magnesium(days),
        charts.bars(
            "PHQ-9 totals (0-27)",
            "2.",
            [("a", 3.0, "3"), ("b", 9.0, "9")],
            "",
            27,
            marked=[False, True],
        ),
        charts.bars("PHQ-9 totals (0-27)", "1.", [("a", 3.0, "3")], "", 27),
    ]
    shapes = "rect|circle|path|line|polyline|polygon|text"
    for chart in drawn:
        marks = re.findall(rf"<(?:{shapes})\b[^>]*>", str(chart.svg))
        assert marks, chart.title
        for found in marks:
            assert re.search(r' (fill|stroke)="', found), (chart.title, found)
            assert 'fill="none"' not in found or 'stroke="' in found, found
    assert 'fill="#b3261e"' in str(drawn[0].svg)  # the day over a limit, in the second colour


def _breach():
    from kratomlog.core.breaches import Breach

    return Breach("taper", "taper", "limit", date(2026, 11, 8), (1,), "taper",
                  "9 g on the day; the taper allows 5 g")  # fmt: skip


def test_history_pages_its_entries_by_day_with_44px_targets(kl, signed_in):
    for n in range(60):
        kl("magnesium", "100mg", "--at", f"2026-11-{1 + n // 3:02d}T{8 + n % 3:02d}:00")
    first = unescape(signed_in.get("/history?range=30").content.decode())
    assert "60 entries; page 1 of 2, newest first." in first
    assert first.count('class="entry"') == 50
    assert "Earlier entries" in first and "Later entries" not in first
    assert '<h3 class="entry-day">Friday 20 November 2026</h3>' in first
    second = unescape(signed_in.get("/history?range=30&page=2").content.decode())
    assert second.count('class="entry"') == 10 and "Later entries" in second


def test_every_questionnaire_is_charted_one_way_on_its_own_scale():
    from kratomlog.core.instruments import CRAVING, GAD7, PHQ9, WITHDRAWAL

    drawn = {
        chosen.key: charts.checkin_totals(chosen, [("2026-11-20", 3), ("2026-11-22", 5)], "2.")
        for chosen in (PHQ9, GAD7, WITHDRAWAL, CRAVING)
    }
    assert [chart.title for chart in drawn.values()] == [
        "PHQ-9 totals (0-27)",
        "GAD-7 totals (0-21)",
        "Kratom withdrawal check-in totals (0-44, not a validated scale)",
        "Craving (0-10)",
    ]
    for chosen, most in (("phq9", 27), ("gad7", 21), ("withdrawal", 44), ("craving", 10)):
        svg = str(drawn[chosen].svg)
        assert f">{most}</text>" in svg and f"<title>2026-11-22: 5 of {most}</title>" in svg
        assert drawn[chosen].headers == ("Day", f"Total (0-{most})")
