"""Reads for the review screens, always scoped to what the user may see."""

import datetime as dt
import functools
import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from django.core.cache import cache
from django.db import connection
from django.db.models import Case, Count, Q, QuerySet, When
from django.http import Http404
from django.utils import timezone

from accounts.models import (
    UNRESOLVED_TICKET_STATUSES,
    Account,
    Contact,
    Direction,
    Interaction,
    Note,
    Outcome,
    Ticket,
    UsageDaily,
)
from core.roles import AnyUser, is_leader, scope_accounts, scope_candidates
from measurement.models import FOLLOW_UP_KINDS, EventKind, MeasurementEvent
from reviews.models import Decision
from reviews.queue_rows import QUEUE_ROW_VALUES, QueueRow
from signals import evidence as ev
from signals.models import Candidate
from signals.records import Trigger
from signals.vocabulary import QUEUE_ORDER, RECOMMENDATION_ORDER, Blocker, CandidateStatus

# The queue leads with what the owner can act on, then what to watch.
STATUS_FILTERS = {
    "pending": (CandidateStatus.PENDING,),
    "deferred": (CandidateStatus.DEFERRED,),
    "decided": (CandidateStatus.APPROVED, CandidateStatus.REJECTED),
    "approved": (CandidateStatus.APPROVED,),
    "rejected": (CandidateStatus.REJECTED,),
    "expired": (CandidateStatus.EXPIRED,),
    "all": tuple(CandidateStatus.values),
    # approved, with a next step past its due date and no closed won or lost yet
    "overdue": (CandidateStatus.APPROVED,),
}


@functools.cache
def _overdue_subqueries() -> tuple[QuerySet[Decision, Any], QuerySet[MeasurementEvent, Any]]:
    """The standing approval's due date and the closed candidates, built once per process
    (building them was a third of the overdue count's Python time, and the count runs on
    every queue view and after every decision). They hold no user, date or result: each
    query clones them, none evaluates them."""
    from django.db.models import OuterRef

    from measurement.models import CLOSING_KINDS

    due = (
        Decision.objects.standing()
        .filter(candidate=OuterRef("pk"), kind="approve")
        .order_by("-decided_at", "-pk")
        .values("next_step_due")[:1]
    )
    closed = MeasurementEvent.objects.filter(kind__in=CLOSING_KINDS, corrections__isnull=True).values("candidate_id")
    return due, closed


def overdue(qs: QuerySet[Candidate]) -> QuerySet[Candidate]:
    """Approved candidates whose next step is past due and not closed won or lost."""
    from django.db.models import Subquery

    due, closed = _overdue_subqueries()
    return (
        qs.filter(status=CandidateStatus.APPROVED)
        .annotate(next_step_due=Subquery(due))
        .filter(next_step_due__lt=timezone.now().date())
        .exclude(pk__in=closed)
    )


def overdue_count(*, user: AnyUser) -> int:
    return overdue(candidates_for(user)).count()


@dataclass(frozen=True)
class QueueFilters:
    signal_type: str = ""
    recommendation: str = ""
    segment: str = ""
    renewal_within: int | None = None
    q: str = ""
    status: str = "pending"
    owner_id: int | None = None  # leaders may look at one owner's queue


def candidates_for(user: AnyUser) -> QuerySet[Candidate]:
    return scope_candidates(Candidate.objects.surfaced(), user)


def candidate_get(*, user: AnyUser, pk: int) -> Candidate:
    """The candidate, or 404 if it does not exist or the user may not see it."""
    candidate = (
        candidates_for(user)
        .select_related("account", "account__owner", "decided_by", "defer_ticket")
        .filter(pk=pk)
        .first()
    )
    if candidate is None:
        raise Http404("No such candidate")
    return candidate


def candidate_check(*, user: AnyUser, pk: int) -> None:
    """404 unless the user may see this candidate: `candidate_get`'s check without loading
    the candidate and its JSON (a decision loads it again under lock anyway)."""
    if not candidates_for(user).filter(pk=pk).exists():
        raise Http404("No such candidate")


def queue_base(*, user: AnyUser, filters: QueueFilters) -> QuerySet[Candidate]:
    """Filtered by everything except the recommendation, which the tabs count."""
    qs = candidates_for(user).filter(status__in=STATUS_FILTERS.get(filters.status, STATUS_FILTERS["pending"]))
    if filters.status == "overdue":
        qs = overdue(qs)
    if filters.owner_id and is_leader(user):
        qs = qs.filter(owner_id=filters.owner_id)
    if filters.signal_type:
        qs = qs.filter(signal_type=filters.signal_type)
    if filters.segment:
        qs = qs.filter(account__segment=filters.segment)
    if filters.renewal_within is not None:
        today = timezone.now().date()
        qs = qs.filter(
            account__renewal_date__gte=today,
            account__renewal_date__lte=today + dt.timedelta(days=filters.renewal_within),
        )
    if filters.q:
        qs = qs.filter(Q(account__name__icontains=filters.q) | Q(account__external_id__iexact=filters.q))
    return qs


# Queue order: across all owners the candidate_queue_rank index gives it; one owner's
# queue reads it from candidate_owner_queue (owner, status, queue_rank, score, id).
QUEUE_ORDER_BY = ("queue_rank", "-score", "-pk")


def queue_list(*, user: AnyUser, filters: QueueFilters) -> QuerySet[Candidate]:
    qs = queue_base(user=user, filters=filters)
    if filters.recommendation:
        qs = qs.filter(recommendation=filters.recommendation)
    return qs.select_related("account", "account__owner").order_by(*QUEUE_ORDER_BY)


def queue_rows(*, user: AnyUser, filters: QueueFilters) -> QuerySet[Candidate, QueueRow]:
    """`queue_list` as the values one queue row shows (`reviews.queue_rows`): no model
    instances, none of the ~2 KB of JSON (brief, evidence, triggers, facts) each
    candidate carries, which the database would read from TOAST and Python would parse
    and validate for 50 rows a page."""
    return queue_list(user=user, filters=filters).values(*QUEUE_ROW_VALUES)


def queue_counts(*, user: AnyUser, filters: QueueFilters) -> dict[str, int]:
    """Candidates per recommendation, in one query."""
    rows = (
        queue_base(user=user, filters=filters).values("recommendation").annotate(n=Count("*"))
    )  # COUNT(*) comes from the (status, recommendation) index
    counts = {r: 0 for r in QUEUE_ORDER}
    for row in rows:
        counts[row["recommendation"]] = row["n"]
    return counts


def _snapshot() -> str | None:
    """PostgreSQL's current snapshot as text (xmin:xmax:in-progress ids): two equal texts
    see exactly the same committed data. None elsewhere."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        # Inside a transaction the counts could include its own uncommitted writes.
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_snapshot()::text")
        return str(cursor.fetchone()[0])


def _snapshot_cached[T](name: str, parts: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """`compute()`, cached under the database snapshot it was computed in.

    The key is the snapshot's text, read before and after computing; the value is
    cached only if the two are equal, i.e. nothing committed (and no write began) in
    between, so the value is that of that exact snapshot. Any later commit (a decision,
    an undo, a rescore, an import, anywhere in the cluster) gives a new snapshot and so
    a new key: a cached value can never be stale, whichever process cached it, and no
    code path has to remember to invalidate it. On a quiet database every page view
    after the first reads one snapshot instead of computing."""
    before = _snapshot()
    key = f"{name}:" + hashlib.sha256(repr((parts, before)).encode()).hexdigest()
    if before is not None and (hit := cache.get(key)) is not None:
        return cast(T, hit)
    value = compute()
    if before is not None and _snapshot() == before:
        cache.set(key, value, timeout=300)
    return value


def tab_counts(*, user: AnyUser, filters: QueueFilters, cached: bool = True) -> tuple[dict[str, int], int]:
    """The queue's tab counts (per recommendation) and the overdue count, cached under
    the database snapshot they were counted in (`_snapshot_cached`). `cached=False`
    counts without the cache: right after a write (a decision) the snapshot is new, so
    its two reads would only add round trips."""
    if not cached:
        return queue_counts(user=user, filters=filters), overdue_count(user=user)
    parts = (
        user.pk,
        is_leader(user),
        timezone.now().date().isoformat(),  # renewal_within and overdue depend on today
        filters.status,
        filters.signal_type,
        filters.segment,
        filters.renewal_within,
        filters.q,
        filters.owner_id,
    )
    return _snapshot_cached(
        "queue-tabs", parts, lambda: (queue_counts(user=user, filters=filters), overdue_count(user=user))
    )


def queue_segments(*, user: AnyUser) -> list[str]:
    """The segments of the accounts the user sees (the queue's segment filter), cached
    under the database snapshot like the tab counts."""

    def segments() -> list[str]:
        return list(
            scope_accounts(Account.objects.all(), user)
            .exclude(segment="")
            .order_by("segment")
            .values_list("segment", flat=True)
            .distinct()
        )

    return _snapshot_cached("queue-segments", (user.pk, is_leader(user)), segments)


def next_deferred_return(*, user: AnyUser) -> dt.date | None:
    qs = candidates_for(user).filter(status=CandidateStatus.DEFERRED, defer_until__isnull=False)
    first = qs.order_by("defer_until").values_list("defer_until", flat=True).first()
    return first


def triage_list(*, user: AnyUser) -> QuerySet[Candidate]:
    """Open candidates whose account has no active owner (leaders only)."""
    if not is_leader(user):
        raise Http404
    return (
        Candidate.objects.surfaced()
        .filter(status__in=(CandidateStatus.PENDING, CandidateStatus.DEFERRED))
        .filter(Q(account__owner__isnull=True) | Q(account__owner__is_active=False))
        .select_related("account", "account__owner")
        .order_by("queue_rank", "-score", "-pk")
    )


# A customer text is stored whole (up to 200,000 characters, the import limit); a page
# shows this much of it and says how long the whole text is.
DISPLAY_CHARS = 20_000


@dataclass
class EvidenceView:
    id: str
    kind: str
    source: str
    at: object
    who: str
    title: str
    text: str
    found: bool = True
    extra: dict = field(default_factory=dict)
    full_length: int = 0  # of the stored text; `text` holds at most DISPLAY_CHARS of it

    def __post_init__(self) -> None:
        self.full_length = len(self.text)
        self.text = self.text[:DISPLAY_CHARS]

    @property
    def truncated(self) -> bool:
        return self.full_length > len(self.text)


def _evidence_view(item: ev.AnyEvidence) -> EvidenceView:
    """What a reviewer sees of one resolved item: the text whole (up to DISPLAY_CHARS)."""
    match item:
        case ev.MessageEvidence():
            who = item.contact or ("Customer" if item.inbound else "Us")
            return EvidenceView(item.id, "Message", item.origin, item.at, who, item.channel, item.text)
        case ev.TicketEvidence():
            return EvidenceView(
                item.id,
                "Ticket",
                item.source,
                item.at,
                item.contact,
                item.subject,
                item.body,
                extra={"status": item.status, "priority": item.priority, "closed_at": item.closed_at},
            )
        case ev.OutcomeEvidence():
            return EvidenceView(
                item.id,
                "Outcome",
                item.source,
                item.at,
                item.department,
                item.title,
                item.summary,
                extra={"verified": item.verified},
            )
        case ev.NoteEvidence():
            return EvidenceView(item.id, "Owner note", item.source, item.at, item.author, "Note", item.text)
        case ev.OpportunityEvidence():
            return EvidenceView(
                item.id,
                "Opportunity",
                item.source,
                item.at,
                "",
                item.name,
                f"Stage {item.stage}",
                extra={"amount": item.amount},
            )
        case ev.AccountEvidence():
            return EvidenceView(item.id, "Account", item.source, item.at, "", item.name, item.summary)
        case ev.UsageEvidence():
            parts = ", ".join(
                f"{r.department or 'all'}: {r.value:,.0f}" + (f" of {r.limit:,.0f}" if r.limit else "")
                for r in item.readings
            )
            return EvidenceView(item.id, "Usage", item.source, item.day, "", item.metric, parts)
        case ev.EventEvidence():
            return EvidenceView(
                item.id, "Decision", item.source, item.at, item.actor_name, item.kind_label, item.reason or item.note
            )


def _missing_view(ref: str) -> EvidenceView:
    usage = ev.parse_usage_ref(ref)
    if usage is not None:  # a day with no reading stored is still a day of that metric
        metric, day = usage
        return EvidenceView(ref, "Usage", "product_analytics", day, "", metric, "no reading stored", found=False)
    return EvidenceView(ref, "Missing", "", None, "", ref, "This item is no longer stored.", found=False)


def evidence_items(candidate: Candidate) -> dict[str, EvidenceView]:
    """Every id the candidate cites, resolved to what a reviewer needs to see, in the
    order cited. One query per kind of evidence (signals.evidence), whatever the number."""
    account = candidate.account
    ids = list(candidate.evidence)
    found = ev.evidence_resolve(accounts=[account], refs={account.pk: ids}).get(account.pk, {})
    return {i: _evidence_view(found[i]) if i in found else _missing_view(i) for i in ids}


def _history(candidate: Candidate) -> dict:
    """The candidate's events, its follow-ups (with the ones withdrawn by a correction
    marked), and the trigger evidence that arrived after its approval."""
    events = list(
        MeasurementEvent.objects.filter(candidate=candidate).select_related("actor").order_by("-occurred_at", "-pk")
    )
    corrected = {e.corrects_id for e in events if e.kind == EventKind.FOLLOW_UP_CORRECTED}
    for e in events:
        e.corrected = e.pk in corrected  # type: ignore[attr-defined]  # a flag for the template
    return {
        "events": events,
        "follow_ups": [e for e in reversed(events) if e.kind in FOLLOW_UP_KINDS],
        "closed_follow_up": any(
            e.kind in (EventKind.CLOSED_WON, EventKind.CLOSED_LOST) and e.pk not in corrected for e in events
        ),
        "new_since_approval": _new_since_approval(candidate),
    }


@dataclass(frozen=True)
class CooldownHold:
    """Customer messages about the same signal that reached us after a rejection, while its
    cool-down holds new candidates back: the owner sees them here rather than nowhere."""

    until: dt.date
    days: int
    messages: list[EvidenceView]


def held_by_cooldown(candidate: Candidate, *, today: dt.date | None = None) -> CooldownHold | None:
    """For a rejected candidate still in its cool-down: inbound messages read as the same
    signal type, dated after the rejection (what the store counts as new evidence), that
    it does not already cite."""
    from signals.lifecycle import cooldown_until
    from signals.services import rules_lookup

    if candidate.status != CandidateStatus.REJECTED:
        return None  # read no rules for the candidates it cannot concern
    rules = rules_lookup().for_account(candidate.account)
    ends = cooldown_until(candidate, rules)
    if ends is None or candidate.closed_at is None:
        return None
    days = int(rules.rejection_cooldown_days)
    until = timezone.localdate(ends)  # the store's own rule: the first day it may open again
    if until <= (today or timezone.now().date()):
        return None
    messages = _uncited_messages(candidate, occurred_at__gt=candidate.closed_at)
    return CooldownHold(until=until, days=days, messages=messages) if messages else None


def arrived_after_decision(candidate: Candidate) -> list[EvidenceView]:
    """Customer messages read as this candidate's type that reached us after the owner's
    decision but are dated before it (a CRM or help-desk export that lags). They never count
    as new evidence (the contract: new trigger evidence is dated after the decision), so
    the owner sees them here rather than nowhere."""
    if candidate.status not in (CandidateStatus.APPROVED, CandidateStatus.REJECTED) or candidate.decided_at is None:
        return []  # no query for the candidates it cannot concern
    decided = candidate.decided_at
    return _uncited_messages(candidate, inserted_at__gt=decided, occurred_at__lte=decided)


def _uncited_messages(candidate: Candidate, **when: Any) -> list[EvidenceView]:
    """The first five inbound messages read as the candidate's type, in the window `when`
    gives, that the candidate does not cite, resolved for display (two queries at most)."""
    cited = {t.ref for t in candidate.triggers}
    rows = [
        i.external_id
        for i in Interaction.objects.filter(
            account=candidate.account, direction=Direction.INBOUND, signal_type=candidate.signal_type, **when
        )
        .only("external_id")
        .order_by("occurred_at")[:5]
        if i.external_id not in cited
    ]
    if not rows:
        return []
    found = ev.evidence_resolve(accounts=[candidate.account], refs={candidate.account_id: rows}).get(
        candidate.account_id, {}
    )
    return [_evidence_view(found[r]) for r in rows if r in found]


@dataclass(frozen=True)
class NewSinceApproval:
    """Trigger evidence that arrived after the approval, with what it says (the owner
    needs the change itself, "make it 40 seats rather than 25", not just its date)."""

    trigger: Trigger
    item: EvidenceView | None


def _new_since_approval(candidate: Candidate) -> list[NewSinceApproval]:
    new = [t for t in candidate.triggers if t.new_since_decision]
    if not new:
        return []
    account = candidate.account
    ids = [t.evidence for t in new if t.evidence]
    found = ev.evidence_resolve(accounts=[account], refs={account.pk: ids}).get(account.pk, {}) if ids else {}
    return [NewSinceApproval(t, _evidence_view(found[t.evidence]) if t.evidence in found else None) for t in new]


def candidate_context(candidate: Candidate) -> dict:
    """Everything the detail panel shows besides the brief, in a bounded number of queries."""
    account = candidate.account
    latest_seats = (
        UsageDaily.objects.filter(account=account, metric="seats_used")
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )
    seats_used = None
    if latest_seats:
        seats_used = sum(
            UsageDaily.objects.filter(account=account, metric="seats_used", date=latest_seats).values_list(
                "value", flat=True
            )
        )
    return {
        "contacts": list(
            Contact.objects.filter(account=account, active=True).order_by(
                Case(When(role="decision_maker", then=0), When(role="champion", then=1), default=2), "name"
            )[:8]
        ),
        "tickets": list(
            Ticket.objects.filter(account=account).order_by(
                Case(When(status__in=UNRESOLVED_TICKET_STATUSES, then=0), default=1), "-opened_at"
            )[:6]
        ),
        "seats_used": seats_used,
        # The tickets the current rule makes blockers; other open ones are shown as not blocking.
        "blocking_tickets": {
            str(b.params.get("ticket")) for b in candidate.blockers if b.code == Blocker.OPEN_SUPPORT_ISSUE
        },
        **_history(candidate),
        "held_by_cooldown": held_by_cooldown(candidate),
        "arrived_late": arrived_after_decision(candidate),
        "decision": Decision.objects.filter(candidate=candidate).select_related("decided_by").first(),
        "renewal_days": (account.renewal_date - timezone.now().date()).days if account.renewal_date else None,
    }


@dataclass
class TimelineItem:
    at: dt.datetime
    kind: str
    title: str
    text: str
    who: str = ""
    tags: list[str] = field(default_factory=list)


@dataclass
class UsageTrend:
    metric: str
    first: float
    last: float
    days: int
    line: object = None


@dataclass
class AccountPage:
    account: Account
    candidates: list[Candidate]
    decisions: dict[int, Decision]
    follow_ups: dict[int, list[MeasurementEvent]]
    usage: list[UsageTrend]
    timeline: list[TimelineItem]
    renewal_days: int | None


TIMELINE_LIMIT = 60
USAGE_DAYS = 90


def account_get(*, user: AnyUser, pk: int) -> Account:
    """The account, or 404 if the user may not see it (owners see only their own)."""
    account = scope_accounts(Account.objects.select_related("owner"), user).filter(pk=pk).first()
    if account is None:
        raise Http404("No such account")
    return account


def account_page(*, user: AnyUser, pk: int) -> AccountPage:
    """One account: every candidate with its latest decision and follow-ups, usage per
    metric over the last 90 days, and its evidence as one timeline, newest first."""
    from measurement.charts import sparkline

    account = account_get(user=user, pk=pk)
    candidates = list(
        Candidate.objects.surfaced()
        .filter(account=account)
        .select_related("decided_by", "defer_ticket")
        .order_by("-first_detected_on", "-pk")
    )
    decisions: dict[int, Decision] = {}
    for d in (
        Decision.objects.standing()
        .filter(candidate__account=account)
        .select_related("decided_by")
        .order_by("decided_at", "pk")
    ):
        decisions[d.candidate_id] = d  # ordered oldest first: the latest wins
    follow_ups: dict[int, list[MeasurementEvent]] = defaultdict(list)
    for e in MeasurementEvent.objects.filter(
        account=account, kind__in=FOLLOW_UP_KINDS, corrections__isnull=True
    ).order_by("occurred_at", "pk"):
        if e.candidate_id:
            follow_ups[e.candidate_id].append(e)
    today = timezone.now().date()
    daily: dict[str, dict[dt.date, float]] = defaultdict(lambda: defaultdict(float))
    for metric, day, value in (
        UsageDaily.objects.filter(account=account, date__gt=today - dt.timedelta(days=USAGE_DAYS))
        .order_by("date")
        .values_list("metric", "date", "value")
    ):
        daily[metric][day] += value
    usage = []
    for metric in sorted(daily):
        values = [v for _, v in sorted(daily[metric].items())]
        usage.append(UsageTrend(metric, values[0], values[-1], len(values), sparkline(values)))
    timeline: list[TimelineItem] = []
    for t in Ticket.objects.filter(account=account).order_by("-opened_at")[:TIMELINE_LIMIT]:
        timeline.append(
            TimelineItem(
                t.opened_at,
                "Ticket",
                f"{t.external_id} {t.subject}",
                t.body[:300],
                "",
                [t.get_priority_display(), t.get_status_display()],
            )
        )
    for m in (
        Interaction.objects.filter(account=account).select_related("contact").order_by("-occurred_at")[:TIMELINE_LIMIT]
    ):
        timeline.append(
            TimelineItem(
                m.occurred_at,
                "Message",
                m.get_channel_display(),
                m.text[:300],
                m.contact.name if m.contact else "",
                [m.get_direction_display()],
            )
        )
    for o in Outcome.objects.filter(account=account).order_by("-recorded_at")[:TIMELINE_LIMIT]:
        timeline.append(
            TimelineItem(o.recorded_at, "Outcome", o.title, o.goal, "", ["Verified" if o.verified else "Not verified"])
        )
    for n in Note.objects.filter(account=account).order_by("-written_at")[:TIMELINE_LIMIT]:
        timeline.append(TimelineItem(n.written_at, "Note", "Note", n.text[:300], n.author_email))
    timeline.sort(key=lambda i: i.at, reverse=True)
    return AccountPage(
        account,
        candidates,
        decisions,
        dict(follow_ups),
        usage,
        timeline[:TIMELINE_LIMIT],
        (account.renewal_date - today).days if account.renewal_date else None,
    )


__all__ = [
    "QUEUE_ORDER",
    "AccountPage",
    "account_get",
    "account_page",
    "RECOMMENDATION_ORDER",
    "QueueFilters",
    "candidate_check",
    "candidate_context",
    "candidate_get",
    "candidates_for",
    "evidence_items",
    "next_deferred_return",
    "queue_counts",
    "queue_list",
    "queue_rows",
    "tab_counts",
    "triage_list",
]
