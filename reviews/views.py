"""Thin views: parse, call one service, render. Pages work without JavaScript; with htmx
the same URLs answer with partials."""

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseForbidden, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import push_url, trigger_client_event

from accounts.models import Account
from core import dates
from core.http import HtmxHttpRequest
from core.roles import is_leader, scope_accounts
from plays.selectors import play_for_candidate
from reviews import selectors
from reviews import services as review_services
from reviews.forms import (
    ApproveForm,
    DeferForm,
    OutcomeForm,
    ReassignForm,
    RejectForm,
    active_owners,
    who_prefill,
)
from reviews.models import SavedView
from reviews.queue_rows import queue_rows_html
from signals import lifecycle as services
from signals.engine.brief import BRIEF_PARTS, PART_TITLES
from signals.vocabulary import Recommendation, SignalType

PAGE_SIZE = 50
# The queue's filter parameters; decision forms send them along (hx-include) so the
# counts and the next candidate follow the list the owner is working through.
FILTER_PARAMS = ("q", "type", "rec", "segment", "renewal_within", "status", "owner")
ACTIONS = {"approve": ApproveForm, "reject": RejectForm, "defer": DeferForm}


def _filters(request: HtmxHttpRequest, params: QueryDict | None = None) -> selectors.QueueFilters:
    """Unknown or malformed filter values fall back to 'any' rather than erroring."""
    get = request.GET if params is None else params
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


def _tabs_context(request: HtmxHttpRequest, params: QueryDict, *, cached: bool = True) -> dict[str, Any]:
    """The recommendation tabs with their counts (also swapped out of band after a decision)."""
    filters = _filters(request, params)
    counts, overdue = selectors.tab_counts(user=request.user, filters=filters, cached=cached)
    base = QueryDict(mutable=True)
    for name in FILTER_PARAMS:
        if params.get(name) and name != "rec":
            base[name] = params.get(name, "")
    return {
        "queue_url": reverse("queue"),  # once, not in each of the ~20 links that use it
        "filters": filters,
        "counts": counts,
        "total": sum(counts.values()),
        "query_without_rec": base.urlencode(),
        "recommendations": [(r, Recommendation(r).label) for r in selectors.QUEUE_ORDER],
        "overdue_count": overdue,
        "overdue_query": urlencode({k: v for k, v in base.items() if k != "status"} | {"status": "overdue"}),
    }


def _queue_context(request: HtmxHttpRequest) -> dict[str, Any]:
    tabs = _tabs_context(request, request.GET)
    filters = tabs["filters"]
    paginator = Paginator(selectors.queue_rows(user=request.user, filters=filters), PAGE_SIZE)
    # The tabs have just counted these rows (all of them, and per recommendation): the
    # paginator need not count them again.
    paginator.count = tabs["counts"].get(filters.recommendation, 0) if filters.recommendation else tabs["total"]
    page = paginator.get_page(request.GET.get("page"))
    rows = list(page.object_list)
    params = request.GET.copy()
    params.pop("page", None)
    undo = request.session.pop("undo", None) if not request.htmx else None
    return {
        **tabs,
        "page": page,
        "candidates": rows,
        "rows_html": queue_rows_html(rows, show_owner=is_leader(request.user)),
        "query": params.urlencode(),
        "undo": undo if undo and dt.datetime.fromisoformat(undo["until"]) > timezone.now() else None,
        "signal_types": SignalType.choices,
        "segments": selectors.queue_segments(user=request.user),
        "next_return": selectors.next_deferred_return(user=request.user) if not page.object_list else None,
        "today": timezone.now().date(),
        "renewal_options": [30, 60, 90, 180, 365],
        "saved_views": list(SavedView.objects.filter(user_id=request.user.pk or 0)),
        "owners": list(active_owners()) if is_leader(request.user) else [],
        "bulk_reasons": True,
        "status_choices": [
            ("pending", "Pending"),
            ("deferred", "Deferred"),
            ("decided", "Decided"),
            ("overdue", "Overdue next steps"),
            ("all", "All"),
        ],
    }


@login_required
@require_GET
def queue(request: HtmxHttpRequest) -> HttpResponse:
    context = _queue_context(request)
    if request.htmx and request.htmx.target == "queue-list":
        return render(request, "reviews/queue.html#queue-list", context)
    return render(request, "reviews/queue.html", context)


def _defer_presets(candidate: Any, today: dt.date) -> list[tuple[str, dt.date]]:
    presets = [("In a week", today + dt.timedelta(days=7))]
    renewal = candidate.account.renewal_date
    if renewal and today < renewal + dt.timedelta(days=1) <= today + dt.timedelta(days=services.MAX_DEFER_DAYS):
        presets.append(("After the renewal", renewal + dt.timedelta(days=1)))
    return presets


def _detail_context(request: HtmxHttpRequest, candidate: Any, **extra: Any) -> dict[str, Any]:
    today = timezone.now().date()
    stop_advised = candidate.recommendation == Recommendation.STOP
    evidence = selectors.evidence_items(candidate)
    play = play_for_candidate(candidate)
    # The play's next step pre-fills the form (the brief's when no play applies); a
    # re-rendered form keeps what the owner typed.
    prefill = play.next_step if play else " ".join(s["text"] for s in candidate.brief.get("next_step", []))
    context = {
        "candidate": candidate,
        "account": candidate.account,
        "evidence": evidence,
        "brief_parts": [(part, PART_TITLES[part], candidate.brief.get(part, [])) for part in BRIEF_PARTS],
        "is_owner": candidate.account.owner_id == request.user.pk,
        "decidable": candidate.status in services.DECIDABLE,
        "needs_override": candidate.recommendation in services.OVERRIDE_NEEDED,
        # Against Stop the brief's next step says not to raise it: the owner writes their own.
        "approve_form": ApproveForm(
            initial={
                "version": candidate.version,
                "next_step": "" if stop_advised else prefill,
                "next_step_who": who_prefill(
                    play.involve if play else "", candidate.review_facts.stakeholders if candidate.review_facts else []
                ),
            }
        ),
        "stop_advised": stop_advised,
        "play": play,
        "max_text": services.MAX_TEXT,
        "max_who": services.MAX_WHO,
        "reject_form": RejectForm(initial={"version": candidate.version}),
        "defer_form": DeferForm(
            initial={"version": candidate.version, "defer_until": (today + dt.timedelta(days=30)).isoformat()}
        ),
        "outcome_form": OutcomeForm(),
        "open_form": "",
        "today": today,
        "defer_presets": _defer_presets(candidate, today),
        "can_undo": (candidate.decided_by_id == request.user.pk and services.undo_deadline(candidate) is not None),
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
    # A browser prefetching the link (speculation rules, <link rel=prefetch>, Firefox's
    # X-Moz) is not the owner opening the candidate: no "reviewed" event for it.
    if not _is_prefetch(request):
        services.candidate_mark_viewed(candidate_id=candidate.pk, user=request.user)
    return _render_detail(request, _detail_context(request, candidate))


def _is_prefetch(request: HtmxHttpRequest) -> bool:
    purpose = request.headers.get("Sec-Purpose") or request.headers.get("Purpose") or request.headers.get("X-Moz", "")
    return "prefetch" in purpose.lower()


def _form_problems(form: Any) -> str:
    """What is wrong, field by field, in the words shown beside each field."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts.append(f"{label}: {' '.join(errors)}" if label else " ".join(errors))
    return " · ".join(parts) or "please check the form."


def _message(response: HttpResponse, level: str, text: str) -> HttpResponse:
    return trigger_client_event(response, "showMessage", {"level": level, "text": text})


@login_required
@require_POST
def candidate_decide(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Approve, reject or defer: one view, the action named by the button."""
    action = request.POST.get("action", "")
    following, listed = _following(request, pk, _decision_params(request)) if request.htmx else ([], False)
    # `_following` read the user's own queue: a candidate listed there is one they may
    # see; any other is checked on its own (404 if not theirs).
    if not listed:
        selectors.candidate_check(user=request.user, pk=pk)
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
                candidate_id=pk,
                user=request.user,
                expected_version=version,
                next_step=services.NextStep(data["next_step"], data["next_step_who"], data["next_step_due"]),
                consent_reviewed=data["consent_reviewed"],
                override_reason=data["override_reason"],
                message=data["message"],
                message_as_written=data["message_as_written"],
            )
            text = f"Approved. Next step recorded for {candidate.account.name}; nothing was sent to the customer."
        elif action == "reject":
            candidate = services.candidate_reject(
                candidate_id=pk,
                user=request.user,
                expected_version=version,
                reason_code=data["reason_code"],
                note=data["note"],
            )
            text = f"Rejected: {candidate.account.name} · {candidate.get_signal_type_display()}."
        else:
            candidate = services.candidate_defer(
                candidate_id=pk,
                user=request.user,
                expected_version=version,
                until=data["defer_until"],
                reason=data["reason"],
                ticket=data["defer_ticket"],
            )
            if candidate.defer_ticket_id:
                text = (
                    f"Deferred until ticket {data['defer_ticket']} is closed (at the latest "
                    f"{candidate.defer_until:%-d %b %Y})."
                )
            else:
                text = f"Deferred to {candidate.defer_until:%-d %b %Y}; it comes back to your queue then."
    except services.NotAllowed as exc:
        return _message(HttpResponseForbidden(str(exc)), "error", str(exc))
    except services.DecisionError as exc:
        for field_name, error in exc.errors.items():
            form.add_error(field_name if field_name in form.fields else None, error)
        candidate = selectors.candidate_get(user=request.user, pk=pk)
        context = _detail_context(request, candidate, open_form=action, **{f"{action}_form": form})
        response = _render_detail(request, context, status=400)
        return _message(response, "error", f"Not saved: {_form_problems(form)}")
    except services.DecisionConflict as exc:
        context = _detail_context(request, exc.candidate, conflict=str(exc))
        response = _render_detail(request, context, status=409)
        return _message(response, "error", str(exc))
    undo = None
    if action != "approve":
        undo = {
            "url": reverse("candidate-undo", args=[candidate.pk]),
            "version": candidate.version,
            "seconds": services.UNDO_SECONDS,
            "text": text,
        }
    if not request.htmx:
        messages.success(request, text)
        if undo:
            request.session["undo"] = {
                **undo,
                "until": (timezone.now() + dt.timedelta(seconds=services.UNDO_SECONDS)).isoformat(),
            }
        return redirect(reverse("queue") + (f"?{request.POST['next']}" if request.POST.get("next") else ""))
    return _after_decision(request, candidate, following, text, undo)


def _following(request: HtmxHttpRequest, pk: int, params: QueryDict) -> tuple[list[int], bool]:
    """The queue as the owner sees it, from the decided candidate on: the next one
    opens after the decision (auto-advance), the one before it at the end of the list;
    and whether the candidate itself is listed (so the user may see it)."""
    ids = list(
        selectors.queue_list(user=request.user, filters=_filters(request, params)).values_list("pk", flat=True)[:1000]
    )
    if pk not in ids:
        return ids, False
    i = ids.index(pk)
    return [*ids[i + 1 :], *reversed(ids[:i])], True


def _after_decision(
    request: HtmxHttpRequest, candidate: Any, following: list[int], text: str, undo: dict[str, Any] | None
) -> HttpResponse:
    """The pane opens the next candidate (loading it with its own request); out of band,
    the decided row leaves the list and the tabs show the new counts."""
    params = _decision_params(request)
    still_listed = set(
        selectors.queue_list(user=request.user, filters=_filters(request, params))
        .filter(pk__in=following[:20])
        .exclude(pk=candidate.pk)
        .values_list("pk", flat=True)
    )
    upcoming = next((pk for pk in following if pk in still_listed), None)
    tabs = render_to_string(
        "reviews/queue.html#rec-tabs", {**_tabs_context(request, params, cached=False), "oob": True}, request=request
    )
    gone = f'<template><tr id="candidate-{candidate.pk}" hx-swap-oob="delete"></tr></template>'
    if upcoming is not None:
        # The next candidate's panel (20-odd queries, most of a decision's cost when it was
        # rendered here) comes with its own GET, which also checks access and records
        # that the owner opened it; this answer only names it.
        url = reverse("candidate-detail", args=[upcoming])
        pane = render_to_string("reviews/_detail_next.html", {"url": url})
    else:
        pane = render_to_string(
            "reviews/_detail_done.html",
            {"next_return": selectors.next_deferred_return(user=request.user)},
            request=request,
        )
        url = reverse("queue") + (f"?{params.urlencode()}" if params else "")
    response = push_url(HttpResponse(pane + gone + tabs), url)
    payload: dict[str, Any] = {"level": "success", "text": text}
    if undo:
        payload["undo"] = undo
    return trigger_client_event(response, "showMessage", payload)


def _decision_params(request: HtmxHttpRequest) -> QueryDict:
    params = QueryDict(mutable=True)
    for name in FILTER_PARAMS:
        if request.POST.get(name):
            params[name] = request.POST[name]
    return params


@login_required
@require_POST
def candidate_undo(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Take back a rejection or deferral (the Undo toast, or the button on the page)."""
    candidate = selectors.candidate_get(user=request.user, pk=pk)
    version = request.POST.get("version", "")
    try:
        candidate = services.candidate_undo(
            candidate_id=pk, user=request.user, expected_version=int(version) if version.isdigit() else None
        )
    except services.NotAllowed as exc:
        return _message(HttpResponseForbidden(str(exc)), "error", str(exc))
    except (services.DecisionError, services.DecisionConflict) as exc:
        text = " ".join(exc.errors.values()) if isinstance(exc, services.DecisionError) else str(exc)
        if not request.htmx:
            messages.error(request, f"Not undone: {text}")
            return redirect("candidate-detail", pk=pk)
        current = selectors.candidate_get(user=request.user, pk=pk)
        return _message(_render_detail(request, _detail_context(request, current), 409), "error", f"Not undone: {text}")
    text = f"Undone: {candidate.account.name} · {candidate.get_signal_type_display()} is back in your queue."
    if not request.htmx:
        messages.success(request, text)
        return redirect("candidate-detail", pk=pk)
    response = push_url(
        _render_detail(request, _detail_context(request, candidate)), reverse("candidate-detail", args=[pk])
    )
    response = trigger_client_event(response, "queueChanged", {})
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
            candidate_id=pk,
            user=request.user,
            kind=data["kind"],
            response=data["response"] or "",
            opportunity=data["opportunity"],
            amount=data["amount"],
            note=data["note"],
            occurred_on=data["occurred_on"],
        )
    except services.NotAllowed as exc:
        return _message(HttpResponseForbidden(str(exc)), "error", str(exc))
    except services.DecisionError as exc:
        for field_name, error in exc.errors.items():
            form.add_error(field_name if field_name in form.fields else None, error)
        response = _render_detail(
            request, _detail_context(request, candidate, outcome_form=form, open_form="outcome"), 400
        )
        return _message(response, "error", f"Not logged: {_form_problems(form)}")
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
        candidate = services.follow_up_correct(
            candidate_id=pk, user=request.user, event_id=event_id, reason=request.POST.get("reason", "")
        )
    except services.NotAllowed as exc:
        return _message(HttpResponseForbidden(str(exc)), "error", str(exc))
    except services.DecisionError as exc:
        text = " ".join(exc.errors.values())
        if not request.htmx:
            messages.error(request, f"Not corrected: {text}")
            return redirect("candidate-detail", pk=pk)
        return _message(
            _render_detail(request, _detail_context(request, candidate), 400), "error", f"Not corrected: {text}"
        )
    except services.DecisionConflict as exc:
        return _message(
            _render_detail(request, _detail_context(request, exc.candidate, conflict=str(exc)), 409), "error", str(exc)
        )
    text = "Corrected. The entry stays in the history and no longer counts."
    if not request.htmx:
        messages.success(request, text)
        return redirect("candidate-detail", pk=pk)
    return _message(_render_detail(request, _detail_context(request, candidate)), "success", text)


def _back_to_queue(request: HtmxHttpRequest) -> str:
    back = request.POST.get("back", "")
    return reverse("queue") + (f"?{back}" if back and not back.startswith(("/", "http")) else "")


@login_required
@require_POST
def saved_view_save(request: HtmxHttpRequest) -> HttpResponse:
    params = QueryDict(request.POST.get("back", ""))
    try:
        view = review_services.saved_view_save(user=request.user, name=request.POST.get("name", ""), params=params)
    except services.DecisionError as exc:
        messages.error(request, f"Not saved: {' '.join(exc.errors.values())}")
        return redirect(_back_to_queue(request))
    messages.success(request, f"Saved the view “{view.name}”.")
    return redirect(reverse("queue") + (f"?{view.query}" if view.query else ""))


@login_required
@require_POST
def saved_view_delete(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    if not review_services.saved_view_delete(user=request.user, view_id=pk):
        raise Http404
    messages.success(request, "View deleted.")
    return redirect(_back_to_queue(request))


BULK_ACTIONS = {"assign": "Assign an owner", "reject_duplicate": "Reject as duplicate"}


@login_required
@require_POST
def queue_bulk(request: HtmxHttpRequest) -> HttpResponse:
    """Bulk actions on the selected rows, after a confirmation page that lists them."""
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()][: review_services.BULK_LIMIT]
    action = request.POST.get("bulk_action", "")
    chosen = list(
        selectors.candidates_for(request.user)
        .filter(pk__in=ids, status__in=services.DECIDABLE)
        .select_related("account", "account__owner")
        .order_by("account__name", "pk")
    )
    owner_field = ReassignForm({"owner": request.POST.get("owner", "")}) if action == "assign" else None
    problems = []
    if not chosen:
        problems.append("Select at least one open candidate.")
    if action not in BULK_ACTIONS or (action == "assign" and not is_leader(request.user)):
        problems.append("Choose what to do with the selected candidates.")
    if owner_field is not None and not owner_field.is_valid():
        problems.append("Choose the new owner.")
    if action == "reject_duplicate" and not request.POST.get("note", "").strip():
        problems.append("Say what they duplicate; the note goes on every rejection.")
    # Only an account's owner rejects its candidates (a product decision): a leader's
    # selection of other owners' candidates is refused before the confirmation page.
    if action == "reject_duplicate" and chosen and not any(c.account.owner_id == request.user.pk for c in chosen):
        problems.append(
            "Only an account's owner can reject its candidates, and none of the selected accounts is yours: "
            "assign them to the right owner instead, or ask their owner."
        )
    if problems:
        messages.error(request, "Nothing changed: " + " ".join(problems))
        return redirect(_back_to_queue(request))
    owner = owner_field.cleaned_data["owner"] if owner_field is not None else None
    if request.POST.get("confirm") != "yes":
        return render(
            request,
            "reviews/bulk_confirm.html",
            {
                "candidates": chosen,
                "action": action,
                "action_name": BULK_ACTIONS[action],
                "owner": owner,
                "note": request.POST.get("note", ""),
                "back": request.POST.get("back", ""),
                "accounts": len({c.account_id for c in chosen}),
                "skipped": [c for c in chosen if c.account.owner_id != request.user.pk]
                if action == "reject_duplicate"
                else [],
            },
        )
    try:
        result = review_services.candidates_bulk(
            user=request.user,
            candidates=chosen,
            action=action,
            owner_id=owner.pk if owner else None,
            note=request.POST.get("note", ""),
        )
    except services.NotAllowed as exc:
        raise PermissionDenied(str(exc)) from None
    except services.DecisionError as exc:
        messages.error(request, "Nothing changed: " + " ".join(exc.errors.values()))
        return redirect(_back_to_queue(request))
    done = len(result.done)
    text = (
        f"{BULK_ACTIONS[action]}: {done} candidate{'s' if done != 1 else ''} done"
        + (f" to {owner.get_full_name() or owner.username}" if owner else "")
        + "."
    )
    if result.skipped:
        text += " Skipped: " + "; ".join(f"{c.account.name} ({why})" for c, why in result.skipped) + "."
    messages.success(request, text)
    return redirect(_back_to_queue(request))


@login_required
@require_GET
def account_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    data = selectors.account_page(user=request.user, pk=pk)
    return render(
        request, "reviews/account.html", {"page": data, "account": data.account, "today": timezone.now().date()}
    )


@login_required
@require_GET
def triage(request: HtmxHttpRequest) -> HttpResponse:
    if not is_leader(request.user):
        raise Http404
    page = Paginator(selectors.triage_list(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reviews/triage.html",
        {"page": page, "candidates": page.object_list, "reassign_form": ReassignForm(), "today": timezone.now().date()},
    )


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
    if back and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
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


MONTH_OUT_OF_RANGE = f"The month must be between {dates.EARLIEST:%Y-%m} and {dates.LATEST:%Y-%m}, written as YYYY-MM."


@login_required
@require_GET
def monthly_review(request: HtmxHttpRequest) -> HttpResponse:
    from reviews.monthly import monthly_review as build
    from reviews.monthly import monthly_summary

    month = _month(request)
    if month is None:
        return dates.out_of_range_response(MONTH_OUT_OF_RANGE)
    owner = request.GET.get("owner", "")
    owner_id = int(owner) if owner.isdigit() and is_leader(request.user) else None
    reviews = build(user=request.user, month=month, owner_id=owner_id)
    summary = monthly_summary(user=request.user, month=month, reviews=reviews)
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    following = (month + dt.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "reviews/monthly.html",
        {
            "reviews": reviews,
            "summary": summary,
            "month": month,
            "previous": previous,
            "following": following if following <= timezone.now().date() else None,
            "owners": active_owners() if is_leader(request.user) else [],
            "owner_id": owner_id,
        },
    )


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
    writer.writerow(
        [
            "account",
            "account_name",
            "owner",
            "usage_trend",
            "outcomes",
            "stakeholder_requests",
            "unresolved_risk",
            "next_step",
            "follow_ups",
            "decisions",
        ]
    )
    for r in build(user=request.user, month=month, owner_id=owner_id):
        writer.writerow(
            [
                r.account.external_id,
                r.account.name,
                r.account.owner.email if r.account.owner else "",
                r.trend_text,
                " | ".join(f"{o.title}{' (verified)' if o.verified else ''}" for o in r.outcomes),
                " | ".join(
                    f"{m.occurred_at:%Y-%m-%d} {m.contact.name if m.contact else 'customer'}: {m.text[:200]}"
                    for m in r.requests
                ),
                " | ".join(r.risks),
                " | ".join(r.next_steps),
                " | ".join(
                    f"{e.occurred_at:%Y-%m-%d} {e.get_kind_display()}"
                    + (f" {e.data['amount']} {e.data.get('currency', '')}".rstrip() if e.data.get("amount") else "")
                    for e in r.follow_ups
                ),
                " | ".join(
                    f"{d.decided_at:%Y-%m-%d} {d.get_kind_display()} {d.candidate.get_signal_type_display()}"
                    + (f" (why: {d.override_reason})" if d.override_reason else "")
                    for d in r.decisions
                ),
            ]
        )
    return response
