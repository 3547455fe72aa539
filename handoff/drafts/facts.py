"""What a draft may use, read once from the candidate and its account."""

import datetime as dt
import re
from dataclasses import dataclass, field

from accounts.models import Contact, Interaction, Outcome, Ticket
from plays.selectors import play_for_candidate
from signals.classifier import DEFAULT_PHRASE_RULES
from signals.models import Candidate, PhraseRule

# The most of the customer's words a draft quotes back (the checks hold a model's draft
# to the same limit).
QUOTE_LIMIT = 200


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
    usage_kind: str = ""  # the usage trigger's kind: seats, capacity, growth, new_department
    owner_name: str = ""
    blocker: str = ""
    evidence: set[str] = field(default_factory=set)
    # From the play that applies (plays/): the closing question, whether the customer's
    # words may be quoted back, and what not to do (for a writer that reads instructions).
    ask: str = ""
    quote_allowed: bool = True
    contact_name: str = ""  # who raised the signal, for the greeting even when not quoted
    avoid: tuple[str, ...] = ()


GREETING = re.compile(
    r"^\s*(?:hi|hello|hey|dear|good (?:morning|afternoon|evening)|greetings)\b[^\n.!?,:;]{0,40}[,!:;]?\s*",
    re.IGNORECASE,
)
SIGN_OFF = re.compile(
    r"^\s*(?:thanks|thank you|many thanks|thanks again|best|best regards|kind regards|regards|cheers|"
    r"all the best|sincerely|warm regards|talk soon)\b[^\n]{0,30}$",
    re.IGNORECASE | re.MULTILINE,
)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
PLEASANTRY = re.compile(r"^(?:i )?hope\b|^how are (?:you|things)\b|^happy \w+day\b|^quick question\b", re.IGNORECASE)
# Without a rule match (the model alone read it as a signal), the first sentence that
# talks about what they use or need is the most relevant one.
NEED_WORDS = re.compile(
    r"\b(?:seats?|licen[cs]es?|users?|plan|tier|upgrade|storage|limit|capacity|add|more|need|module|team)\b",
    re.IGNORECASE,
)


def _trim(text: str, limit: int, at: int = 0) -> str:
    """At most `limit` characters around offset `at`, cut at word boundaries with an
    ellipsis where words were left out."""
    if len(text) <= limit:
        return text
    start = 0
    if at > limit - 60:  # keep the matched words in view
        start = text.rfind(" ", 0, max(at - 40, 0)) + 1
    cut = text[start : start + limit - 2]
    if start + len(cut) < len(text):
        cut = cut.rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return ("…" if start else "") + cut


def signal_excerpt(text: str, patterns: list[str], limit: int = QUOTE_LIMIT) -> str:
    """The sentence of the customer's message that carries the signal: the one holding
    the first match of the rules that fired (else the first sentence of the body),
    without greeting or sign-off, at most `limit` characters."""
    body = text
    if m := SIGN_OFF.search(body):
        body = body[: m.start()]
    body = GREETING.sub("", body, count=1) if GREETING.match(body) else body
    body = " ".join(body.split()) or " ".join(text.split())
    sentences = [s for s in SENTENCE_END.split(body) if s.strip()] or [body]
    for pattern in patterns:
        try:
            match = re.search(pattern, body, re.IGNORECASE)
        except re.error:
            continue
        if match is None:
            continue
        offset = 0
        for sentence in sentences:
            offset = body.index(sentence, offset)
            if offset <= match.start() < offset + len(sentence):
                return _trim(sentence, limit, match.start() - offset)
            offset += len(sentence)
    body_sentences = [s for s in sentences if not PLEASANTRY.match(s)] or sentences
    return _trim(next((s for s in body_sentences if NEED_WORDS.search(s)), body_sentences[0]), limit)


def _patterns(names: list[str]) -> list[str]:
    """The patterns of the named phrase rules: the admin table's, else the defaults."""
    if not names:
        return []
    stored = dict(PhraseRule.objects.filter(name__in=names).values_list("name", "pattern"))
    defaults = {r.name: r.pattern for r in DEFAULT_PHRASE_RULES if r.name in names}
    return [p for n in names if (p := stored.get(n) or defaults.get(n))]


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
    usage_kind = ""
    for trigger in candidate.triggers:
        if trigger.kind == "message" and quote is None:
            message = Interaction.objects.filter(account=account, external_id=trigger.evidence).first()
            if message is not None:
                contact = (
                    Contact.objects.filter(pk=message.contact_id).values_list("name", flat=True).first()
                    if message.contact_id
                    else ""
                )
                excerpt = signal_excerpt(message.text, _patterns(trigger.rules))
                quote = Quote(message.external_id, excerpt, message.occurred_at, contact or "")
        elif trigger.kind == "ticket" and quote is None:
            ticket = Ticket.objects.filter(account=account, external_id=trigger.evidence).first()
            if ticket is not None:
                quote = Quote(ticket.external_id, signal_excerpt(ticket.subject, []), ticket.opened_at)
        elif usage is None and trigger.evidence:
            said = next((s.text for s in candidate.brief.signal if trigger.evidence in s.evidence), "")
            if said:
                usage = (trigger.evidence, said)
                usage_kind = trigger.kind
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
        usage_kind=usage_kind,
        owner_name=(owner.first_name or owner.get_full_name() or owner.username) if owner else "",
        blocker=blocker,
        evidence=evidence,
        ask=play.message_ask if play else "",
        quote_allowed=quote_allowed,
        contact_name=contact_name,
        avoid=tuple(play.avoid_list) if play else (),
    )
