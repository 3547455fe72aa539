import datetime as dt
import html
from typing import Any

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def pct(value: float | None, digits: int = 1) -> str:
    """A share (0.8) as a percentage ("80.0%"); "—" when there is nothing to divide."""
    if value is None:
        return "—"
    return f"{100 * value:.{digits}f}%"


@register.filter
def pct_number(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{100 * value:.{digits}f}"


@register.filter
def duration(value: dt.timedelta | float | None) -> str:
    """A time span in days ("2.4 d") or, under a day, hours ("5.0 h")."""
    if value is None:
        return "—"
    days = value.total_seconds() / 86400 if isinstance(value, dt.timedelta) else float(value)
    return f"{days * 24:.1f} h" if days < 1 else f"{days:.1f} d"


# The figures' tables and charts, written here rather than by the template engine: a page
# has eighteen of them with a few thousand values, and rendering each value through the
# engine (lookup, localize, escape) cost as much as computing the figures. The markup is
# what the include templates _table.html, _hbars.html and _weekly.html produced before.


def _e(value: Any) -> str:
    # conditional_escape's result for the two types a figure holds, without its checks
    # (a few thousand values a page): text is escaped, a number needs none.
    kind = type(value)
    if kind is str:
        return html.escape(value)
    if kind is int:
        return str(value)
    return str(conditional_escape(value))


@register.simple_tag
def figure_table(f: Any) -> SafeString:
    """A figure's table of numbers, folded under "Show the numbers"."""
    t = f.table
    head = "".join(f'<th scope="col"{' class="num"' if numeric else ""}>{_e(h)}</th>' for h, numeric in t.columns)
    body = []
    for row in t.rows:
        cells = [f'<th scope="row">{_e(row[0].display)}</th>'] if row else []
        cells += [f"<td{' class="num"' if c.numeric else ''}>{_e(c.display)}</td>" for c in row[1:]]
        body.append(f"<tr>{''.join(cells)}</tr>\n      ")
    if not t.rows:
        body.append(f'<tr><td colspan="{len(t.headers)}" class="muted">Nothing in this range.</td></tr>')
    return mark_safe(
        '<details class="chart-table">\n'
        "  <summary>Show the numbers</summary>\n"
        '  <div class="table-wrap">\n'
        '  <table class="table">\n'
        f'    <caption class="visually-hidden">{_e(f.title)}, {_e(f.range_text)}</caption>\n'
        f"    <thead><tr>{head}</tr></thead>\n"
        "    <tbody>\n"
        f"      {''.join(body)}\n"
        "    </tbody>\n"
        "  </table>\n"
        "  </div>\n"
        "</details>\n"
    )


@register.simple_tag
def hbars_chart(c: Any, id: str, label: str) -> SafeString:
    """Horizontal bars (measurement.charts.hbars) as SVG."""
    out = [
        f'<svg class="chart" viewBox="0 0 {c.width} {c.height}" width="{c.width}" height="{c.height}" role="img" '
        f'aria-labelledby="svg-{_e(id)}">\n  <title id="svg-{_e(id)}">{_e(label)}</title>\n  '
    ]
    for b in c.bars:
        note = f" ({_e(b.note)})" if b.note else ""
        tspan = f'<tspan class="chart-note" dx="6">{_e(b.note)}</tspan>' if b.note else ""
        out.append(
            f'\n  <text class="chart-label" x="0" y="{b.text_y}">{_e(b.label)}</text>\n'
            f'  <rect class="chart-track" x="{c.bar_x}" y="{b.y}" width="{c.bar_span}" height="{c.bar_height}" '
            'rx="2"></rect>\n'
            f'  <rect class="{_e(b.css)}" x="{c.bar_x}" y="{b.y}" width="{b.width}" height="{c.bar_height}" rx="2">'
            f"<title>{_e(b.label)}: {_e(b.value_text)}{note}</title></rect>\n"
            f'  <text class="chart-value" x="{c.value_x}" y="{b.text_y}">{_e(b.value_text)}{tspan}</text>\n  '
        )
    out.append("\n  ")
    if c.target_x is not None:
        out.append(
            f'<line class="chart-target" x1="{c.target_x}" x2="{c.target_x}" y1="2" y2="{c.height - 12}"></line>'
            f'<text class="chart-note chart-middle" x="{c.target_x}" y="{c.height - 1}">{_e(c.target_label)}</text>'
        )
    out.append("\n</svg>\n")
    return mark_safe("".join(out))


@register.simple_tag
def weekly_chart(c: Any, id: str, label: str, bars_label: str, inner_label: str, line_label: str) -> SafeString:
    """Weekly columns with an inner column and a line (measurement.charts.weekly) as SVG, and its legend."""
    right = "".join(
        f'<line class="chart-grid" x1="{c.plot_left}" x2="{c.plot_right}" y1="{t.y}" y2="{t.y}"></line>'
        f'<text class="chart-tick" x="{c.plot_right + 6}" y="{t.label_y}">{_e(t.label)}</text>'
        for t in c.right_ticks
    )
    left = "".join(
        f'<text class="chart-tick chart-end" x="{c.plot_left - 6}" y="{t.label_y}">{_e(t.label)}</text>'
        for t in c.left_ticks
    )
    columns = "".join(
        f'\n  <rect class="chart-bar-alt" x="{col.x}" y="{col.y}" width="{col.width}" height="{col.height}" rx="1">'
        f"<title>{_e(col.title)}</title></rect>\n"
        f'  <rect class="chart-bar" x="{col.x}" y="{col.inner_y}" width="{col.width}" height="{col.inner_height}" '
        f'rx="1"><title>{_e(col.title)}</title></rect>\n  '
        for col in c.columns
    )
    path = f'<path class="chart-line" d="{_e(c.path)}"></path>' if c.path else ""
    points = "".join(
        f'<circle class="chart-dot" cx="{p.x}" cy="{p.y}" r="3"><title>{_e(p.title)}</title></circle>' for p in c.points
    )
    labels = "".join(
        f'<text class="chart-tick chart-middle" x="{x}" y="{c.height - 8}">{_e(text)}</text>' for x, text in c.x_labels
    )
    return mark_safe(
        f'<svg class="chart" viewBox="0 0 {c.width} {c.height}" width="{c.width}" height="{c.height}" role="img" '
        f'aria-labelledby="svg-{_e(id)}">\n'
        f'  <title id="svg-{_e(id)}">{_e(label)}</title>\n'
        f"  {right}\n"
        f"  {left}\n"
        f"  {columns}\n"
        f'  <line class="chart-axis" x1="{c.plot_left}" x2="{c.plot_right}" y1="{c.plot_bottom}" '
        f'y2="{c.plot_bottom}"></line>\n'
        f"  {path}\n"
        f"  {points}\n"
        f"  {labels}\n"
        "</svg>\n"
        '<ul class="legend">\n'
        f'  <li><span class="swatch swatch-light" aria-hidden="true"></span>{_e(bars_label)}</li>\n'
        f'  <li><span class="swatch swatch-accent" aria-hidden="true"></span>{_e(inner_label)}</li>\n'
        f'  <li><span class="swatch swatch-line" aria-hidden="true"></span>{_e(line_label)} (right axis)</li>\n'
        "</ul>\n"
    )


@register.simple_tag
def breakdown_rows(f: Any) -> SafeString:
    """The breakdown table's body rows (a recommendation keeps its colour chip)."""
    if not f.extra["keyed_rows"]:
        return mark_safe(
            f'\n        <tr><td colspan="{len(f.table.headers)}" class="muted">No signals in this range.</td></tr>\n        '
        )
    chips = f.extra["recommendations"]
    out = []
    for key, row in f.extra["keyed_rows"]:
        first = _e(row[0].display)
        head = (
            f'<th scope="row"><span class="rec rec-{_e(key)}">{first}</span></th>'
            if chips
            else f'<th scope="row">{first}</th>'
        )
        cells = "".join(f"<td{' class="num"' if c.numeric else ''}>{_e(c.display)}</td>" for c in row[1:])
        out.append(f"\n        <tr>{head}{cells}</tr>\n        ")
    return mark_safe("".join(out))


@register.simple_tag
def threshold_rows(f: Any) -> SafeString:
    """Per owner: the share decided with reason and next action against the target."""
    if not f.extra["owners"]:
        return mark_safe('\n        <li class="muted">No signals in this range.</li>\n        ')
    target = pct(f.extra["target"], 0)
    out = []
    for row, p, status in f.extra["owners"]:
        m = row.measures
        fill = "bar-fill-ok" if p.met else "bar-fill-short"
        state = "progress-status-met" if p.met else "progress-status-short"
        out.append(
            "\n        <li>\n"
            f'          <span class="progress-name">{_e(row.name)}<small>{m.threshold_met} of {m.surfaced} signals</small>'
            "</span>\n"
            '          <svg class="bar bar-lg" viewBox="0 0 100 8" preserveAspectRatio="none" role="img" '
            f'aria-label="{_e(pct(m.threshold_share))} against a target of {_e(target)}"><rect class="bar-track" '
            f'width="100" height="8"></rect><rect class="bar-fill {fill}" width="{p.fill}" height="8"></rect>'
            f'<line class="bar-target" x1="{p.target}" x2="{p.target}" y1="0" y2="8"></line></svg>\n'
            f'          <span class="num strong">{_e(pct(m.threshold_share, 0))}</span>\n'
            f'          <span class="progress-status {state}">{_e(status)}</span>\n'
            "        </li>\n        "
        )
    return mark_safe("".join(out))
