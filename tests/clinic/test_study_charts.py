"""The study page's charts: drawn by the personal app's one bar-chart builder."""


def test_the_study_page_draws_its_bars_with_the_one_bar_chart_builder():
    from kratomlog.research.charts import bars as study_bars

    one_week = study_bars(
        "Enrollment over time", ["week 0"], [3.0], "", "3 by week 0.",
        ("Week", "Participants enrolled by then"), [("0", "3")],
    )  # fmt: skip
    svg = str(one_week.svg)
    assert svg.count("<circle") == 1 and "<rect" not in svg  # one week is a point, as elsewhere
    assert 'fill="#6b8f84"' in svg and one_week.rows == [("0", "3")]
