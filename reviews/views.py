"""Thin views: parse, call one service, render. Pages work without JavaScript; with htmx
the same URLs answer with partials."""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from accounts.models import Account
from core import dates
from core.http import HtmxHttpRequest
from core.roles import is_leader, scope_accounts
from reviews import selectors
from reviews.forms import (
    ApproveForm,
    DeferForm,
    OutcomeForm,
    ReassignForm,
    RejectForm,
    active_owners,
)
from signals import lifecycle as services
from signals.engine.brief import BRIEF_PARTS, PART_TITLES
from signals.vocabulary import Recommendation, SignalType

PAGE_SIZE = 50
ACTIONS = {"approve": ApproveForm, "reject": RejectForm, "defer": DeferForm}


def _filters(request: HtmxHttpRequest) -> selectors.QueueFilters:
    """Unknown or malformed filter values fall back to 'any' rather than erroring."""
    get = request.GET
    renewal = get.get("renewal_within", "")
    owner = get.get("owner", "")
    return selectors.QueueFilters(
        signal_type=get.get("type", "") if get.get("type", "") in SignalType.values else "",
        recommendation=get.get("rec", "") if get.get("rec", "") in Recommendation.values else "",
        segment=get.get("segment", "")[:50],
        renewal_within=int(renewal) if renewal.isdigit() and int(renewal) <= 3650 else None,
        q=get.get("q", "").strip()[:100],
        status=get.get("status", "pending") if get.get("status") in selectors.STATUS_FILTERS else "pending",
        owner_id=int(owner) if owner.isdigit() and is_leader(request.user) else None,
    )


def _queue_context(request: HtmxHttpRequest) -> dict[str, Any]:
    filters = _filters(request)
    page = Paginator(selectors.queue_list(user=request.user, filters=filters), PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.queue_counts(user=request.user, filters=filters)
    params = request.GET.copy()
    params.pop("page", None)
    base = params.copy()
    base.pop("rec", None)
    return {
        "filters": filters,
        "page": page,
        "candidates": page.object_list,
        "counts": counts,
        "total": sum(counts.values()),
        "query": params.urlencode(),
        "query_without_rec": base.urlencode(),
        "signal_types": SignalType.choices,
        "recommendations": [(r, Recommendation(r).label) for r in selectors.QUEUE_ORDER],
        "segments": list(scope_accounts(Account.objects.all(), request.user).exclude(segment="")
                         .order_by("segment").values_list("segment", flat=True).distinct()),
        "next_return": selectors.next_deferred_return(user=request.user) if not page.object_list else None,
        "today": timezone.now().date(),
        "renewal_options": [30, 60, 90, 180, 365],
        "status_choices": [("pending", "Pending"), ("deferred", "Deferred"), ("decided", "Decided"), ("all", "All")],
    }


@login_required
@require_GET
def queue(request: HtmxHttpRequest) -> HttpResponse:
    context = _queue_context(request)
    if request.htmx and request.htmx.target == "queue-list":
        return render(request, "reviews/queue.html#queue-list", context)
    return render(request, "reviews/queue.html", context)


def _detail_context(request: HtmxHttpRequest, candidate: Any, **extra: Any) -> dict[str, Any]:
    evidence = selectors.evidence_items(candidate)
    context = {
        "candidate": candidate,
        "account": candidate.account,
        "evidence": evidence,
        "brief_parts": [(part, PART_TITLES[part], candidate.brief.get(part, [])) for part in BRIEF_PARTS],
        "is_owner": candidate.account.owner_id == request.user.pk,
        "decidable": candidate.status in services.DECIDABLE,
        "needs_override": candidate.recommendation in services.OVERRIDE_NEEDED,
        "approve_form": ApproveForm(initial={"version": candidate.version,
                                             "next_step": " ".join(s["text"] for s in candidate.brief.get("next_step", []))}),
        "reject_form": RejectForm(initial={"version": candidate.version}),
        "defer_form": DeferForm(initial={"version": candidate.version,
                                         "defer_until": (timezone.now().date() + dt.timedelta(days=30)).isoformat()}),
        "outcome_form": OutcomeForm(),
        "open_form": "",
        "today": timezone.now().date(),
        **selectors.candidate_context(candidate),
    }
    context.update(extra)
    return context


def _render_detail(request: HtmxHttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    if request.htmx and not request.htmx.boosted:
        return render(request, "reviews/candidate.html#detail", context, status=status)
    return render(request, "reviews/candidate.html", context, status=status)


@login_required
@require_GET
def candidate_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    candidate = selectors.candidate_get(user=request.user, pk=pk)
    services.candidate_mark_viewed(candidate_id=candidate.pk, user=request.user)
    return _render_detail(request, _detail_context(request, candidate))


def _message(response: HttpResponse, level: str, text: str) -> HttpResponse:
    return trigger_client_event(response, "showMessage", {"level": level, "text": text})


@login_required
@require_POST
def candidate_decide(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Approve, reject or defer: one view, the action named by the button."""
    candidate = selectors.candidate_get(user=request.user, pk=pk)
    action = request.POST.get("action", "")
    if action not in ACTIONS:
        return HttpResponse("Unknown action.", status=400)
    form = ACTIONS[action](request.POST)
    try:
        if not form.is_valid():
            raise services.DecisionError({})
        data = form.cleaned_data
        version = data.get("version")
        if action == "approve":
            candidate = services.candidate_approve(
                candidate_id=pk, user=request.user, expected_version=version,
                next_step=services.NextStep(data["next_step"], data["next_step_who"], data["next_step_due"]),
                consent_reviewed=data["consent_reviewed"], override_reason=data["override_reason"],
            )
            text = f"Approved. Next step recorded for {candidate.account.name}; nothing was sent to the customer."
        elif action == "reject":
            candidate = services.candidate_reject(candidate_id=pk, user=request.user, expected_version=version,
                                               reason_code=data["reason_code"], note=data["note"])
            text = f"Rejected: {candidate.account.name} · {candidate.get_signal_type_display()}."
        else:
            candidate = services.candidate_defer(candidate_id=pk, user=request.user, expected_version=version,
                                              until=data["defer_until"], reason=data["reason"])
            text = f"Deferred to {candidate.defer_until:%-d %b %Y}; it comes back to your queue then."
    except services.NotAllowed as exc:
        return _message(HttpResponseForbidden(str(exc)), "error", str(exc))
    except services.DecisionError as exc:
        for field_name, error in exc.errors.items():
            form.add_error(field_name if field_name in form.fields else None, error)
        context = _detail_context(request, candidate, open_form=action, **{f"{action}_form": form})
        response = _render_detail(request, context, status=400)
        return _message(response, "error", "Not saved: please correct the highlighted fields.")
    except services.DecisionConflict as exc:
        context = _detail_context(request, exc.candidate, conflict=str(exc))
        response = _render_detail(request, context, status=409)
        return _message(response, "error", str(exc))
    if not request.htmx:
        messages.success(request, text)
        return redirect(reverse("queue") + (f"?{request.POST['next']}" if request.POST.get("next") else ""))
    context = _detail_context(request, candidate, just_decided=True)
    response = render(request, "reviews/candidate.html#detail", context)
    return _message(response, "success", text)


@login_required
@require_POST
def candidate_outcome(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    candidate = selectors.candidate_get(user=request.user, pk=pk)
    form = OutcomeForm(request.POST)
    try:
        if not form.is_valid():
            raise services.DecisionError({})
        data = form.cleaned_data
        candidate = services.follow_up_log(
            candidate_id=pk, user=request.user, kind=data["kind"], response=data["response"] or "",
            opportunity=data["opportunity"], amount=data["amount"], note=data["note"], occurred_on=data["occurred_on"],
        )
    except services.NotAllowed as exc:
        return _message(HttpResponseForbidden(str(exc)), "error", str(exc))
    except services.DecisionError as exc:
        for field_name, error in exc.errors.items():
            form.add_error(field_name if field_name in form.fields else None, error)
        response = _render_detail(request, _detail_context(request, candidate, outcome_form=form, open_form="outcome"), 400)
        return _message(response, "error", "Not logged: please correct the highlighted fields.")
    except services.DecisionConflict as exc:
        response = _render_detail(request, _detail_context(request, exc.candidate, conflict=str(exc)), 409)
        return _message(response, "error", str(exc))
    text = "Logged. It counts toward the pilot's measurement."
    if not request.htmx:
        messages.success(request, text)
        return redirect("candidate-detail", pk=pk)
    return _message(_render_detail(request, _detail_context(request, candidate)), "success", text)


@login_required
@require_POST
def follow_up_correct(request: HtmxHttpRequest, pk: int, event_id: int) -> HttpResponse:
    """Withdraw a follow-up logged by mistake (an appended correction)."""
    candidate = selectors.candidate_get(user=request.user, pk=pk)
    try:
        candidate = services.follow_up_correct(candidate_id=pk, user=request.user, event_id=event_id,
                                               reason=request.POST.get("reason", ""))
    except services.NotAllowed as exc:
        return _message(HttpResponseForbidden(str(exc)), "error", str(exc))
    except services.DecisionError as exc:
        text = " ".join(exc.errors.values())
        if not request.htmx:
            messages.error(request, f"Not corrected: {text}")
            return redirect("candidate-detail", pk=pk)
        return _message(_render_detail(request, _detail_context(request, candidate), 400), "error",
                        f"Not corrected: {text}")
    except services.DecisionConflict as exc:
        return _message(_render_detail(request, _detail_context(request, exc.candidate, conflict=str(exc)), 409),
                        "error", str(exc))
    text = "Corrected. The entry stays in the history and no longer counts."
    if not request.htmx:
        messages.success(request, text)
        return redirect("candidate-detail", pk=pk)
    return _message(_render_detail(request, _detail_context(request, candidate)), "success", text)


@login_required
@require_GET
def triage(request: HtmxHttpRequest) -> HttpResponse:
    if not is_leader(request.user):
        raise Http404
    page = Paginator(selectors.triage_list(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reviews/triage.html", {"page": page, "candidates": page.object_list,
                                                   "reassign_form": ReassignForm(), "today": timezone.now().date()})


@login_required
@require_POST
def account_reassign(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    if not is_leader(request.user):
        raise Http404
    account = scope_accounts(Account.objects.all(), request.user).filter(pk=pk).first()
    if account is None:
        raise Http404
    form = ReassignForm(request.POST)
    if not form.is_valid():
        text = " ".join(str(e) for errors in form.errors.values() for e in errors)
        if request.htmx:
            return _message(HttpResponse(status=400), "error", f"Not reassigned: {text}")
        messages.error(request, f"Not reassigned: {text}")
        return redirect(_back(request))
    try:
        services.account_reassign(account_id=pk, user=request.user, new_owner_id=form.cleaned_data["owner"].pk)
    except services.DecisionError as exc:
        messages.error(request, " ".join(exc.errors.values()))
        return redirect("triage")
    text = f"{account.name} is now owned by {form.cleaned_data['owner'].get_full_name() or form.cleaned_data['owner']}."
    if request.htmx:
        response = HttpResponse("")
        return _message(response, "success", text)
    messages.success(request, text)
    return redirect(_back(request))


def _back(request: HtmxHttpRequest) -> str:
    """The form's `back` if it is a page of this site, else triage: the field is sent by
    the client, so it must not become an open redirect (`https://evil.example/`, `/\\evil`)."""
    back = request.POST.get("back", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                                 require_https=request.is_secure()):
        return back
    return reverse("triage")



def _month(request: HtmxHttpRequest) -> dt.date | None:
    """The month asked for (a typo falls back to this month); None for a month outside
    the dates the app computes with, which the views refuse with a 400."""
    raw = request.GET.get("month", "")
    try:
        month = dt.date.fromisoformat(f"{raw}-01") if raw else timezone.now().date().replace(day=1)
    except ValueError:
        return timezone.now().date().replace(day=1)
    return month if dates.EARLIEST <= month <= dates.LATEST else None


MONTH_OUT_OF_RANGE = (f"The month must be between {dates.EARLIEST:%Y-%m} and {dates.LATEST:%Y-%m}, "
                      "written as YYYY-MM.")


@login_required
@require_GET
def monthly_review(request: HtmxHttpRequest) -> HttpResponse:
    from reviews.monthly import monthly_review as build

    month = _month(request)
    if month is None:
        return dates.out_of_range_response(MONTH_OUT_OF_RANGE)
    owner = request.GET.get("owner", "")
    owner_id = int(owner) if owner.isdigit() and is_leader(request.user) else None
    reviews = build(user=request.user, month=month, owner_id=owner_id)
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    following = (month + dt.timedelta(days=32)).replace(day=1)
    return render(request, "reviews/monthly.html", {
        "reviews": reviews, "month": month, "previous": previous,
        "following": following if following <= timezone.now().date() else None,
        "owners": active_owners() if is_leader(request.user) else [],
        "owner_id": owner_id,
    })


@login_required
@require_GET
def monthly_review_csv(request: HtmxHttpRequest) -> HttpResponse:
    from core import csv
    from reviews.monthly import monthly_review as build

    month = _month(request)
    if month is None:
        return dates.out_of_range_response(MONTH_OUT_OF_RANGE)
    owner = request.GET.get("owner", "")
    owner_id = int(owner) if owner.isdigit() and is_leader(request.user) else None
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="monthly-review-{month:%Y-%m}.csv"'
    writer = csv.writer(response)
    writer.writerow(["account", "account_name", "owner", "usage_trend", "outcomes", "stakeholder_requests",
                     "unresolved_risk", "next_step"])
    for r in build(user=request.user, month=month, owner_id=owner_id):
        writer.writerow([
            r.account.external_id, r.account.name, r.account.owner.email if r.account.owner else "",
            r.trend_text,
            " | ".join(f"{o.title}{' (verified)' if o.verified else ''}" for o in r.outcomes),
            " | ".join(f"{m.occurred_at:%Y-%m-%d} {m.contact.name if m.contact else 'customer'}: {m.text[:200]}" for m in r.requests),
            " | ".join(r.risks),
            " | ".join(r.next_steps),
        ])
    return response
