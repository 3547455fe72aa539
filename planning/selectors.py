"""Reads for account-planning summaries, always scoped to what the user may see.

`account_plans` assembles the summaries of any number of accounts with a fixed number
of queries (one per kind of fact), so the one-account page and the leader's document
for a whole renewal window are the same code.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import (
    UNRESOLVED_TICKET_STATUSES,
    Account,
    Contact,
    ContactRole,
    Interaction,
    Note,
    Outcome,
    Segment,
    Ticket,
    UsageDaily,
)
from core.roles import AnyUser, is_leader, scope_accounts
from core.text import excerpt
from measurement.models import CLOSING_KINDS, FOLLOW_UP_KINDS, EventKind, MeasurementEvent
from planning.records import (
    AccountFacts,
    AccountPlan,
    AskLine,
    CandidateLine,
    CandidateRef,
    DecisionLine,
    EvidenceLine,
    FollowUpLine,
    GoalLine,
    NextStepLine,
    OutcomeLine,
    RiskLine,
    StakeholderLine,
    UsageLine,
)
from reviews.models import Decision, DecisionKind, RejectReason
from signals import evidence as ev
from signals.models import Candidate, ConflictKind
from signals.vocabulary import (
    BLOCKER_RECOMMENDATION,
    OPEN_STATUSES,
    Blocker,
    Recommendation,
    SignalType,
    metric_label,
)

USAGE_DAYS = 90
TREND_WEEK = 7
# Messages, notes and decisions older than this are history, not planning material.
LOOKBACK_DAYS = 180
# The leaders' document: more accounts than this is not one QBR pack; narrow the filter.
MAX_ACCOUNTS = 25
ASKS_PER_STAKEHOLDER = 5
EXCERPT = 160
DECISION_EVENT_KINDS = (EventKind.APPROVED, EventKind.REJECTED, EventKind.DEFERRED)
# What a conflicting message says, as a verb phrase ("Jon Park asked to reduce").
CONFLICT_WORDS: dict[str, str] = {
    ConflictKind.REDUCE: "asked to reduce",
    ConflictKind.DOWNGRADE: "asked to downgrade",
    ConflictKind.CANCEL: "spoke of cancelling",
    ConflictKind.ALTERNATIVES: "said they are evaluating alternatives",
}


def _name(user: object) -> str:
    if user is None:
        return ""
    full = user.get_full_name()  # type: ignore[attr-defined]
    return str(full or user.username)  # type: ignore[attr-defined]


def _excerpt(text: str, limit: int = EXCERPT) -> str:
    return excerpt(text, limit)


def _num(value: float) -> str:
    """A usage figure: whole numbers, one decimal under 10 (3.4 users a day, not 3)."""
    return f"{value:,.1f}" if abs(value) < 10 and value != int(value) else f"{value:,.0f}"


def _day(at: dt.datetime) -> str:
    return f"{at:%-d %b %Y}"


def account_plans(*, user: AnyUser, accounts: Iterable[Account], today: dt.date | None = None) -> list[AccountPlan]:
    """The planning summaries of those of `accounts` that `user` may see, in the order
    given. A fixed number of queries whatever the number of accounts."""
    today = today or timezone.now().date()
    accounts = list(accounts)
    # Callers pass scoped accounts; checked again here so no caller can leak one.
    allowed = set(
        scope_accounts(Account.objects.filter(pk__in=[a.pk for a in accounts]), user).values_list("pk", flat=True)
    )
    accounts = [a for a in accounts if a.pk in allowed]
    if not accounts:
        return []
    ids = [a.pk for a in accounts]
    since = timezone.now() - dt.timedelta(days=LOOKBACK_DAYS)
    evidence: dict[int, dict[str, EvidenceLine]] = defaultdict(dict)

    def cite(account_id: int, line: EvidenceLine) -> str:
        evidence[account_id].setdefault(line.id, line)
        return line.id

    # --- goals and verified outcomes ---------------------------------------------------
    outcomes: dict[int, list[OutcomeLine]] = defaultdict(list)
    for o in Outcome.objects.filter(account_id__in=ids).order_by("-recorded_at", "pk"):
        moved = (
            f" ({o.metric}: {o.baseline:g} → {o.value:g})"
            if o.metric and o.baseline is not None and o.value is not None
            else ""
        )
        status = "verified" if o.verified else "not verified"
        text = f"{o.title}{moved}, {status}, recorded {_day(o.recorded_at)}."
        ref = cite(o.account_id, _line(ev.outcome_evidence(o)))
        outcomes[o.account_id].append(
            OutcomeLine(
                id=o.external_id,
                title=o.title,
                recorded_on=o.recorded_at.date(),
                verified=o.verified,
                goal=o.goal,
                metric=o.metric,
                baseline=o.baseline,
                value=o.value,
                text=text,
                evidence=[ref],
            )
        )

    # --- usage trends --------------------------------------------------------------------
    daily: dict[int, dict[str, dict[dt.date, float]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(float)))
    usage_source: dict[tuple[int, str], str] = {}
    for account_id, metric, day, value, source in (
        UsageDaily.objects.filter(account_id__in=ids, date__gt=today - dt.timedelta(days=USAGE_DAYS), date__lte=today)
        .order_by("date")
        .values_list("account_id", "metric", "date", "value", "source")
    ):
        daily[account_id][metric][day] += value
        usage_source[(account_id, metric)] = source
    usage: dict[int, list[UsageLine]] = defaultdict(list)
    for account_id, metrics in daily.items():
        for metric in sorted(metrics):
            days = sorted(metrics[metric].items())
            values = [v for _, v in days]
            # Weekday and weekend readings differ: with two weeks or more, compare the
            # first and the last week's averages, not two single days.
            week = TREND_WEEK if len(days) >= 2 * TREND_WEEK else 1
            first, last = sum(values[:week]) / week, sum(values[-week:]) / week
            change = (last - first) / first if first else None
            word = "changed" if change is None else "up" if change > 0.02 else "down" if change < -0.02 else "flat"
            label = metric_label(metric)
            if week > 1:
                text = (
                    f"{label} {word}{f' {abs(change):.0%}' if change is not None and word != 'flat' else ''}: "
                    f"a {week}-day average of {_num(first)} in the week from {days[0][0]:%-d %b}, "
                    f"{_num(last)} in the week to {days[-1][0]:%-d %b} ({len(days)} days with readings)."
                )
            else:
                text = (
                    f"{label} {word}{f' {abs(change):.0%}' if change is not None and word != 'flat' else ''}: "
                    f"{_num(first)} on {days[0][0]:%-d %b}, {_num(last)} on {days[-1][0]:%-d %b} "
                    f"({len(days)} day{'s' if len(days) != 1 else ''} with readings)."
                )
            refs = []
            for day, value in (days[0], days[-1]) if len(days) > 1 else (days[0],):
                refs.append(cite(account_id, _usage_line(usage_source[(account_id, metric)], metric, day, value)))
            usage[account_id].append(
                UsageLine(
                    metric=metric,
                    label=label,
                    days=len(days),
                    first=first,
                    last=last,
                    change=change,
                    values=values,
                    text=text,
                    evidence=refs,
                )
            )

    # --- candidates, their decisions and follow-ups -------------------------------------
    candidates = list(
        Candidate.objects.surfaced()  # never the holdout (signals/holdout.py)
        .filter(account_id__in=ids)
        .filter(Q(status__in=OPEN_STATUSES) | Q(decided_at__gte=since) | Q(first_detected_on__gte=since.date()))
        .order_by("-first_detected_on", "-pk")
    )
    candidate_ids = [c.pk for c in candidates]
    decisions: dict[int, Decision] = {}
    for standing in (
        Decision.objects.standing()
        .filter(candidate_id__in=candidate_ids)
        .select_related("decided_by")
        .order_by("decided_at", "pk")
    ):
        decisions[standing.candidate_id] = standing  # oldest first: the latest wins
    events = list(
        MeasurementEvent.objects.filter(
            candidate_id__in=candidate_ids,
            kind__in=(*FOLLOW_UP_KINDS, *DECISION_EVENT_KINDS),
            corrections__isnull=True,
        )
        .select_related("actor")
        .order_by("occurred_at", "pk")
    )
    decision_event: dict[int, MeasurementEvent] = {}
    follow_ups: dict[int, list[MeasurementEvent]] = defaultdict(list)
    for e in events:
        if e.kind in DECISION_EVENT_KINDS and e.data.get("decision"):
            decision_event[int(e.data["decision"])] = e
        elif e.kind in FOLLOW_UP_KINDS and e.candidate_id is not None:
            follow_ups[e.candidate_id].append(e)

    candidate_lines: dict[int, list[CandidateLine]] = defaultdict(list)
    next_steps: dict[int, list[NextStepLine]] = defaultdict(list)
    risks: dict[int, list[RiskLine]] = defaultdict(list)
    blocking_tickets: dict[str, list[str]] = defaultdict(list)  # ticket id -> candidates it holds back
    # (account, contact) -> the candidates whose brief names them
    named: dict[tuple[int, int], list[CandidateRef]] = defaultdict(list)
    for c in candidates:
        is_open = c.status in OPEN_STATUSES
        signal = c.brief.signal if c.brief else []
        text = " ".join(s.text for s in signal) or c.get_signal_type_display()
        brief_refs = list(dict.fromkeys(e for s in signal for e in s.evidence))
        decision_line = None
        d = decisions.get(c.pk)
        if d is not None:
            event = decision_event.get(d.pk)
            refs = [cite(c.account_id, _line(ev.event_evidence(event)))] if event else []
            if d.kind == DecisionKind.APPROVE:
                due = f", due {d.next_step_due:%-d %b %Y}" if d.next_step_due else ""
                detail = f"next step: {d.next_step.rstrip().rstrip('.')}{due}"
            elif d.kind == DecisionKind.REJECT:
                detail = f"reason: {d.get_reason_code_display() or d.note}"
            else:
                detail = f"until {d.defer_until:%-d %b %Y}" if d.defer_until else "deferred"
            decision_line = DecisionLine(
                kind=d.kind,
                kind_label=d.get_kind_display(),
                decided_on=d.decided_at.date(),
                by=_name(d.decided_by),
                text=f"{d.get_kind_display()} by {_name(d.decided_by)} on {_day(d.decided_at)}; {detail}.",
                evidence=refs,
            )
        ups = []
        for e in follow_ups.get(c.pk, []):
            amount = e.data.get("amount")
            money = f" {float(amount):,.0f} {e.data.get('currency', 'USD')}" if amount else ""
            ups.append(
                FollowUpLine(
                    kind=e.kind,
                    kind_label=e.get_kind_display(),
                    on=e.occurred_at.date(),
                    amount=float(amount) if amount else None,
                    currency=str(e.data.get("currency", "")) if amount else "",
                    text=f"{e.get_kind_display()}{money} on {_day(e.occurred_at)}.",
                    evidence=[cite(c.account_id, _line(ev.event_evidence(e), event_kind="Follow-up"))],
                )
            )
        candidate_lines[c.account_id].append(
            CandidateLine(
                id=c.pk,
                signal_type=c.signal_type,
                signal_label=c.get_signal_type_display(),
                intent=c.intent,
                score=c.score,
                recommendation=c.recommendation,
                recommendation_label=c.get_recommendation_display(),
                status=c.status,
                status_label=c.get_status_display(),
                first_detected_on=c.first_detected_on,
                open=is_open,
                text=text,
                evidence=brief_refs,
                decision=decision_line,
                follow_ups=ups,
            )
        )
        for fact in c.review_facts.stakeholders if c.review_facts else []:
            named[(c.account_id, fact.contact_id)].append(
                CandidateRef(id=c.pk, signal_label=c.get_signal_type_display())
            )
        closed = any(e.kind in CLOSING_KINDS for e in follow_ups.get(c.pk, []))
        if c.status == "approved" and d is not None and d.kind == DecisionKind.APPROVE and not closed:
            who = f" with {d.next_step_who}" if d.next_step_who else ""
            due_text = f", due {d.next_step_due:%-d %b %Y}" if d.next_step_due else ", no due date"
            overdue = d.next_step_due is not None and d.next_step_due < today
            next_steps[c.account_id].append(
                NextStepLine(
                    candidate_id=c.pk,
                    signal_label=c.get_signal_type_display(),
                    approved=True,
                    text=f"{d.next_step.rstrip().rstrip('.')}{who}{due_text}{' (overdue)' if overdue else ''}.",
                    who=d.next_step_who,
                    due=d.next_step_due,
                    overdue=overdue,
                    evidence=decision_line.evidence if decision_line else [],
                )
            )
        if is_open:
            if c.recommendation == Recommendation.PURSUE and c.brief and c.brief.next_step:
                next_steps[c.account_id].append(
                    NextStepLine(
                        candidate_id=c.pk,
                        signal_label=c.get_signal_type_display(),
                        approved=False,
                        text=" ".join(s.text for s in c.brief.next_step),
                        evidence=list(dict.fromkeys(e for s in c.brief.next_step for e in s.evidence)),
                    )
                )
            for b in c.blockers:
                if BLOCKER_RECOMMENDATION.get(b.code) not in (Recommendation.STOP, Recommendation.WAIT):
                    continue
                if b.code == Blocker.OPEN_SUPPORT_ISSUE:
                    # said once, on the ticket's own line below
                    for ref in b.evidence:
                        blocking_tickets[ref].append(
                            f"the {c.get_signal_type_display()} candidate ({c.get_recommendation_display().lower()})"
                        )
                    continue
                # The message leads with the recommendation ("Wait: ..."), said once here.
                lead, _, rest = b.message.partition(": ")
                said = rest if rest and lead in Recommendation.labels else b.message
                risks[c.account_id].append(
                    RiskLine(
                        kind="blocker",
                        text=f"{c.get_signal_type_display()} candidate ({c.get_recommendation_display().lower()}): "
                        f"{said}",
                        evidence=list(b.evidence),
                    )
                )
    for account_id in next_steps:
        # approved steps first, soonest due first; then the suggestions awaiting a decision
        next_steps[account_id].sort(key=lambda s: (not s.approved, s.due or dt.date.max))

    # --- unresolved risks: open tickets and conflicting asks -----------------------------
    now = timezone.now()
    for t in (
        Ticket.objects.filter(account_id__in=ids, status__in=UNRESOLVED_TICKET_STATUSES)
        .select_related("contact")
        .order_by("-priority", "opened_at")
    ):
        age = (now - t.opened_at).days
        holds = blocking_tickets.get(t.external_id)
        held = f" It holds back {' and '.join(holds)}." if holds else ""
        text = (
            f"Ticket {t.external_id} ‘{t.subject}’ is {t.get_status_display().lower()}, "
            f"{t.get_priority_display().lower()} priority, {age} day{'s' if age != 1 else ''} old.{held}"
        )
        ref = cite(t.account_id, _line(ev.ticket_evidence(t)))
        risks[t.account_id].append(RiskLine(kind="ticket", text=text, evidence=[ref]))

    # --- stakeholder map: who asked for what ---------------------------------------------
    asks: dict[int | None, list[AskLine]] = defaultdict(list)
    unnamed: dict[int, list[AskLine]] = defaultdict(list)
    contact_account: dict[int, int] = {}
    messages = (
        Interaction.objects.filter(account_id__in=ids, occurred_at__gte=since, direction="inbound")
        .filter(~Q(signal_type__in=("", "none")) | ~Q(conflict=""))
        .select_related("contact")
        .order_by("-occurred_at", "-pk")
    )
    for m in messages:
        who = m.contact.name if m.contact else "Customer"
        ref = cite(m.account_id, _line(ev.message_evidence(m)))
        if m.conflict:
            said = CONFLICT_WORDS.get(m.conflict, f"raised {m.conflict}")
            risks[m.account_id].append(
                RiskLine(
                    kind="conflict",
                    text=f"{who} {said} on {_day(m.occurred_at)}: “{_excerpt(m.text)}”",
                    evidence=[ref],
                )
            )
        if m.conflict:
            what = CONFLICT_WORDS.get(m.conflict, f"raised {m.conflict}")
        elif m.signal_type in SignalType.values:
            what = f"asked about {SignalType(m.signal_type).label.lower()}"
        else:
            what = "asked"

        line = AskLine(text=f"{what.capitalize()}: “{_excerpt(m.text)}”", on=m.occurred_at.date(), evidence=[ref])
        if m.contact_id:
            contact_account[m.contact_id] = m.account_id
            asks[m.contact_id].append(line)
        else:
            unnamed[m.account_id].append(line)
    notes = list(Note.objects.filter(account_id__in=ids, written_at__gte=since).order_by("-written_at", "-pk"))
    stakeholders: dict[int, list[StakeholderLine]] = defaultdict(list)
    role_order: dict[str, int] = {
        ContactRole.DECISION_MAKER: 0,
        ContactRole.CHAMPION: 1,
        ContactRole.BILLING: 2,
        ContactRole.USER: 3,
    }
    contacts = sorted(
        Contact.objects.filter(account_id__in=ids, active=True),
        key=lambda x: (role_order.get(x.role, 4), x.name),
    )
    for contact in contacts:
        lines = list(asks.get(contact.pk, []))
        first_name = contact.name.split()[0] if contact.name.split() else ""
        for n in notes:
            if n.account_id != contact.account_id or not contact.name:
                continue
            if contact.name.lower() in n.text.lower() or (
                len(first_name) > 2 and f" {first_name.lower()} " in f" {n.text.lower()} "
            ):
                ref = cite(n.account_id, _line(ev.note_evidence(n)))
                lines.append(
                    AskLine(text=f"Named in a note: “{_excerpt(n.text)}”", on=n.written_at.date(), evidence=[ref])
                )
        in_briefs = named.get((contact.account_id, contact.pk), [])
        if not lines and not in_briefs and contact.role not in (ContactRole.DECISION_MAKER, ContactRole.CHAMPION):
            continue
        lines.sort(key=lambda a: a.on, reverse=True)
        stakeholders[contact.account_id].append(
            StakeholderLine(
                name=contact.name,
                title=contact.title,
                role=contact.role,
                role_label=contact.get_role_display() if contact.role else "",
                candidates=sorted(in_briefs, key=lambda r: r.id),
                asks=lines[:ASKS_PER_STAKEHOLDER],
            )
        )
    for account_id, lines in unnamed.items():
        stakeholders[account_id].append(
            StakeholderLine(name="Customer (no contact on record)", asks=lines[:ASKS_PER_STAKEHOLDER])
        )

    # --- the ids the brief statements cite that nothing above resolved -------------------
    wanted: dict[int, set[str]] = defaultdict(set)
    for account_id in ids:
        for candidate_line in candidate_lines.get(account_id, []):
            wanted[account_id].update(candidate_line.evidence)
        for step in next_steps.get(account_id, []):
            wanted[account_id].update(step.evidence)
        for risk in risks.get(account_id, []):
            wanted[account_id].update(risk.evidence)
        wanted[account_id] -= set(evidence[account_id])
    for account_id, resolved in ev.evidence_resolve(accounts=accounts, refs=wanted).items():
        for ref, record in resolved.items():
            evidence[account_id].setdefault(ref, _line(record))

    plans = []
    for a in accounts:
        goal_lines = []
        stated = [str(g) for g in (a.goals or [])]
        mine = outcomes.get(a.pk, [])
        for goal in stated:
            against = [o for o in mine if o.goal.strip().lower() == goal.strip().lower()]
            goal_lines.append(GoalLine(goal=goal, verified=sum(o.verified for o in against), outcomes=against))
        stated_keys = {g.strip().lower() for g in stated}
        other = [o for o in mine if o.goal.strip().lower() not in stated_keys]
        cited: set[str] = set()
        for group in (
            [o for g in goal_lines for o in g.outcomes],
            other,
            usage.get(a.pk, []),
            candidate_lines.get(a.pk, []),
            [d for c in candidate_lines.get(a.pk, []) for d in ([c.decision] if c.decision else [])],
            [f for c in candidate_lines.get(a.pk, []) for f in c.follow_ups],
            [s for h in stakeholders.get(a.pk, []) for s in h.asks],
            risks.get(a.pk, []),
            next_steps.get(a.pk, []),
        ):
            for item in group:
                cited.update(item.evidence)
        found = evidence.get(a.pk, {})
        plans.append(
            AccountPlan(
                as_of=today,
                account=AccountFacts(
                    id=a.pk,
                    external_id=a.external_id,
                    name=a.name,
                    owner=_name(a.owner) if a.owner and a.owner.is_active else "",
                    segment=a.segment,
                    segment_label=Segment(a.segment).label if a.segment in Segment.values else a.segment,
                    plan=a.plan,
                    seats_purchased=a.seats_purchased,
                    arr=float(a.arr) if a.arr is not None else None,
                    currency=a.currency,
                    renewal_date=a.renewal_date,
                    renewal_days=(a.renewal_date - today).days if a.renewal_date else None,
                    health=a.get_health_display() if a.health else "",
                ),
                goals=goal_lines,
                other_outcomes=other,
                usage=usage.get(a.pk, []),
                candidates=sorted(candidate_lines.get(a.pk, []), key=lambda c: (not c.open, -c.score)),
                stakeholders=stakeholders.get(a.pk, []),
                risks=risks.get(a.pk, []),
                next_steps=next_steps.get(a.pk, []),
                evidence=sorted(
                    (
                        found.get(i)
                        or EvidenceLine(id=i, kind="Missing", title=i, text="This item is no longer stored.")
                        for i in cited
                    ),
                    key=lambda e: (e.at is None, -(e.at.timestamp() if e.at else 0), e.id),
                ),
            )
        )
    return plans


def _usage_line(account_source: str, metric: str, day: dt.date, total: float) -> EvidenceLine:
    return EvidenceLine(
        id=ev.usage_ref(metric, day),
        kind="Usage",
        source=account_source,
        at=dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC),
        title=metric_label(metric),
        text=f"{total:,.0f} (daily total across departments)",
    )


def _line(item: ev.AnyEvidence, *, event_kind: str = "Decision") -> EvidenceLine:
    """One resolved item as the summary cites it: texts as excerpts, figures as labels."""
    match item:
        case ev.MessageEvidence():
            who = item.contact or ("Customer" if item.inbound else "")
            return EvidenceLine(
                id=item.id,
                kind="Message",
                source=item.origin,
                at=item.at,
                who=who,
                title=item.channel,
                text=_excerpt(item.text, 300),
            )
        case ev.TicketEvidence():
            return EvidenceLine(
                id=item.id,
                kind="Ticket",
                source=item.source,
                at=item.at,
                title=item.subject,
                text=f"{item.status}, {item.priority.lower()} priority. {_excerpt(item.body, 240)}".strip(),
            )
        case ev.OutcomeEvidence():
            return EvidenceLine(
                id=item.id,
                kind="Outcome",
                source=item.source,
                at=item.at,
                who=item.department,
                title=item.title,
                text=item.summary,
            )
        case ev.NoteEvidence():
            return EvidenceLine(
                id=item.id,
                kind="Owner note",
                source=item.source,
                at=item.at,
                who=item.author,
                title="Note",
                text=_excerpt(item.text, 300),
            )
        case ev.OpportunityEvidence():
            return EvidenceLine(
                id=item.id, kind="Opportunity", source=item.source, at=item.at, title=item.name, text=item.stage
            )
        case ev.AccountEvidence():
            return EvidenceLine(
                id=item.id, kind="Account", source=item.source, at=item.at, title=item.name, text=item.summary
            )
        case ev.UsageEvidence():
            return _usage_line(item.source, item.metric, item.day, item.total)
        case ev.EventEvidence():
            # the reject reason's label, as the API contract says it, not its code
            reason = RejectReason(item.reason).label if item.reason in RejectReason.values else item.reason
            return EvidenceLine(
                id=item.id,
                kind=event_kind,
                source=item.source,
                at=item.at,
                who=item.actor_name or item.actor_login,
                title=item.kind_label,
                text=item.next_step or reason or item.note or item.opportunity_id,
            )


def account_plan(*, user: AnyUser, pk: int) -> AccountPlan:
    """One account's summary, or 404 when it does not exist or the user may not see it."""
    account = scope_accounts(Account.objects.select_related("owner"), user).filter(pk=pk).first()
    if account is None:
        raise Http404("No such account")
    return account_plans(user=user, accounts=[account])[0]


def account_plan_by_external_id(*, user: AnyUser, external_id: str) -> AccountPlan:
    account = scope_accounts(Account.objects.select_related("owner"), user).filter(external_id=external_id).first()
    if account is None:
        raise Http404("No such account")
    return account_plans(user=user, accounts=[account])[0]


@dataclass(frozen=True)
class PlanFilters:
    renewal_within: int | None = 90  # days from today; None: any renewal date, or none
    owner_id: int | None = None  # leaders only; an owner always gets their own book
    segment: str = ""


@dataclass
class PlanSet:
    plans: list[AccountPlan]
    total: int  # accounts matching the filters; more than len(plans) when capped
    limit: int

    @property
    def capped(self) -> bool:
        return self.total > len(self.plans)


def plan_accounts(*, user: AnyUser, filters: PlanFilters, today: dt.date | None = None) -> QuerySet[Account]:
    """The accounts a multi-account document covers: soonest renewal first."""
    today = today or timezone.now().date()
    qs = scope_accounts(Account.objects.select_related("owner"), user)
    if not is_leader(user):
        qs = qs.filter(owner_id=user.pk)
    elif filters.owner_id:
        qs = qs.filter(owner_id=filters.owner_id)
    if filters.renewal_within is not None:
        qs = qs.filter(renewal_date__gte=today, renewal_date__lte=today + dt.timedelta(days=filters.renewal_within))
    if filters.segment:
        qs = qs.filter(segment=filters.segment)
    return qs.order_by("renewal_date", "name", "pk")


def plan_set(*, user: AnyUser, filters: PlanFilters, limit: int | None = None) -> PlanSet:
    today = timezone.now().date()
    limit = limit or MAX_ACCOUNTS
    qs = plan_accounts(user=user, filters=filters, today=today)
    total = qs.count()
    return PlanSet(account_plans(user=user, accounts=list(qs[:limit]), today=today), total, limit)
