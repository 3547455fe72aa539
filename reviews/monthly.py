"""The monthly expansion review (the seed's best first version): per owner, each account
with activity in the month, with its usage trend, outcomes, stakeholder requests,
unresolved risk and next step. A fixed number of queries for any number of accounts."""

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from accounts.models import (
    UNRESOLVED_TICKET_STATUSES,
    Account,
    Interaction,
    Outcome,
    Ticket,
    UsageDaily,
)
from core.roles import AnyUser, is_leader, scope_accounts
from measurement.models import FOLLOW_UP_KINDS, MeasurementEvent
from reviews.models import Decision, DecisionKind
from signals.models import Candidate
from signals.vocabulary import CandidateStatus


@dataclass
class AccountReview:
    account: Account
    usage_now: float | None = None
    usage_before: float | None = None
    outcomes: list[Outcome] = field(default_factory=list)
    requests: list[Interaction] = field(default_factory=list)
    risks: list[str] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    next_steps: list[str] = field(default_factory=list)
    # What the owner logged after an approval, dated in the month (withdrawn ones left out).
    follow_ups: list[MeasurementEvent] = field(default_factory=list)
    # Decisions dated in the month that still stand, with the override reason if any.
    decisions: list[Decision] = field(default_factory=list)
    overdue: int = 0

    @property
    def approved_against(self) -> list[Decision]:
        return [d for d in self.decisions if d.override_reason]

    @property
    def usage_change(self) -> float | None:
        if not self.usage_before or self.usage_now is None:
            return None
        return (self.usage_now - self.usage_before) / self.usage_before

    @property
    def trend_text(self) -> str:
        change = self.usage_change
        if change is None:
            return "no usage data" if self.usage_now is None else f"{self.usage_now:,.0f} active users a day"
        direction = "up" if change > 0.02 else "down" if change < -0.02 else "flat"
        return f"{self.usage_now:,.0f} active users a day, {direction} {abs(change):.0%} on the month before"


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return first, last


def monthly_review(*, user: AnyUser, month: dt.date, owner_id: int | None = None) -> list[AccountReview]:
    first, last = month_bounds(month)
    start = dt.datetime.combine(first, dt.time.min, tzinfo=dt.UTC)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
    accounts = scope_accounts(Account.objects.select_related("owner"), user)
    if not is_leader(user):
        accounts = accounts.filter(owner_id=user.pk)
    elif owner_id:
        accounts = accounts.filter(owner_id=owner_id)
    followed_up = MeasurementEvent.objects.filter(
        kind__in=FOLLOW_UP_KINDS, occurred_at__gte=start, occurred_at__lt=end
    ).values("account_id")
    active = (
        accounts.filter(
            Q(candidates__updated_at__gte=start, candidates__updated_at__lt=end, candidates__held_out=False)
            | Q(interactions__occurred_at__gte=start, interactions__occurred_at__lt=end)
            | Q(outcomes__recorded_at__gte=start, outcomes__recorded_at__lt=end)
            | Q(tickets__opened_at__gte=start, tickets__opened_at__lt=end)
            | Q(pk__in=followed_up)
        )
        .distinct()
        .order_by("name")
    )
    reviews = {a.pk: AccountReview(a) for a in active}
    ids = list(reviews)
    if not ids:
        return []
    prev_first = (first - dt.timedelta(days=1)).replace(day=1)
    # Daily totals across departments, then the month's average per account.
    daily: dict[int, dict[dt.date, float]] = defaultdict(lambda: defaultdict(float))
    for account_id, day, value in UsageDaily.objects.filter(
        account_id__in=ids, metric="active_users", date__gte=prev_first, date__lte=last
    ).values_list("account_id", "date", "value"):
        daily[account_id][day] += value
    for account_id, days in daily.items():
        now = [v for d, v in days.items() if d >= first]
        before = [v for d, v in days.items() if d < first]
        reviews[account_id].usage_now = sum(now) / len(now) if now else None
        reviews[account_id].usage_before = sum(before) / len(before) if before else None
    for outcome in Outcome.objects.filter(account_id__in=ids, recorded_at__gte=start, recorded_at__lt=end).order_by(
        "recorded_at"
    ):
        reviews[outcome.account_id].outcomes.append(outcome)
    for message in (
        Interaction.objects.filter(account_id__in=ids, occurred_at__gte=start, occurred_at__lt=end, direction="inbound")
        .filter(~Q(signal_type__in=("", "none")) | ~Q(conflict=""))
        .select_related("contact")
        .order_by("occurred_at")
    ):
        review = reviews[message.account_id]
        if message.conflict:
            review.risks.append(
                f"{message.occurred_at:%-d %b}: customer raised {message.conflict} ({message.external_id})"
            )
        else:
            review.requests.append(message)
    for ticket in Ticket.objects.filter(account_id__in=ids, status__in=UNRESOLVED_TICKET_STATUSES).order_by(
        "opened_at"
    ):
        reviews[ticket.account_id].risks.append(
            f"{ticket.external_id} ‘{ticket.subject}’ {ticket.get_status_display().lower()}, {ticket.priority} priority"
        )
    for candidate in (
        Candidate.objects.surfaced()
        .filter(account_id__in=ids)
        .exclude(status=CandidateStatus.EXPIRED)
        .filter(
            Q(status__in=(CandidateStatus.PENDING, CandidateStatus.DEFERRED))
            | Q(decided_at__gte=start, decided_at__lt=end)
        )
        .order_by("-score")
    ):
        reviews[candidate.account_id].candidates.append(candidate)
    for event in (
        MeasurementEvent.objects.filter(
            account_id__in=ids,
            kind__in=FOLLOW_UP_KINDS,
            occurred_at__gte=start,
            occurred_at__lt=end,
            corrections__isnull=True,
        )
        .select_related("candidate")
        .order_by("occurred_at", "pk")
    ):
        reviews[event.account_id].follow_ups.append(event)
    for decision in (
        Decision.objects.standing()
        .filter(candidate__account_id__in=ids, decided_at__gte=start, decided_at__lt=end)
        .select_related("candidate")
        .order_by("decided_at", "pk")
    ):
        reviews[decision.candidate.account_id].decisions.append(decision)
    from reviews.selectors import overdue

    for account_id in overdue(Candidate.objects.surfaced().filter(account_id__in=ids)).values_list(
        "account_id", flat=True
    ):
        reviews[account_id].overdue += 1
    latest_approvals: dict[int, Decision] = {}
    for decision in (
        Decision.objects.standing()
        .filter(candidate__account_id__in=ids, kind=DecisionKind.APPROVE)
        .select_related("candidate")
        .order_by("decided_at")
    ):
        latest_approvals[decision.candidate.account_id] = decision
    for account_id, review in reviews.items():
        approval = latest_approvals.get(account_id)
        if approval:
            due = f" (by {approval.next_step_due:%-d %b})" if approval.next_step_due else ""
            review.next_steps.append(f"Approved: {approval.next_step}{due}")
        for candidate in review.candidates:
            if candidate.status in (CandidateStatus.PENDING, CandidateStatus.DEFERRED):
                text = " ".join(s["text"] for s in candidate.brief.get("next_step", []))
                review.next_steps.append(
                    f"{candidate.get_signal_type_display()} ({candidate.get_recommendation_display().lower()}): {text}"
                )
    return list(reviews.values())


@dataclass
class MonthSummary:
    recommendations: list[tuple[str, str, int]]
    decisions: dict[str, int]
    won_value: dict[str, float]
    overdue: int
    # ARR of the accounts with an approval standing from the month (each account once).
    approved_arr: dict[str, float] = field(default_factory=dict)


def monthly_summary(*, user: AnyUser, month: dt.date, reviews: list[AccountReview]) -> MonthSummary:
    """The review's opening lines: the month's candidates per recommendation, the
    decisions taken in it (undone ones left out), closed-won value logged in it, and the
    next steps overdue today."""
    from measurement.models import EventKind, MeasurementEvent
    from reviews.selectors import overdue
    from signals.vocabulary import QUEUE_ORDER, Recommendation

    first, last = month_bounds(month)
    start = dt.datetime.combine(first, dt.time.min, tzinfo=dt.UTC)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
    ids = [r.account.pk for r in reviews]
    per_rec: dict[str, int] = defaultdict(int)
    for r in reviews:
        for c in r.candidates:
            per_rec[c.recommendation] += 1
    decisions: dict[str, int] = {k.label: 0 for k in DecisionKind}
    for kind in (
        Decision.objects.standing()
        .filter(candidate__account_id__in=ids, decided_at__gte=start, decided_at__lt=end)
        .values_list("kind", flat=True)
    ):
        decisions[DecisionKind(kind).label] += 1
    approved_arr: dict[str, float] = defaultdict(float)
    seen: set[int] = set()
    for r in reviews:
        if r.account.pk not in seen and any(d.kind == DecisionKind.APPROVE for d in r.decisions):
            seen.add(r.account.pk)
            approved_arr[r.account.currency] += float(r.account.arr or 0)
    won: dict[str, float] = defaultdict(float)
    for data in MeasurementEvent.objects.filter(
        account_id__in=ids,
        kind=EventKind.CLOSED_WON,
        occurred_at__gte=start,
        occurred_at__lt=end,
        corrections__isnull=True,
    ).values_list("data", flat=True):
        if data.get("amount"):
            won[data.get("currency", "USD")] += float(data["amount"])
    return MonthSummary(
        recommendations=[(r, Recommendation(r).label, per_rec.get(r, 0)) for r in QUEUE_ORDER],
        decisions=decisions,
        won_value=dict(won),
        approved_arr=dict(approved_arr),
        overdue=overdue(Candidate.objects.surfaced().filter(account_id__in=ids)).count(),
    )
