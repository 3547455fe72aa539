"""The account-planning summary: one account from its page, or a leader's set of accounts
as one printable document; each also as Markdown."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from core.http import HtmxHttpRequest
from core.roles import is_leader
from measurement.charts import sparkline
from planning import selectors
from planning.forms import PlanFilterForm
from planning.markdown import plan_markdown, plan_set_markdown
from planning.records import AccountPlan

CHART_WIDTH = 240
CHART_HEIGHT = 44


def weekly_means(values: list[float], week: int = 7) -> list[float]:
    """Averages of consecutive weeks, counted back from the latest reading (the first
    week may be shorter): the trend without the weekday/weekend saw-tooth."""
    if len(values) < 2 * week:
        return values
    out = []
    end = len(values)
    while end > 0:
        chunk = values[max(0, end - week) : end]
        out.append(sum(chunk) / len(chunk))
        end -= week
    return out[::-1]


def _charts(plans: list[AccountPlan]) -> dict[int, dict[str, Any]]:
    """Each usage trend's line (the account page's sparkline geometry, drawn larger)."""
    return {
        p.account.id: {
            u.metric: sparkline(weekly_means(u.values), width=CHART_WIDTH, height=CHART_HEIGHT) for u in p.usage
        }
        for p in plans
    }


def _markdown(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def account_plan(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    plan = selectors.account_plan(user=request.user, pk=pk)
    return render(
        request,
        "planning/plan.html",
        {"plans": [plan], "single": plan, "charts": _charts([plan]), "today": plan.as_of},
    )


@login_required
@require_GET
def account_plan_markdown(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    plan = selectors.account_plan(user=request.user, pk=pk)
    return _markdown(
        plan_markdown(plan),
        f"account-plan-{slugify(plan.account.external_id) or plan.account.id}-{plan.as_of:%Y-%m-%d}.md",
    )


def _filters(request: HtmxHttpRequest) -> tuple[PlanFilterForm, selectors.PlanFilters | None]:
    leader = is_leader(request.user)
    form = PlanFilterForm(request.GET if request.GET else None, leader=leader)
    if not request.GET:
        return form, selectors.PlanFilters()
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    owner = data.get("owner")
    return form, selectors.PlanFilters(
        renewal_within=int(data["renewal"]) if data["renewal"] else None,
        owner_id=owner.pk if owner is not None else None,
        segment=data["segment"],
    )


@login_required
@require_GET
def plans(request: HtmxHttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    if filters is None:
        return render(request, "planning/plans.html", {"form": form, "plans": [], "invalid": True}, status=400)
    plan_set = selectors.plan_set(user=request.user, filters=filters)
    return render(
        request,
        "planning/plans.html",
        {
            "form": form,
            "plan_set": plan_set,
            "plans": plan_set.plans,
            "charts": _charts(plan_set.plans),
            "query": request.GET.urlencode(),
            "today": timezone.now().date(),
        },
    )


@login_required
@require_GET
def plans_markdown(request: HtmxHttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    if filters is None:
        problems = "; ".join(f"{name}: {' '.join(str(e) for e in errors)}" for name, errors in form.errors.items())
        return HttpResponse(f"Not exported: {problems}", status=400, content_type="text/plain; charset=utf-8")
    plan_set = selectors.plan_set(user=request.user, filters=filters)
    today = timezone.now().date()
    return _markdown(
        plan_set_markdown(plan_set, title="Account plans for the next QBRs", today=today),
        f"account-plans-{today:%Y-%m-%d}.md",
    )
