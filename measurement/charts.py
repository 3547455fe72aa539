"""Geometry for the dashboard's server-rendered SVG charts.

The templates draw the shapes; this module only computes coordinates, so a chart is
plain markup under the strict CSP (no inline styles, no script): lengths are SVG
geometry attributes, colours are classes in app.css.
"""

import math
from dataclasses import dataclass, field


@dataclass
class Bar:
    label: str
    value_text: str
    note: str
    y: float
    width: float
    css: str = "chart-bar"
    text_y: float = 0


@dataclass
class HBarChart:
    width: int
    height: int
    label_width: int
    bar_x: int
    bar_span: int
    bar_height: int
    value_x: int
    bars: list[Bar]
    target_x: float | None = None
    target_label: str = ""


def hbars(
    rows: list[tuple[str, float, str, str, str]],
    *,
    maximum: float | None = None,
    target: float | None = None,
    target_label: str = "",
    label_width: int = 160,
    row_height: int = 30,
    width: int = 640,
    value_width: int = 150,
) -> HBarChart:
    """Horizontal bars. `rows`: (label, value, value text, note, css class)."""
    bar_x = label_width + 8
    span = width - bar_x - value_width
    top = max((r[1] for r in rows), default=0)
    scale = maximum if maximum is not None else top
    bars = []
    for i, (label, value, text, note, css) in enumerate(rows):
        w = span * value / scale if scale else 0
        if value > 0:
            w = max(w, 2)
        y = 6 + i * row_height
        bars.append(Bar(label, text, note, y, round(min(w, span), 1), css or "chart-bar", y + 12))
    height = 6 + len(rows) * row_height + (12 if target is not None else 0)
    target_x = round(bar_x + span * target / scale, 1) if target is not None and scale else None
    return HBarChart(width, height, label_width, bar_x, span, 16, bar_x + span + 8, bars, target_x, target_label)


@dataclass
class Column:
    label: str
    x: float
    width: float
    y: float
    height: float
    title: str
    inner_y: float = 0
    inner_height: float = 0


@dataclass
class Point:
    x: float
    y: float
    title: str


@dataclass
class Tick:
    y: float
    label: str

    @property
    def label_y(self) -> float:
        return round(self.y + 4, 1)


@dataclass
class WeekChart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    columns: list[Column]
    points: list[Point]
    path: str
    left_ticks: list[Tick]
    right_ticks: list[Tick]
    x_labels: list[tuple[float, str]] = field(default_factory=list)


def nice_max(value: float) -> int:
    """The top of an axis with four whole-number steps, at or above `value`."""
    if value <= 4:
        return 4
    quarter = value / 4
    magnitude = 10 ** math.floor(math.log10(quarter))
    for m in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        step = m * magnitude
        if step >= quarter and float(step).is_integer():
            return int(4 * step)
    return int(40 * magnitude)


def weekly(
    weeks: list[tuple[str, int, int, float | None, str]],
    *,
    width: int = 640,
    height: int = 210,
    bars: bool = True,
    line_max: float = 1.0,
) -> WeekChart:
    """Columns for a count per week (with an inner column for a part of it) and a line
    for a share per week. `weeks`: (label, total, part, share or None, title)."""
    left, right, top, bottom = 36, width - 40, 12, height - 26
    plot_h = bottom - top
    count_max = nice_max(max((w[1] for w in weeks), default=0))
    n = max(len(weeks), 1)
    slot = (right - left) / n
    col_w = min(28.0, slot * 0.6)
    columns, points = [], []
    for i, (label, total, part, ratio, title) in enumerate(weeks):
        cx = left + slot * i + slot / 2
        h = plot_h * total / count_max if bars else 0
        ih = plot_h * part / count_max if bars else 0
        columns.append(
            Column(
                label,
                round(cx - col_w / 2, 1),
                round(col_w, 1),
                round(bottom - h, 1),
                round(h, 1),
                title,
                round(bottom - ih, 1),
                round(ih, 1),
            )
        )
        if ratio is not None:
            points.append(Point(round(cx, 1), round(bottom - plot_h * min(ratio, line_max) / line_max, 1), title))
    path = " ".join(f"{'M' if i == 0 else 'L'}{p.x},{p.y}" for i, p in enumerate(points))
    left_ticks = [Tick(round(bottom - plot_h * k / 4, 1), f"{count_max * k / 4:g}") for k in range(5)] if bars else []
    right_ticks = [Tick(round(bottom - plot_h * k / 4, 1), f"{100 * line_max * k / 4:.0f}%") for k in range(5)]
    every = max(1, math.ceil(n / 9))
    x_labels = [(round(left + slot * i + slot / 2, 1), w[0]) for i, w in enumerate(weeks) if i % every == 0]
    return WeekChart(width, height, left, right, top, bottom, columns, points, path, left_ticks, right_ticks, x_labels)


@dataclass
class Progress:
    """A 0-100 bar with a target mark, drawn in a viewBox of 100 x 8."""

    fill: float
    target: float
    met: bool


def progress(value: float | None, target: float) -> Progress:
    pct = 100 * (value or 0)
    return Progress(round(min(pct, 100), 1), round(100 * target, 1), value is not None and value >= target)


@dataclass
class Sparkline:
    width: int
    height: int
    points: str
    last_x: float
    last_y: float


def sparkline(values: list[float], *, width: int = 160, height: int = 32, pad: float = 2.0) -> Sparkline | None:
    """A polyline of the values, oldest left; None with fewer than two readings."""
    if len(values) < 2:
        return None
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = (width - 2 * pad) / (len(values) - 1)
    coords = [(pad + i * step, height - pad - (v - low) / span * (height - 2 * pad)) for i, v in enumerate(values)]
    return Sparkline(
        width, height, " ".join(f"{x:.1f},{y:.1f}" for x, y in coords), round(coords[-1][0], 1), round(coords[-1][1], 1)
    )
