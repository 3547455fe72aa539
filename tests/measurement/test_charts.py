from measurement import charts


def test_axes_end_on_four_whole_steps() -> None:
    assert [charts.nice_max(v) for v in (0, 5, 10, 41, 99, 130)] == [4, 8, 12, 60, 100, 160]


def test_bars_are_proportional_and_never_invisible() -> None:
    chart = charts.hbars(
        [("a", 10, "10", "", "chart-bar"), ("b", 5, "5", "", ""), ("c", 0.01, "", "", ""), ("d", 0, "0", "", "")],
        width=640,
        label_width=160,
        value_width=150,
    )
    span = 640 - 168 - 150
    assert [b.width for b in chart.bars] == [span, span / 2, 2, 0]
    assert chart.bars[1].css == "chart-bar"


def test_weekly_points_skip_weeks_without_a_share() -> None:
    chart = charts.weekly([("1 Mar", 4, 2, 0.5, ""), ("8 Mar", 0, 0, None, ""), ("15 Mar", 8, 8, 1.0, "")])
    assert len(chart.columns) == 3 and len(chart.points) == 2
    assert chart.path.startswith("M") and " L" in chart.path
    assert chart.points[1].y == chart.plot_top  # 100% is the top of the plot
    assert [t.label for t in chart.left_ticks] == ["0", "2", "4", "6", "8"]
