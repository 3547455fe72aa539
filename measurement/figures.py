"""The dashboard's figures: each one a title, its date range, its definition, a chart
and the table of its numbers. The page and the CSV export read the same `Figure`, so a
chart, its table and its CSV can never disagree."""

import bisect
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from accounts.models import Segment
from measurement import charts
from measurement import selectors as s
from signals.vocabulary import Intent, Recommendation, SignalType

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}


@dataclass(frozen=True)
class Cell:
    display: str
    raw: Any
    numeric: bool = False


def num(value: int | None) -> Cell:
    return Cell("—" if value is None else f"{value:,}", "" if value is None else value, True)


def pct(value: float | None) -> Cell:
    return Cell("—" if value is None else f"{100 * value:.1f}%", "" if value is None else round(100 * value, 1), True)


def text(value: str) -> Cell:
    return Cell(value, value)


def days(value: dt.timedelta | float | None) -> Cell:
    if value is None:
        return Cell("—", "", True)
    d = value.total_seconds() / 86400 if isinstance(value, dt.timedelta) else float(value)
    return Cell(duration_text(d), round(d, 2), True)


def duration_text(d: float) -> str:
    if d < 1:
        return f"{d * 24:.1f} h"
    return f"{d:.1f} d"


def money_text(amounts: dict[str, Decimal]) -> str:
    if not amounts:
        return "—"
    return " · ".join(f"{CURRENCY_SYMBOLS.get(cur, cur + ' ')}{amount:,.0f}" for cur, amount in sorted(amounts.items()))


def money(amounts: dict[str, Decimal]) -> Cell:
    raw = "; ".join(f"{cur} {amount}" for cur, amount in sorted(amounts.items()))
    return Cell(money_text(amounts), raw, True)


@dataclass
class Table:
    headers: list[str]
    rows: list[list[Cell]]
    numeric: list[bool] = field(default_factory=list)
    caption: str = ""

    @property
    def columns(self) -> list[tuple[str, bool]]:
        return list(zip(self.headers, self.numeric, strict=True))


@dataclass
class Figure:
    key: str
    title: str
    definition: str
    range_text: str
    table: Table
    chart: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


def _table(headers: list[str], rows: list[list[Cell]], caption: str = "") -> Table:
    numeric = [bool(rows) and all(r[i].numeric for r in rows) for i in range(len(headers))]
    return Table(headers, rows, numeric, caption)


def _week_label(monday: dt.date) -> str:
    return f"{monday:%-d %b}"


# --------------------------------------------------------------------------- builders


def funnel_figure(scope: s.DashboardScope, totals: s.Measures) -> Figure:
    stages = s.funnel(totals)
    rows = [
        [
            text(st.label),
            num(st.count),
            pct(st.of_previous),
            pct(st.of_surfaced),
            money(totals.won_amounts) if st.key == "won" else text(""),
        ]
        for st in stages
    ]
    chart = charts.hbars(
        [
            (
                st.label,
                st.count,
                f"{st.count:,}",
                "" if st.of_previous is None else f"{100 * st.of_previous:.0f}% of previous",
                "chart-bar-won" if st.key == "won" else ("chart-bar-alt" if st.key == "surfaced" else "chart-bar"),
            )
            for st in stages
        ]
    )
    return Figure(
        "funnel",
        "Funnel",
        s.DEFINITIONS["funnel"],
        scope.range_text,
        _table(["Stage", "Signals", "% of previous stage", "% of surfaced", "Closed-won amount"], rows),
        chart,
        {"stages": stages, "won_amounts": money_text(totals.won_amounts)},
    )


def quality_figure(scope: s.DashboardScope, totals: s.Measures) -> Figure:
    rows = []
    bars = []
    for key, label, definition in s.PARTS:
        present = totals.parts.get(key, 0)
        missing = totals.surfaced - present
        share = s.share(present, totals.surfaced)
        rows.append([text(label), num(present), num(missing), pct(share), text(definition)])
        bars.append(
            (
                label,
                share or 0,
                "—" if share is None else f"{100 * share:.0f}%",
                f"{missing:,} missing" if missing else "none missing",
                "chart-bar",
            )
        )
    rows.append(
        [
            text("All six (review quality)"),
            num(totals.complete),
            num(totals.surfaced - totals.complete),
            pct(totals.quality),
            text(s.DEFINITIONS["quality"]),
        ]
    )
    bars.append(
        (
            "All six",
            totals.quality or 0,
            "—" if totals.quality is None else f"{100 * totals.quality:.0f}%",
            f"{totals.complete:,} of {totals.surfaced:,}",
            "chart-bar-won",
        )
    )
    return Figure(
        "quality",
        "Review quality: signals with all six parts",
        s.DEFINITIONS["quality"],
        scope.range_text,
        _table(["Part", "Signals with it", "Signals without it", "Share with it", "Definition"], rows),
        charts.hbars(bars, maximum=1.0, label_width=130),
        {"parts": s.PARTS},
    )


def quality_weekly_figure(scope: s.DashboardScope, weeks: list[tuple[dt.date, s.Measures]]) -> Figure:
    rows = [[text(f"{monday:%Y-%m-%d}"), num(m.surfaced), num(m.complete), pct(m.quality)] for monday, m in weeks]
    chart = charts.weekly(
        [
            (
                _week_label(monday),
                m.surfaced,
                m.complete,
                m.quality,
                f"Week of {monday:%-d %b}: {m.complete} of {m.surfaced} complete",
            )
            for monday, m in weeks
        ]
    )
    return Figure(
        "quality-weekly",
        "Review quality by week",
        s.DEFINITIONS["quality"] + " " + s.DEFINITIONS["weekly"],
        scope.range_text,
        _table(["Week (Monday)", "Signals surfaced", "With all six", "Review quality"], rows),
        chart,
    )


def gaps_figure(scope: s.DashboardScope, gaps: list[s.Gap], total_missing: int) -> Figure:
    rows = [
        [
            text(f"{g.candidate.account.name} · {g.candidate.get_signal_type_display()}"),
            text(_owner_name(g.candidate.account.owner)),
            text(f"{g.candidate.inserted_at:%Y-%m-%d}"),
            text(", ".join(s.PART_LABELS[k] for k in g.missing)),
        ]
        for g in gaps
    ]
    return Figure(
        "quality-gaps",
        "Signals missing a part",
        "Signals surfaced in the range that lack at least one of "
        "the six parts, oldest first, and which parts they lack.",
        scope.range_text,
        _table(["Signal", "Owner", "Surfaced", "Missing"], rows),
        extra={
            "gaps": gaps,
            "total": total_missing,
            "parts": [(key, label, s.PART_SHORT[key]) for key, label, _ in s.PARTS],
        },
    )


def _owner_name(user: Any) -> str:
    if user is None:
        return "No owner"
    return user.get_full_name() or user.username


def threshold_figure(scope: s.DashboardScope, totals: s.Measures, owners: list[s.OwnerRow]) -> Figure:
    target = float(scope.threshold)
    rows = [
        [
            text("All owners"),
            num(totals.surfaced),
            num(totals.threshold_met),
            pct(totals.threshold_share),
            pct(target),
            text(_status(totals.threshold_share, target)),
        ]
    ]
    progress = []
    for row in owners:
        m = row.measures
        rows.append(
            [
                text(row.name),
                num(m.surfaced),
                num(m.threshold_met),
                pct(m.threshold_share),
                pct(target),
                text(_status(m.threshold_share, target)),
            ]
        )
        progress.append((row, charts.progress(m.threshold_share, target), _status(m.threshold_share, target)))
    return Figure(
        "threshold",
        "Threshold: decided with reason and next action",
        s.DEFINITIONS["threshold"],
        scope.range_text,
        _table(
            ["Owner", "Signals", "Accepted or rejected with reason and next action", "Share", "Target", "Status"], rows
        ),
        extra={
            "overall": charts.progress(totals.threshold_share, target),
            "owners": progress,
            "target": target,
            "status": _status(totals.threshold_share, target),
        },
    )


def _status(value: float | None, target: float) -> str:
    if value is None:
        return "No signals"
    if value >= target:
        return "Met"
    return f"{100 * (target - value):.1f} points short"


def _complement(rate: float | None) -> float | None:
    return None if rate is None else 1 - rate


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{100 * rate:.0f}%"


def false_positive_figures(
    scope: s.DashboardScope,
    totals: s.Measures,
    weeks: list[tuple[dt.date, s.Measures]],
    by_type: dict[Any, s.Measures],
    by_intent: dict[Any, s.Measures],
    reasons: list[tuple[str, str, int]],
    by_rule: dict[str, s.Measures] | None = None,
) -> dict[str, Figure]:
    definition = s.DEFINITIONS["false_positives"]
    trend_rows = [
        [text(f"{monday:%Y-%m-%d}"), num(m.decided), num(m.false_positive), pct(m.false_positive_rate)]
        for monday, m in weeks
    ]
    trend = charts.weekly(
        [
            (
                _week_label(monday),
                m.decided,
                m.false_positive,
                m.false_positive_rate,
                f"Week of {monday:%-d %b}: {m.false_positive} of {m.decided} decided",
            )
            for monday, m in weeks
        ],
        line_max=_line_max([m.false_positive_rate for _, m in weeks]),
    )

    def grouped(
        groups: dict[Any, s.Measures], labels: dict[str, str], label_width: int = 110
    ) -> tuple[Table, charts.HBarChart]:
        keys = [k for k in labels if k in groups] + [k for k in groups if k not in labels]
        rows = [
            [
                text(labels.get(k, k or "—")),
                num(groups[k].decided),
                num(groups[k].false_positive),
                pct(groups[k].false_positive_rate),
                pct(_complement(groups[k].false_positive_rate)),
            ]
            for k in keys
        ]
        chart = charts.hbars(
            [
                (
                    labels.get(k, k or "—"),
                    groups[k].false_positive_rate or 0,
                    _percent(groups[k].false_positive_rate),
                    f"{groups[k].false_positive} of {groups[k].decided}",
                    "chart-bar",
                )
                for k in keys
            ],
            maximum=1.0,
            label_width=label_width,
            row_height=26,
        )
        return _table(["Group", "Decided", "False positives", "Rate", "Precision"], rows), chart

    type_table, type_chart = grouped(by_type, dict(SignalType.choices))
    intent_table, intent_chart = grouped(by_intent, dict(Intent.choices))
    # Rules that fired on decided signals only; the chart shows the twelve with most false positives.
    rule_groups = {k: m for k, m in (by_rule or {}).items() if m.decided}
    rule_table, _ = grouped(rule_groups, {k: k for k in rule_groups})
    top = dict(list(rule_groups.items())[:12])
    _, rule_chart = grouped(top, {k: k for k in top}, label_width=170)
    reason_rows = [[text(label), num(n)] for _, label, n in reasons]
    return {
        "fp-trend": Figure(
            "fp-trend",
            "False positives by week",
            definition + " " + s.DEFINITIONS["weekly"],
            scope.range_text,
            _table(["Week (Monday)", "Decided", "False positives", "Rate"], trend_rows),
            trend,
            {"rate": totals.false_positive_rate, "fp": totals.false_positive, "decided": totals.decided},
        ),
        "fp-by-type": Figure(
            "fp-by-type", "False positives by signal type", definition, scope.range_text, type_table, type_chart
        ),
        "fp-by-intent": Figure(
            "fp-by-intent",
            "False positives by intent (detector)",
            definition,
            scope.range_text,
            intent_table,
            intent_chart,
        ),
        "fp-by-rule": Figure(
            "fp-by-rule",
            "False positives and precision by phrase rule",
            definition + " A signal counts under every phrase rule that fired on its trigger "
            "messages; precision is the share of decided signals not rejected as a false positive. "
            "The chart shows the twelve rules with the most false positives; the table lists every "
            "rule that fired on a decided signal.",
            scope.range_text,
            rule_table,
            rule_chart,
        ),
        "rejection-reasons": Figure(
            "rejection-reasons",
            "Rejection reasons",
            "Rejections of signals surfaced in the range, by the reason the owner chose, "
            "decided by the end of the range.",
            scope.range_text,
            _table(["Reason", "Rejections"], reason_rows),
            charts.hbars(
                [(label.split(":")[0], n, f"{n:,}", "", "chart-bar") for _, label, n in reasons],
                label_width=130,
                row_height=26,
            ),
        ),
    }


def _line_max(values: list[float | None]) -> float:
    top = max((v for v in values if v is not None), default=0)
    for limit in (0.25, 0.5, 1.0):
        if top <= limit:
            return limit
    return 1.0


DURATION_BUCKETS = (
    (0, 1, "Under 1 day"),
    (1, 3, "1–3 days"),
    (3, 7, "3–7 days"),
    (7, 14, "7–14 days"),
    (14, None, "14 days or more"),
)


def time_figure(scope: s.DashboardScope, durations: s.Durations) -> Figure:
    # durations.values is sorted: each bucket is a slice between two bisections
    day_values = [d.total_seconds() / 86400 for d in durations.values]
    counts = []
    for lo, hi, label in DURATION_BUCKETS:
        end = len(day_values) if hi is None else bisect.bisect_left(day_values, hi)
        counts.append((label, end - bisect.bisect_left(day_values, lo)))
    rows = [
        [text("Decided signals"), num(durations.count)],
        [text("Median"), days(durations.median)],
        [text("p90"), days(durations.p90)],
    ] + [[text(label), num(n)] for label, n in counts]
    chart = charts.hbars([(label, n, f"{n:,}", "", "chart-bar") for label, n in counts], label_width=120, row_height=26)
    return Figure(
        "time-to-decision",
        "Time from signal to decision",
        s.DEFINITIONS["time_to_decision"],
        scope.range_text,
        _table(["Measure", "Value"], rows),
        chart,
        {"durations": durations},
    )


def queue_figure(scope: s.DashboardScope, age: s.QueueAge) -> Figure:
    rows = [
        [text("Pending signals"), num(age.pending)],
        [text("Median age"), days(age.median_days)],
        [text("p90 age"), days(age.p90_days)],
        [text("Oldest"), days(age.oldest_days)],
    ]
    rows += [[text(label), num(n)] for label, n in age.buckets]
    chart = charts.hbars(
        [(label, n, f"{n:,}", "", "chart-bar-alt") for label, n in age.buckets], label_width=120, row_height=26
    )
    return Figure(
        "queue-age",
        "Queue age",
        s.DEFINITIONS["queue_age"],
        f"Today, {scope.today:%-d %b %Y}",
        _table(["Measure", "Value"], rows),
        chart,
        {"age": age},
    )


def decisions_figure(scope: s.DashboardScope, rows_in: list[s.DecisionCounts]) -> Figure:
    rows = [
        [text(r.name), num(r.total), num(r.approved), num(r.rejected), num(r.deferred), num(r.false_positive)]
        for r in rows_in
    ]
    top = max((r.total for r in rows_in), default=0)
    chart = charts.hbars(
        [(r.name, r.total, f"{r.total:,}", f"{r.approved}/{r.rejected}/{r.deferred}", "chart-bar") for r in rows_in],
        maximum=top or None,
        label_width=120,
        row_height=26,
        width=460,
    )
    return Figure(
        "decisions-per-owner",
        "Decisions per owner",
        s.DEFINITIONS["decisions_per_owner"],
        scope.range_text,
        _table(["Owner", "Decisions", "Approved", "Rejected", "Deferred", "False positives"], rows),
        chart,
    )


def _group_labels(dim: str, keys: list[Any], scope: s.DashboardScope | None = None) -> dict[Any, str]:
    if dim == "owner":
        return s.user_names(keys, scope)
    if dim == "signal_type":
        return dict(SignalType.choices)
    if dim == "recommendation":
        return dict(Recommendation.choices)
    segments = dict(Segment.choices)
    return {k: str(segments.get(k, k)) if k else "No segment" for k in keys}


def breakdown_figure(scope: s.DashboardScope, dim: str, groups: dict[Any, s.Measures]) -> Figure:
    labels = _group_labels(dim, list(groups), scope)
    keys = sorted(groups, key=lambda k: (-groups[k].surfaced, str(labels.get(k, k))))
    rows = []
    for k in keys:
        m = groups[k]
        rows.append(
            [
                text(str(labels.get(k, k))),
                num(m.surfaced),
                num(m.reviewed),
                num(m.approved),
                num(m.rejected),
                num(m.false_positive),
                pct(m.false_positive_rate),
                pct(m.quality),
                pct(m.threshold_share),
                num(m.won),
                money(m.won_amounts),
            ]
        )
    label = dict(s.GROUPS)[dim][0]
    return Figure(
        "breakdown",
        f"Breakdown by {label.lower()}",
        s.DEFINITIONS["breakdown"],
        scope.range_text,
        _table(
            [
                label,
                "Surfaced",
                "Reviewed",
                "Approved",
                "Rejected",
                "False positives",
                "FP rate",
                "Review quality",
                "Threshold",
                "Closed-won",
                "Won amount",
            ],
            rows,
        ),
        extra={
            "dim": dim,
            "keyed_rows": list(zip(keys, rows, strict=True)),
            "recommendations": dim == "recommendation",
        },
    )


def weekly_figure(scope: s.DashboardScope, weeks: list[tuple[dt.date, s.Measures]]) -> Figure:
    rows = [
        [
            text(f"{monday:%Y-%m-%d}"),
            num(m.surfaced),
            num(m.reviewed),
            num(m.approved),
            num(m.rejected),
            num(m.false_positive),
            pct(m.quality),
            pct(m.threshold_share),
        ]
        for monday, m in weeks
    ]
    chart = charts.weekly(
        [
            (
                _week_label(monday),
                m.surfaced,
                m.reviewed,
                m.threshold_share,
                f"Week of {monday:%-d %b}: {m.surfaced} surfaced, {m.reviewed} reviewed",
            )
            for monday, m in weeks
        ]
    )
    return Figure(
        "weekly",
        "Weekly trend",
        s.DEFINITIONS["weekly"],
        scope.range_text,
        _table(
            [
                "Week (Monday)",
                "Surfaced",
                "Reviewed",
                "Approved",
                "Rejected",
                "False positives",
                "Review quality",
                "Threshold",
            ],
            rows,
        ),
        chart,
    )


def readiness_figure(scope: s.DashboardScope, checks: list[s.Check]) -> Figure:
    rows = [[text(c.name), text("Pass" if c.passed else "Fail"), text(c.detail)] for c in checks]
    return Figure(
        "readiness",
        "Readiness: can the pilot be judged?",
        s.DEFINITIONS["readiness"],
        f"{scope.today - dt.timedelta(days=s.READINESS_DAYS):%-d %b} – {scope.today:%-d %b %Y}",
        _table(["Condition", "Result", "Detail"], rows),
        extra={"checks": checks, "ready": all(c.passed for c in checks)},
    )


def audit_figure(scope: s.DashboardScope, size: int, seed: int) -> Figure:
    population, rows_in = s.audit_sample(scope, size=size, seed=seed)
    headers = ["Signal", "Owner", "Surfaced"] + [label for _, label in s.AUDIT_ITEMS]
    rows = []
    for row in rows_in:
        c = row.candidate
        rows.append(
            [
                text(f"{c.account.name} · {c.get_signal_type_display()}"),
                text(_owner_name(c.account.owner)),
                text(f"{c.inserted_at:%Y-%m-%d}"),
            ]
            + [Cell(f"{m.state}: {m.detail}", f"{m.state}: {m.detail}") for m in row.marks]
        )
    present = [sum(1 for r in rows_in if r.marks[i].state == s.PRESENT) for i in range(len(s.AUDIT_ITEMS))]
    applicable = [sum(1 for r in rows_in if r.marks[i].state != s.NOT_APPLICABLE) for i in range(len(s.AUDIT_ITEMS))]
    return Figure(
        "audit",
        "Sample audit: seven checks per signal",
        s.DEFINITIONS["audit"],
        scope.range_text,
        _table(headers, rows),
        extra={
            "rows": rows_in,
            "items": s.AUDIT_ITEMS,
            "population": population,
            "size": size,
            "seed": seed,
            "totals": list(zip(s.AUDIT_ITEMS, present, applicable, strict=True)),
        },
    )


# --------------------------------------------------------------------------- assembly


def dashboard_figures(scope: s.DashboardScope, *, dim: str, audit_size: int, audit_seed: int) -> dict[str, Any]:
    """Every figure of the page, in a fixed number of queries."""
    totals = s.summary(scope)
    weeks = s.measures_by_week(scope)
    owners = s.by_owner(scope)
    breakdown_groups = (
        {r.owner_id: r.measures for r in owners if r.measures.surfaced} if dim == "owner" else s.measures_by(scope, dim)
    )
    figures: dict[str, Any] = {
        "funnel": funnel_figure(scope, totals),
        "quality": quality_figure(scope, totals),
        "quality-weekly": quality_weekly_figure(scope, weeks),
        "quality-gaps": gaps_figure(scope, s.quality_gaps(scope, limit=12), totals.surfaced - totals.complete),
        "threshold": threshold_figure(scope, totals, owners),
        **false_positive_figures(
            scope,
            totals,
            weeks,
            s.measures_by(scope, "signal_type"),
            s.measures_by(scope, "intent"),
            s.rejection_reasons(scope),
            s.measures_by_rule(scope),
        ),
        "time-to-decision": time_figure(scope, s.time_to_decision(scope)),
        "queue-age": queue_figure(scope, s.queue_age(scope)),
        "decisions-per-owner": decisions_figure(scope, s.decisions_per_owner(scope)),
        "breakdown": breakdown_figure(scope, dim, breakdown_groups),
        "weekly": weekly_figure(scope, weeks),
        "readiness": readiness_figure(scope, s.readiness(scope)),
        "audit": audit_figure(scope, audit_size, audit_seed),
    }
    figures["totals"] = totals
    return figures


# One builder per CSV export; each computes only what its figure needs.
CSV_BUILDERS: dict[str, Callable[..., Figure]] = {
    "funnel": lambda scope, **_: funnel_figure(scope, s.summary(scope)),
    "quality": lambda scope, **_: quality_figure(scope, s.summary(scope)),
    "quality-weekly": lambda scope, **_: quality_weekly_figure(scope, s.measures_by_week(scope)),
    "quality-gaps": lambda scope, **_: gaps_figure(scope, s.quality_gaps(scope, limit=None), 0),
    "threshold": lambda scope, **_: threshold_figure(scope, s.summary(scope), s.by_owner(scope)),
    "fp-trend": lambda scope, **_: _fp(scope)["fp-trend"],
    "fp-by-type": lambda scope, **_: _fp(scope)["fp-by-type"],
    "fp-by-intent": lambda scope, **_: _fp(scope)["fp-by-intent"],
    "fp-by-rule": lambda scope, **_: _fp(scope)["fp-by-rule"],
    "rejection-reasons": lambda scope, **_: _fp(scope)["rejection-reasons"],
    "time-to-decision": lambda scope, **_: time_figure(scope, s.time_to_decision(scope)),
    "queue-age": lambda scope, **_: queue_figure(scope, s.queue_age(scope)),
    "decisions-per-owner": lambda scope, **_: decisions_figure(scope, s.decisions_per_owner(scope)),
    "breakdown": lambda scope, dim="owner", **_: breakdown_figure(scope, dim, s.measures_by(scope, dim)),
    "weekly": lambda scope, **_: weekly_figure(scope, s.measures_by_week(scope)),
    "readiness": lambda scope, **_: readiness_figure(scope, s.readiness(scope)),
    "audit": lambda scope, n=10, seed=1, **_: audit_figure(scope, n, seed),
}


def _fp(scope: s.DashboardScope) -> dict[str, Figure]:
    totals = s.summary(scope)
    return false_positive_figures(
        scope,
        totals,
        s.measures_by_week(scope),
        s.measures_by(scope, "signal_type"),
        s.measures_by(scope, "intent"),
        s.rejection_reasons(scope),
        s.measures_by_rule(scope),
    )


def pilot_text(pilot: Any, today: dt.date) -> str:
    """'Top 50 healthy accounts by ARR · 6 owners · 29 Sep – 27 Nov 2026 · day 56 of 60'."""
    if pilot is None:
        return "All accounts, no pilot sample"
    if pilot.sample == "segment":
        sample = f"Segment {pilot.segment}"
    elif pilot.sample == "top_healthy":
        sample = f"Top {pilot.top_n} healthy accounts by ARR"
    else:
        sample = "Listed accounts"
    team = pilot.owner_team.count()
    day = (today - pilot.start_date).days + 1
    if day < 1:
        when = f"starts {pilot.start_date:%-d %b %Y}"
    elif day > pilot.duration_days:
        when = f"ended {pilot.end_date:%-d %b %Y}"
    else:
        when = f"day {day} of {pilot.duration_days}"
    return (
        f"{sample} · {team} owner{'s' if team != 1 else ''} · {pilot.start_date:%-d %b} – "
        f"{pilot.end_date:%-d %b %Y} · {when} · threshold {100 * pilot.threshold:.0f}%"
    )
