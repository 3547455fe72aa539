"""What a draft may use, read once from the candidate and its account."""

import datetime as dt
from dataclasses import dataclass, field

from accounts.models import Contact, Interaction, Outcome, Ticket
from plays.selectors import play_for_candidate
from signals.models import Candidate


@dataclass(frozen=True)
class Quote:
    evidence: str
    text: str
    at: dt.datetime
    contact_name: str = ""


@dataclass(frozen=True)
class DraftFacts:
    account_name: str
    account_id: str
    recommendation: str
    signal_label: str
    goal: str = ""
    outcome: Outcome | None = None
    quote: Quote | None = None
    usage: tuple[str, str] | None = None  # (evidence id, the brief's sentence about it)
    owner_name: str = ""
    blocker: str = ""
    evidence: set[str] = field(default_factory=set)
    # From the play that applies (plays/): the closing question, whether the customer's
    # words may be quoted back, and what not to do (for a writer that reads instructions).
    ask: str = ""
    quote_allowed: bool = True
    contact_name: str = ""  # who raised the signal, for the greeting even when not quoted
    avoid: tuple[str, ...] = ()


def _sentence(text: str, limit: int = 220) -> str:
    """The customer's words, trimmed to a sentence that fits in a message."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    for mark in (". ", "? ", "! "):
        if mark in cut:
            return cut[: cut.rindex(mark) + 1]
    return cut.rsplit(" ", 1)[0] + "…"


def draft_facts(candidate: Candidate) -> DraftFacts:
    account = candidate.account
    evidence = set(candidate.evidence or []) | {t.evidence for t in candidate.triggers if t.evidence}
    evidence.add(account.external_id)
    proof = candidate.review_facts.value_proof if candidate.review_facts else None
    outcome = None
    if proof and proof.verified and proof.outcome:
        outcome = Outcome.objects.filter(account=account, external_id=proof.outcome, verified=True).first()
        if outcome is not None:
            evidence.add(outcome.external_id)
    goals = account.goals or []
    goal = outcome.goal if outcome is not None and outcome.goal else (goals[0] if goals else "")
    quote = None
    usage = None
    for trigger in candidate.triggers:
        if trigger.kind == "message" and quote is None:
            message = Interaction.objects.filter(account=account, external_id=trigger.evidence).first()
            if message is not None:
                contact = (
                    Contact.objects.filter(pk=message.contact_id).values_list("name", flat=True).first()
                    if message.contact_id
                    else ""
                )
                quote = Quote(message.external_id, _sentence(message.text), message.occurred_at, contact or "")
        elif trigger.kind == "ticket" and quote is None:
            ticket = Ticket.objects.filter(account=account, external_id=trigger.evidence).first()
            if ticket is not None:
                quote = Quote(ticket.external_id, _sentence(ticket.subject), ticket.opened_at)
        elif usage is None and trigger.evidence:
            said = next((s.text for s in candidate.brief.signal if trigger.evidence in s.evidence), "")
            if said:
                usage = (trigger.evidence, said)
    blocker = next((b.message for b in candidate.blockers if b.code not in ("no_owner",)), "")
    play = play_for_candidate(candidate)
    quote_allowed = play.message_quotes_customer if play else True
    contact_name = quote.contact_name if quote else ""
    if not quote_allowed:
        quote = None
    owner = account.owner
    return DraftFacts(
        account_name=account.name,
        account_id=account.external_id,
        recommendation=candidate.recommendation,
        signal_label=candidate.get_signal_type_display().lower(),
        goal=goal,
        outcome=outcome,
        quote=quote,
        usage=usage,
        owner_name=(owner.first_name or owner.get_full_name() or owner.username) if owner else "",
        blocker=blocker,
        evidence=evidence,
        ask=play.message_ask if play else "",
        quote_allowed=quote_allowed,
        contact_name=contact_name,
        avoid=tuple(play.avoid_list) if play else (),
    )
