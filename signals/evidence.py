"""Evidence references resolved to what they point at.

A candidate, a brief statement or a blocker cites evidence by id: an imported item's
external id (a message, ticket, outcome, note or opportunity), the account's own external
id, `usage:<metric>:<yyyy-mm-dd>` for a day's readings, or `event:<pk>` for a measurement
event. `evidence_resolve` turns the ids cited in any number of accounts into typed records,
one query per kind of evidence, whatever the number of accounts or ids. The candidate page
(`reviews.selectors.evidence_items`) and the planning summary (`planning.selectors`) both
use it and each renders the records its own way; an id that resolves to nothing is simply
absent from the answer, and each page says so in its own words.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from accounts.models import Account, Interaction, Note, Opportunity, Outcome, Ticket, UsageDaily
from measurement.models import MeasurementEvent

USAGE_PREFIX = "usage:"
EVENT_PREFIX = "event:"


@dataclass(frozen=True, kw_only=True)
class Evidence:
    id: str  # as cited
    account_id: int
    source: str  # the system it was imported from ("this product" for events)


@dataclass(frozen=True, kw_only=True)
class MessageEvidence(Evidence):
    at: dt.datetime
    channel: str  # its label: "Email", "Chat"
    inbound: bool
    contact: str  # the contact's name, "" when none is linked
    text: str  # as imported, whole

    @property
    def origin(self) -> str:
        return f"{self.source} · {self.channel}"


@dataclass(frozen=True, kw_only=True)
class TicketEvidence(Evidence):
    at: dt.datetime  # opened
    subject: str
    body: str
    status: str  # label
    priority: str  # label
    closed_at: dt.datetime | None
    contact: str


@dataclass(frozen=True, kw_only=True)
class OutcomeEvidence(Evidence):
    at: dt.datetime  # recorded
    title: str
    goal: str
    metric: str
    baseline: float | None
    value: float | None
    department: str
    verified: bool

    @property
    def moved(self) -> str:
        """'close_days: 6 → 3' when the outcome says what moved, else ''."""
        if self.metric and self.baseline is not None and self.value is not None:
            return f"{self.metric}: {self.baseline:g} → {self.value:g}"
        return ""

    @property
    def summary(self) -> str:
        return " ".join(x for x in (f"Goal: {self.goal}." if self.goal else "", self.moved) if x)


@dataclass(frozen=True, kw_only=True)
class NoteEvidence(Evidence):
    at: dt.datetime  # written
    author: str  # e-mail as imported
    text: str


@dataclass(frozen=True, kw_only=True)
class OpportunityEvidence(Evidence):
    at: dt.datetime  # opened
    name: str
    stage: str  # label
    amount: Decimal | None


@dataclass(frozen=True, kw_only=True)
class AccountEvidence(Evidence):
    at: dt.datetime  # last updated
    name: str
    plan: str
    renewal_date: dt.date | None
    outreach_allowed: bool
    health: str

    @property
    def summary(self) -> str:
        return (
            f"Plan {self.plan or '—'}; renewal {self.renewal_date or '—'}; outreach "
            f"{'allowed' if self.outreach_allowed else 'not allowed'}; health {self.health or '—'}."
        )


@dataclass(frozen=True)
class UsageReading:
    department: str  # "" for the whole account
    value: float
    limit: float | None


@dataclass(frozen=True, kw_only=True)
class UsageEvidence(Evidence):
    metric: str
    day: dt.date
    readings: tuple[UsageReading, ...]  # one per department, by department; never empty

    @property
    def total(self) -> float:
        return sum(r.value for r in self.readings)


@dataclass(frozen=True, kw_only=True)
class EventEvidence(Evidence):
    at: dt.datetime
    kind: str  # EventKind value
    kind_label: str
    actor_name: str  # full name, "" when none
    actor_login: str  # username, "" when no actor
    reason: str  # as stored: a RejectReason code, or a deferral's words
    note: str
    next_step: str
    opportunity_id: str


AnyEvidence = (
    MessageEvidence
    | TicketEvidence
    | OutcomeEvidence
    | NoteEvidence
    | OpportunityEvidence
    | AccountEvidence
    | UsageEvidence
    | EventEvidence
)


def parse_usage_ref(ref: str) -> tuple[str, dt.date] | None:
    """`usage:<metric>:<day>` as (metric, day); None when it is not one (or its day is no date)."""
    if not ref.startswith(USAGE_PREFIX):
        return None
    metric, _, raw_day = ref[len(USAGE_PREFIX) :].rpartition(":")
    try:
        return metric, dt.date.fromisoformat(raw_day)
    except ValueError:
        return None


def usage_ref(metric: str, day: dt.date) -> str:
    return f"{USAGE_PREFIX}{metric}:{day.isoformat()}"


def _event_pk(ref: str) -> int | None:
    raw = ref[len(EVENT_PREFIX) :] if ref.startswith(EVENT_PREFIX) else ""
    return int(raw) if raw.isdigit() else None


# --- one record per stored row; the pages build their own lines with these too ---------


def message_evidence(m: Interaction) -> MessageEvidence:
    """`m` with its contact selected (select_related), or one query more."""
    return MessageEvidence(
        id=m.external_id,
        account_id=m.account_id,
        source=m.source,
        at=m.occurred_at,
        channel=m.get_channel_display(),
        inbound=m.direction == "inbound",
        contact=m.contact.name if m.contact else "",
        text=m.text,
    )


def ticket_evidence(t: Ticket) -> TicketEvidence:
    """`t` with its contact selected (select_related), or one query more."""
    return TicketEvidence(
        id=t.external_id,
        account_id=t.account_id,
        source=t.source,
        at=t.opened_at,
        subject=t.subject,
        body=t.body,
        status=t.get_status_display(),
        priority=t.get_priority_display(),
        closed_at=t.closed_at,
        contact=t.contact.name if t.contact else "",
    )


def outcome_evidence(o: Outcome) -> OutcomeEvidence:
    return OutcomeEvidence(
        id=o.external_id,
        account_id=o.account_id,
        source=o.source,
        at=o.recorded_at,
        title=o.title,
        goal=o.goal,
        metric=o.metric,
        baseline=o.baseline,
        value=o.value,
        department=o.department,
        verified=o.verified,
    )


def note_evidence(n: Note) -> NoteEvidence:
    return NoteEvidence(
        id=n.external_id, account_id=n.account_id, source=n.source, at=n.written_at, author=n.author_email, text=n.text
    )


def opportunity_evidence(p: Opportunity) -> OpportunityEvidence:
    return OpportunityEvidence(
        id=p.external_id,
        account_id=p.account_id,
        source=p.source,
        at=p.opened_at,
        name=p.name,
        stage=p.get_stage_display(),
        amount=p.amount,
    )


def account_evidence(a: Account) -> AccountEvidence:
    return AccountEvidence(
        id=a.external_id,
        account_id=a.pk,
        source=a.source,
        at=a.updated_at,
        name=a.name,
        plan=a.plan,
        renewal_date=a.renewal_date,
        outreach_allowed=a.outreach_allowed,
        health=a.health,
    )


def event_evidence(e: MeasurementEvent) -> EventEvidence:
    """`e` with its actor selected (select_related), or one query more."""
    data = e.data or {}

    def said(key: str) -> str:
        value = data.get(key)
        return str(value) if value else ""

    actor = e.actor
    return EventEvidence(
        id=f"{EVENT_PREFIX}{e.pk}",
        account_id=e.account_id,
        source="this product",
        at=e.occurred_at,
        kind=e.kind,
        kind_label=e.get_kind_display(),
        actor_name=actor.get_full_name() if actor else "",
        actor_login=actor.get_username() if actor else "",
        reason=said("reason"),
        note=said("note"),
        next_step=said("next_step"),
        opportunity_id=said("opportunity_id"),
    )


def evidence_resolve(
    *, accounts: Iterable[Account], refs: Mapping[int, Collection[str]]
) -> dict[int, dict[str, AnyEvidence]]:
    """The ids each account cites (`refs`, by account id), resolved within that account:
    an id stored under another account does not resolve. One query per kind of evidence
    that is cited at all; the account's own id needs none."""
    by_id = {a.pk: a for a in accounts}
    wanted = {account_id: set(ids) for account_id, ids in refs.items() if ids and account_id in by_id}
    found: dict[int, dict[str, AnyEvidence]] = {account_id: {} for account_id in wanted}
    if not wanted:
        return found
    account_ids = list(wanted)
    every = {i for ids in wanted.values() for i in ids}

    def keep(item: AnyEvidence) -> None:
        if item.id in wanted.get(item.account_id, ()):
            found[item.account_id].setdefault(item.id, item)

    for account_id, ids in wanted.items():
        account = by_id[account_id]
        if account.external_id in ids:
            keep(account_evidence(account))
    own = {by_id[a].external_id for a in account_ids}
    plain = {i for i in every if not i.startswith((USAGE_PREFIX, EVENT_PREFIX)) and i not in own}
    if plain:
        scope = {"account_id__in": account_ids, "external_id__in": plain}
        for m in Interaction.objects.filter(**scope).select_related("contact"):
            keep(message_evidence(m))
        for t in Ticket.objects.filter(**scope).select_related("contact"):
            keep(ticket_evidence(t))
        for o in Outcome.objects.filter(**scope):
            keep(outcome_evidence(o))
        for n in Note.objects.filter(**scope):
            keep(note_evidence(n))
        for p in Opportunity.objects.filter(**scope):
            keep(opportunity_evidence(p))

    usage = {key for i in every if (key := parse_usage_ref(i))}
    if usage:
        readings: dict[tuple[int, str, dt.date], list[tuple[UsageReading, str]]] = defaultdict(list)
        # Days and metrics as two IN lists, in the order of the natural key's index
        # (account, metric, date, department) that serves them; pairs that were not
        # asked for are dropped below.
        rows = UsageDaily.objects.filter(
            account_id__in=account_ids, metric__in={m for m, _ in usage}, date__in={d for _, d in usage}
        ).order_by("account_id", "metric", "date", "department")
        for u in rows:
            if (u.metric, u.date) in usage:
                readings[(u.account_id, u.metric, u.date)].append(
                    (UsageReading(u.department, u.value, u.limit), u.source)
                )
        for (account_id, metric, day), stored in readings.items():
            keep(
                UsageEvidence(
                    id=usage_ref(metric, day),
                    account_id=account_id,
                    source=stored[0][1],
                    metric=metric,
                    day=day,
                    readings=tuple(r for r, _ in stored),
                )
            )

    event_pks = {pk for i in every if (pk := _event_pk(i)) is not None}
    if event_pks:
        for e in MeasurementEvent.objects.filter(pk__in=event_pks, account_id__in=account_ids).select_related("actor"):
            keep(event_evidence(e))
    return found
