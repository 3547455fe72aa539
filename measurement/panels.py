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


def _lift_rows(lift: Lift) -> list[list[object]]:
    rows: list[list[object]] = [["arm", "candidates", "expanded", "expansion_rate", "won_arr_per_candidate"]]
    for arm in (lift.surfaced, lift.held_out):
        rows.append([arm.label, arm.n, arm.expanded, arm.rate, arm.arr_per_candidate])
    rate, arr = lift.rate_diff, lift.arr_diff
    rows.append(["difference", "", "", rate.estimate if rate else "", arr.estimate if arr else ""])
    rows.append(["95% low", "", "", rate.low if rate else "", arr.low if arr else ""])
    rows.append(["95% high", "", "", rate.high if rate else "", arr.high if arr else ""])
    rows.append(["significant", "", "", lift.significant, ""])
    rows.append(["candidates needed (80% power)", lift.needed if lift.needed is not None else "", "", "", ""])
    return rows


def _play_rows(plays: list[PlayFigures]) -> list[list[object]]:
    header: list[object] = ["play", "applies to", "decided", "approved", "contacted", "median_days_to_contact"]
    rows = [[*header, "target_days", "within_target", "won"]]
    for r in plays:
        row: list[object] = [r.name, r.scope_text, r.decided, r.approved, r.contacted, r.median_days]
        rows.append([*row, r.target_days, r.within_target, r.won])
    return rows


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
            f"account and product area within {lift.window_days} days. Two-proportion normal interval "
            "(docs/measurement.md)."
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
