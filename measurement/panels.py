"""Dashboard panels fetched on their own (HTMX `load`, with a plain link as the fallback),
so the dashboard's own query budget does not grow with them: plays and proof of lift."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.dates import out_of_range_response
from core.http import HtmxHttpRequest
from core.roles import is_leader
from measurement.forms import DateOutOfRange
from measurement.lift import held_out_list, lift_figures
from measurement.views import _params
from plays.figures import play_figures


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
    context = {"lift": lift_figures(scope), "held_out": held_out_list(scope), "scope": scope, "params": params}
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
    context = {"rows": play_figures(scope), "scope": scope, "params": params}
    template = "plays/_dashboard_panel.html" if request.htmx else "plays/dashboard_page.html"
    return render(request, template, context)
