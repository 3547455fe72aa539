"""From an account's facts to its candidates: group evidence by signal type, then score,
gate and brief each one. Pure functions: no queries here."""

import datetime as dt
from dataclasses import dataclass, field

from signals.engine.facts import AccountFacts, Item, Stakeholder, TextSignal, UsageSignal, day_end
from signals.records import (
    BlockerRecord,
    Brief,
    ReviewFacts,
    ScoreComponent,
    ScoreComponents,
    StakeholderFact,
    TicketFact,
    Trigger,
    TriggerKind,
    ValueProofFact,
)
from signals.rules import RuleSet
from signals.vocabulary import Blocker, Intent, recommendation_for

INTENT_RANK: dict[str, int] = {Intent.BUYING: 3, Intent.INFERRED: 2, Intent.CURIOUS: 1}
SPECIFIC_USAGE = ("seats", "capacity")  # usage that names its own signal type


def _blocker(
    code: str, message: str, evidence: list[str] | None = None, **params: str | int | float | None
) -> BlockerRecord:
    return BlockerRecord(code=Blocker(code), message=message, evidence=list(evidence or []), params=params)


@dataclass
class Assessment:
    """One candidate as the engine sees it, before it is stored."""

    account_id: int
    signal_type: str
    intent: str
    texts: list[TextSignal]
    usage: list[UsageSignal]
    stakeholders: list[Stakeholder]
    blockers: list[BlockerRecord] = field(default_factory=list)
    no_owner: bool = False
    recommendation: str = ""
    score: int = 0
    components: ScoreComponents = field(default_factory=ScoreComponents)
    brief: Brief = field(default_factory=Brief)
    evidence: list[str] = field(default_factory=list)
    latest_evidence_at: dt.datetime | None = None
    triggers: list[Trigger] = field(default_factory=list)
    review_facts: ReviewFacts = field(default_factory=ReviewFacts)

    @property
    def signal_items(self) -> list[Item]:
        return [t.item for t in self.texts] + [u.item for u in self.usage]


def assess_account(
    facts: AccountFacts,
    rules: RuleSet,
    as_of: dt.date,
    *,
    last_outreach: tuple[int, dt.datetime] | None = None,
) -> list[Assessment]:
    groups = _group(facts)
    out = []
    for signal_type, (texts, usage) in sorted(groups.items()):
        assessment = Assessment(
            account_id=facts.account.pk,
            signal_type=signal_type,
            intent=_intent(texts),
            texts=sorted(texts, key=lambda t: _at(t.item.at), reverse=True),
            usage=usage,
            stakeholders=_stakeholders_for(facts, texts),
        )
        _gate(assessment, facts, rules, as_of, last_outreach)
        _score(assessment, facts, rules, as_of)
        assessment.latest_evidence_at = _latest(assessment.signal_items)
        assessment.triggers = triggers_of(assessment)
        out.append(assessment)
    return out


def _at(value: dt.datetime | dt.date | None) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    if value is None:
        return dt.datetime.min.replace(tzinfo=dt.UTC)
    return dt.datetime.combine(value, dt.time.min, tzinfo=dt.UTC)


def triggers_of(a: Assessment) -> list[Trigger]:
    """The items that make this signal, each with a ref that stays the same for as long
    as it is the same evidence (docs/engine.md, "A candidate's life")."""
    out = [
        Trigger(
            ref=t.item.id,
            kind="ticket" if t.item.kind == "ticket" else "message",
            at=_at(t.item.at),
            evidence=t.item.id,
            rules=list(t.matched_rules),
        )
        for t in a.texts
    ]
    for u in a.usage:
        numbers = {k: float(v) for k, v in u.numbers.items() if isinstance(v, int | float)}
        if u.code == "seats":
            crossed = u.numbers.get("crossed_on") or u.item.at
            kind: TriggerKind = "seats"
            ref, at = f"seats:{crossed}", _at(dt.date.fromisoformat(str(crossed)[:10]))
        elif u.code == "capacity":
            crossed = u.numbers.get("crossed_on") or u.item.at
            kind = "capacity"
            where = f":{u.department}" if u.department else ""
            ref, at = (
                f"capacity:{u.numbers.get('metric')}{where}:{crossed}",
                _at(dt.date.fromisoformat(str(crossed)[:10])),
            )
        elif u.code == "growth":
            weekly = u.numbers.get("weekly") or [0.0]
            numbers["level"] = float(weekly[-1])
            kind = "growth"
            ref, at = f"growth:{u.numbers.get('metric')}", _at(u.item.at)
        else:
            kind = "new_department"
            ref, at = f"department:{u.department}", _at(u.item.at)
        out.append(Trigger(ref=ref, kind=kind, at=at, evidence=u.item.id, numbers=numbers))
    return out


def review_facts_of(a: Assessment, facts: AccountFacts, rules: RuleSet, as_of: dt.date) -> ReviewFacts:
    """What was checked for the pilot's review-quality parts, as facts (not prose)."""
    end = day_end(as_of)
    verified = facts.verified_outcomes[0] if facts.verified_outcomes else None
    return ReviewFacts(
        checked=True,
        # The evidence the candidate stands on (its triggers and what its blockers cite),
        # whatever the brief's writer chose to cite.
        source_evidence=list(
            dict.fromkeys([t.evidence for t in a.triggers if t.evidence] + [e for b in a.blockers for e in b.evidence])
        ),
        value_proof=ValueProofFact(
            verified=verified is not None,
            outcome=verified.external_id if verified else None,
            title=verified.title if verified else "",
        ),
        stakeholders=[
            StakeholderFact(contact_id=s.contact_id, name=s.name, role=s.role)
            for s in a.stakeholders
            if s.role in ("decision_maker", "champion")
        ],
        open_issues_checked=True,
        tickets_checked=[
            TicketFact(
                id=t.external_id,
                status=t.status,
                priority=t.priority,
                blocking=t.priority in rules.blocking_priorities
                or (end - t.opened_at).days > rules.ticket_block_age_days,
            )
            for t in facts.unresolved_tickets
        ],
        tickets_checked_on=as_of,
    )


def _group(facts: AccountFacts) -> dict[str, tuple[list[TextSignal], list[UsageSignal]]]:
    """Texts and specific usage go to their own type. Generic adoption evidence (a new
    department, sustained growth) corroborates the customer's own words when there are
    any, preferring the same department, so the owner sees one candidate, not two."""
    groups: dict[str, tuple[list[TextSignal], list[UsageSignal]]] = {}
    for text in facts.texts:
        groups.setdefault(text.signal_type, ([], []))[0].append(text)
    for usage in facts.usage:
        if usage.code in SPECIFIC_USAGE or not groups:
            groups.setdefault(usage.signal_type, ([], []))[1].append(usage)
            continue
        target = _best_text_group(groups, usage)
        groups.setdefault(target, ([], []))[1].append(usage)
    return groups


def _best_text_group(groups: dict, usage: UsageSignal) -> str:
    def rank(item: tuple[str, tuple[list[TextSignal], list[UsageSignal]]]) -> tuple:
        signal_type, (texts, _) = item
        same_department = any(usage.department and t.department == usage.department for t in texts)
        same_type = signal_type == usage.signal_type
        best_intent = max((INTENT_RANK.get(t.intent, 0) for t in texts), default=0)
        return (same_department, same_type, best_intent, signal_type)

    with_texts = [(k, v) for k, v in groups.items() if v[0]]
    if not with_texts:
        return usage.signal_type
    return max(with_texts, key=rank)[0]


def _intent(texts: list[TextSignal]) -> str:
    if not texts:
        return Intent.INFERRED
    if any(t.intent == Intent.BUYING for t in texts):
        return Intent.BUYING
    return Intent.CURIOUS


def _stakeholders_for(facts: AccountFacts, texts: list[TextSignal]) -> list[Stakeholder]:
    """Decision makers and champions on the account, those who raised this signal first."""
    authors = {t.contact_id for t in texts if t.contact_id}
    return sorted(facts.stakeholders, key=lambda s: (s.contact_id not in authors, s.role != "decision_maker", s.name))


def _raised_by_several(assessment: Assessment) -> bool:
    """More than one person raised this signal."""
    return len({t.contact_id for t in assessment.texts if t.contact_id}) > 1


def _corroborating_stakeholder(assessment: Assessment, since: dt.datetime) -> bool:
    """More than one person raised it, or a decision maker other than the author wrote
    to us within the window."""
    authors = {t.contact_id for t in assessment.texts if t.contact_id}
    if len(authors) > 1:
        return True
    return any(
        s.role == "decision_maker"
        and s.contact_id not in authors
        and s.last_engaged is not None
        and s.last_engaged >= since
        for s in assessment.stakeholders
    )


def _gate(
    a: Assessment,
    facts: AccountFacts,
    rules: RuleSet,
    as_of: dt.date,
    last_outreach: tuple[int, dt.datetime] | None,
) -> None:
    account = facts.account
    end = day_end(as_of)
    blockers: list[BlockerRecord] = []
    if not account.outreach_allowed:
        blockers.append(
            _blocker(
                Blocker.CONSENT_MISSING,
                f"Stop: {account.name} does not allow commercial outreach (consent or relationship hold).",
                [account.external_id],
                account=account.external_id,
            )
        )
    for item in facts.opt_outs:
        blockers.append(
            _blocker(
                Blocker.CONSENT_MISSING,
                f"Stop: the customer asked on {_day(item.at)} not to receive sales offers ({item.id}): “{item.summary}”",
                [item.id],
                item=item.id,
            )
        )
    for item, kind in facts.conflicts:
        verb = {
            "reduce": "asked to reduce",
            "downgrade": "asked to downgrade",
            "cancel": "talked about cancelling",
            "alternatives": "said they are evaluating alternatives",
        }.get(kind, "raised a conflict")
        blockers.append(
            _blocker(
                Blocker.CONTEXT_CONFLICT,
                f"Stop: the customer {verb} on {_day(item.at)} ({item.id}): “{item.summary}”",
                [item.id],
                conflict=kind,
                item=item.id,
            )
        )
    for ticket in facts.unresolved_tickets:
        age = (end - ticket.opened_at).days
        blocking_priority = ticket.priority in rules.blocking_priorities
        if blocking_priority or age > rules.ticket_block_age_days:
            status = ticket.get_status_display().lower()
            blockers.append(
                _blocker(
                    Blocker.OPEN_SUPPORT_ISSUE,
                    f"Wait: ticket {ticket.external_id} ‘{ticket.subject}’ is {status}, {ticket.priority} priority, "
                    f"{age} day{'s' if age != 1 else ''} old.",
                    [ticket.external_id],
                    ticket=ticket.external_id,
                    status=ticket.status,
                    priority=ticket.priority,
                    age_days=age,
                )
            )
    if account.health == "poor":
        blockers.append(
            _blocker(
                Blocker.POOR_HEALTH,
                f"Wait: {account.name}'s health is marked poor in the CS platform.",
                [account.external_id],
                source="health",
            )
        )
    for decline in facts.declines:
        blockers.append(
            _blocker(
                Blocker.POOR_HEALTH,
                f"Wait: {decline.item.summary}.",
                [decline.item.id],
                source="decline",
                metric=str(decline.numbers.get("metric", "")),
                change=float(decline.numbers.get("change", 0.0)),
            )
        )
    if last_outreach and last_outreach[1] >= end - dt.timedelta(days=rules.outreach_cooldown_days):
        event_id, when = last_outreach
        blockers.append(
            _blocker(
                Blocker.POOR_TIMING,
                f"Wait: outreach was logged on {_day(when)}; give the customer {rules.outreach_cooldown_days} days "
                f"before another ask.",
                [f"event:{event_id}"],
                source="outreach",
                event=event_id,
            )
        )
    if not facts.verified_outcomes:
        unverified = facts.unverified_outcomes[:1]
        hint = f" The latest outcome, ‘{unverified[0].title}’, is not verified." if unverified else ""
        blockers.append(
            _blocker(
                Blocker.NO_VALUE_PROOF,
                f"Prove value first: no verified outcome in the last {rules.value_proof_days} days.{hint}",
                [o.external_id for o in unverified],
                window_days=rules.value_proof_days,
            )
        )
    # A curious question stays Nurture until something about this signal backs it: usage,
    # or a second person asking. A decision maker who wrote about something else does not
    # turn "out of curiosity, what's above our plan?" into a buying conversation.
    if a.intent == Intent.CURIOUS and not a.usage and not _raised_by_several(a):
        blockers.append(
            _blocker(
                Blocker.CURIOSITY_ONLY,
                "Nurture: the customer is asking, not buying, and nothing else corroborates it yet: answer the question, make no ask.",
                [t.item.id for t in a.texts],
            )
        )
    if not facts.owner_active:
        blockers.append(
            _blocker(
                Blocker.NO_OWNER,
                f"No owner: {account.name} has no active owner; it waits in the leaders' triage list until someone is "
                "assigned.",
                [account.external_id],
            )
        )
    a.blockers = blockers
    a.recommendation = recommendation_for([b.code for b in blockers])
    a.no_owner = not facts.owner_active


def _score(a: Assessment, facts: AccountFacts, rules: RuleSet, as_of: dt.date) -> None:
    """Weighted components, each stored with its points and the reason, so the UI can say why."""
    w = rules.weights
    shares: dict[str, float] = {Intent.BUYING: 1.0, Intent.INFERRED: 0.6, Intent.CURIOUS: 0.4}
    intent_share = shares[a.intent]
    sources = {"text"} if a.texts else set()
    if a.usage:
        sources.add("usage")
    if _corroborating_stakeholder(a, day_end(as_of) - dt.timedelta(days=rules.text_window_days)):
        sources.add("stakeholders")
    renewal_days = _renewal_days(facts, as_of)
    # A customer who plans to cut back, downgrade or leave makes the renewal a risk, not
    # timing support: a conflict never raises the score.
    if renewal_days is not None and 0 <= renewal_days <= rules.renewal_window_days and not facts.conflicts:
        sources.add("timing")
    corroboration_share = min(1.0, (len(sources) - 1) / 2) if sources else 0.0
    if facts.verified_outcomes:
        value_share, value_reason = 1.0, f"verified outcome: {facts.verified_outcomes[0].title}"
    elif facts.unverified_outcomes:
        value_share, value_reason = 0.4, "outcome recorded but not verified"
    else:
        value_share, value_reason = 0.0, "no outcome evidence"
    roles = {t.contact_role for t in a.texts}
    if roles & {"decision_maker", "champion"}:
        stakeholder_share, stakeholder_reason = 1.0, "raised by a decision maker or champion"
    elif any(t.contact_id for t in a.texts) or a.stakeholders:
        stakeholder_share, stakeholder_reason = 0.4, "raised by a user; decision maker not yet involved"
    else:
        stakeholder_share, stakeholder_reason = 0.0, "no named stakeholder"
    newest = _latest(a.signal_items)
    age = (day_end(as_of) - newest).days if newest else rules.text_window_days
    recency_share = max(0.0, 1 - age / max(rules.text_window_days, 1))
    components = {
        "intent": (intent_share, f"intent {a.intent}"),
        "corroboration": (corroboration_share, f"sources: {', '.join(sorted(sources)) or 'none'}"),
        "value": (value_share, value_reason),
        "stakeholder": (stakeholder_share, stakeholder_reason),
        "recency": (recency_share, f"newest evidence {age} day{'s' if age != 1 else ''} old"),
    }
    total_weight = sum(w.values()) or 1
    a.components = ScoreComponents(
        **{
            name: ScoreComponent(
                points=round(share * w[name] * 100 / total_weight, 1),
                max=round(w[name] * 100 / total_weight, 1),
                reason=reason,
            )
            for name, (share, reason) in components.items()
        }
    )
    a.score = max(0, min(100, round(sum(c.points for _, c in a.components.items()))))


def _renewal_days(facts: AccountFacts, as_of: dt.date) -> int | None:
    renewal = facts.account.renewal_date
    return (renewal - as_of).days if renewal else None


def _latest(items: list[Item]) -> dt.datetime | None:
    stamps = [
        i.at if isinstance(i.at, dt.datetime) else day_end(i.at) - dt.timedelta(seconds=1)
        for i in items
        if i.at is not None
    ]
    return max(stamps) if stamps else None


def _day(value: dt.datetime | dt.date | None) -> str:
    return f"{value:%-d %b %Y}" if value else "an unknown date"
