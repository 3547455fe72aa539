"""The pilot dashboard, its CSV exports and the streaming events export. Thin: parse the
query string, call the selectors (through `figures`), render."""

import json
from collections.abc import Iterator
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core import csv
from core.dates import out_of_range_response
from core.http import HtmxHttpRequest
from core.roles import is_leader
from measurement import figures, selectors
from measurement.forms import (
    BREAKDOWNS,
    DashboardParams,
    DateOutOfRange,
    EventFilterForm,
    dashboard_params,
)


def _params(request: HttpRequest) -> tuple[DashboardParams, selectors.DashboardScope, list]:
    today = timezone.now().date()
    pilots = list(selectors.pilot_list())
    params = dashboard_params(request.GET, pilots=pilots, today=today)
    scope = selectors.DashboardScope(
        user=request.user, start=params.start, end=params.end, pilot=params.pilot, today=today
    )
    return params, scope, pilots


def _query(params: DashboardParams, **extra: Any) -> str:
    from django.http import QueryDict

    q = QueryDict(mutable=True)
    q.update({"pilot": params.pilot_value, "start": params.start.isoformat(), "end": params.end.isoformat()})
    for key, value in extra.items():
        q[key] = str(value)
    return q.urlencode()


@login_required
@require_GET
def dashboard(request: HtmxHttpRequest) -> HttpResponse:
    try:
        params, scope, pilots = _params(request)
    except DateOutOfRange as exc:
        return out_of_range_response(str(exc))
    base = {
        "params": params,
        "scope": scope,
        "pilots": pilots,
        "query": _query(params),
        "breakdowns": BREAKDOWNS,
        "is_owner_view": not is_leader(request.user),
    }
    # Template variables cannot contain hyphens: figure "quality-weekly" is fig.quality_weekly.
    target = request.htmx.target if request.htmx else None
    if target == "breakdown":
        figure = figures.breakdown_figure(scope, params.dim, selectors.measures_by(scope, params.dim))
        return render(request, "measurement/dashboard.html#breakdown", {**base, "fig": {"breakdown": figure}})
    if target == "audit":
        figure = figures.audit_figure(scope, params.n, params.seed)
        return render(request, "measurement/dashboard.html#audit", {**base, "fig": {"audit": figure}})
    fig = figures.dashboard_figures(scope, dim=params.dim, audit_size=params.n, audit_seed=params.seed)
    return render(
        request,
        "measurement/dashboard.html",
        {
            **base,
            "fig": {key.replace("-", "_"): value for key, value in fig.items()},
            "totals": fig["totals"],
            "pilot_text": figures.pilot_text(params.pilot, scope.today),
        },
    )


@login_required
@require_GET
def dashboard_csv(request: HttpRequest, figure: str) -> HttpResponse:
    builder = figures.CSV_BUILDERS.get(figure)
    if builder is None:
        raise Http404("No such figure")
    try:
        params, scope, _ = _params(request)
    except DateOutOfRange as exc:
        return out_of_range_response(str(exc))
    result = builder(scope, dim=params.dim, n=params.n, seed=params.seed)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"{figure}-{params.start:%Y%m%d}-{params.end:%Y%m%d}"
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    writer = csv.writer(response)
    # Every export says what it is: its figure, range, scope and definition, then the table.
    writer.writerow(["# figure", result.title])
    writer.writerow(["# range", result.range_text])
    writer.writerow(["# pilot", params.pilot.name if params.pilot else "All accounts"])
    writer.writerow(["# definition", result.definition])
    writer.writerow(result.table.headers)
    for row in result.table.rows:
        writer.writerow([cell.raw for cell in row])
    return response


class _Echo:
    def write(self, value: str) -> str:
        return value


EVENT_COLUMNS = (
    "id",
    "occurred_at",
    "kind",
    "account",
    "account_name",
    "owner",
    "actor",
    "candidate",
    "signal_type",
    "recommendation",
    "score",
    "evidence",
    "data",
)


@login_required
@require_GET
def events_csv(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """Every event the user may see (owners: their own accounts), streamed in chunks."""
    form = EventFilterForm(request.GET)
    if not form.is_valid():
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        return HttpResponse(f"Bad filter: {errors}", status=400, content_type="text/plain; charset=utf-8")
    rows = selectors.events_list(user=request.user, filters=form.filters()).values_list(
        "pk",
        "occurred_at",
        "kind",
        "account__external_id",
        "account__name",
        "owner__email",
        "actor__email",
        "candidate_id",
        "signal_type",
        "recommendation",
        "score",
        "evidence",
        "data",
    )
    writer = csv.writer(_Echo())

    def stream() -> Iterator[str]:
        yield writer.writerow(EVENT_COLUMNS)
        for pk, at, kind, account, name, owner, actor, candidate, signal, rec, score, evidence, data in rows.iterator(
            chunk_size=2000
        ):
            yield writer.writerow(
                [
                    pk,
                    at.isoformat(),
                    kind,
                    account,
                    name,
                    owner or "",
                    actor or "",
                    candidate or "",
                    signal,
                    rec,
                    "" if score is None else score,
                    "|".join(map(str, evidence or [])),
                    json.dumps(data or {}, sort_keys=True),
                ]
            )

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="measurement-events-{timezone.now():%Y%m%d}.csv"'
    return response
