"""Dashboard panels fetched on their own (HTMX `load`, with a plain link as the fallback),
so the dashboard's own query budget does not grow with them: plays and proof of lift."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core import csv
from core.dates import out_of_range_response
from core.http import HtmxHttpRequest
from core.roles import is_leader
from measurement.forms import DateOutOfRange
from measurement.lift import Lift, held_out_list, lift_figures
from measurement.selectors import DashboardScope
from measurement.views import _params
from plays.figures import PlayFigures, play_figures


def _csv(name: str, scope: DashboardScope, title: str, definition: str, rows: list[list[object]]) -> HttpResponse:
    """Like the dashboard's other CSVs: what it is, its range and definition, then the table."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{scope.start:%Y%m%d}-{scope.end:%Y%m%d}.csv"'
    writer = csv.writer(response)
    writer.writerow(["# figure", title])
    writer.writerow(["# range", scope.range_text])
    writer.writerow(["# pilot", scope.pilot.name if scope.pilot else "All accounts"])
    writer.writerow(["# definition", definition])
    writer.writerows(rows)
    return response


def _pct1(value: float | None) -> object:
    return "" if value is None else round(100 * value, 1)


def _whole(value: float | None) -> object:
    return "" if value is None else round(value)


def _lift_rows(lift: Lift) -> list[list[object]]:
    """The panel's figures, rounded as the panel shows them, and its sentences word for word."""
    rows: list[list[object]] = [
        ["group", "candidates", "expanded", "expansion_rate_pct", "won_arr_per_candidate", "with_won_arr"]
    ]
    for arm in (lift.surfaced, lift.held_out):
        rows.append([arm.label, arm.n, arm.expanded, _pct1(arm.rate), _whole(arm.arr_per_candidate), arm.wins])
    rate, arr = lift.rate_diff, lift.arr_diff
    rows.append(["difference", "", "", _pct1(rate.estimate) if rate else "", _whole(arr.estimate) if arr else ""])
    show = lift.show_rate_range and rate is not None
    rows.append(["95% low", "", "", _pct1(rate.low) if show and rate else "", _whole(arr.low) if arr else ""])
    rows.append(["95% high", "", "", _pct1(rate.high) if show and rate else "", _whole(arr.high) if arr else ""])
    rows.append(["significant", "", "", "yes" if lift.significant else "no", ""])
    rows.append(["candidates needed in all", lift.needed if lift.needed is not None else ""])
    rows.append(["candidates still needed", lift.more_needed if lift.more_needed is not None else ""])
    rows.append(["candidates still inside their outcome window", lift.in_window])
    rows.append(["# expansion rate", lift.verdict])
    rows.append(["# won ARR per candidate", lift.arr_text])
    rows.append(
        ["# ARR currency", lift.currency, "candidates in other currencies (left out of ARR)", lift.other_currency]
    )
    rows.append(["# sample size", lift.sample_size_text])
    return rows


def _play_rows(plays: list[PlayFigures]) -> list[list[object]]:
    """Rounded as the panel shows them: days to 1 decimal, shares in whole percent."""
    header: list[object] = ["play", "applies to", "decided", "approved", "approval_rate_pct", "contacted"]
    rows = [[*header, "median_days_to_contact", "target_days", "within_target", "within_target_pct", "won"]]
    for r in plays:
        median = "" if r.median_days is None else round(r.median_days, 1)
        row: list[object] = [r.name, r.scope_text, r.decided, r.approved, _pct0(r.approval_rate), r.contacted]
        rows.append([*row, median, r.target_days, r.within_target, _pct0(r.within_target_rate), r.won])
    return rows


def _pct0(value: float | None) -> object:
    return "" if value is None else round(100 * value)


@login_required
@require_GET
def lift_panel(request: HtmxHttpRequest) -> HttpResponse:
    """Leaders only: for anyone else the holdout does not exist (404)."""
    if not is_leader(request.user):
        raise Http404
    try:
        params, scope, _ = _params(request)
    except DateOutOfRange as exc:
        return out_of_range_response(str(exc))
    lift = lift_figures(scope)
    assert lift is not None  # a leader's
    if request.GET.get("format") == "csv":
        definition = (
            f"Candidates created in the range, held out at {lift.share:.0%}; expanded: a CRM opportunity on the same "
            f"account and product area within {lift.window_days} days. Rate difference: Newcombe hybrid score "
            "interval; ARR: normal interval, Welch standard error (docs/measurement.md). Percentages in percent, "
            "differences in percentage points."
        )
        return _csv("lift", scope, "Proof of lift", definition, _lift_rows(lift))
    context = {"lift": lift, "held_out": held_out_list(scope), "scope": scope, "params": params}
    template = "measurement/_lift_panel.html" if request.htmx else "measurement/lift_page.html"
    return render(request, template, context)


@login_required
@require_GET
def plays_panel(request: HtmxHttpRequest) -> HttpResponse:
    """Per play, on the decisions the user may see (owners: their own)."""
    try:
        params, scope, _ = _params(request)
    except DateOutOfRange as exc:
        return out_of_range_response(str(exc))
    rows = play_figures(scope)
    if request.GET.get("format") == "csv":
        definition = "Per play recorded on the decisions taken in the range; first contact: first logged outreach."
        return _csv("plays", scope, "Plays", definition, _play_rows(rows))
    context = {"rows": rows, "scope": scope, "params": params}
    template = "plays/_dashboard_panel.html" if request.htmx else "plays/dashboard_page.html"
    return render(request, template, context)
