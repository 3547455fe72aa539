"""The five-part brief. Every statement cites the evidence it rests on; nothing is
claimed that no evidence supports.

`TemplateBriefWriter` writes deterministic text from the evidence. A language-model
writer can be added behind the BRIEF_WRITER setting: it receives the same Assessment
and facts and must return the same shape (and keep every statement's citations).
"""

import datetime as dt
import re
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from signals.engine.assess import Assessment
from signals.engine.facts import AccountFacts, day_end
from signals.records import BlockerRecord, Brief
from signals.vocabulary import Blocker, Recommendation

BRIEF_PARTS = ("signal", "value", "risk_timing", "stakeholders", "next_step")
PART_TITLES = {
    "signal": "Signal",
    "value": "Proof and value",
    "risk_timing": "Risk and timing",
    "stakeholders": "Stakeholders",
    "next_step": "Next step",
}
ASKS = {
    "seats": "more seats",
    "capacity": "more capacity",
    "tier_upgrade": "the next tier",
    "scale": "a plan that fits their growth",
    "cross_sell": "the other product line",
    "add_on": "the add-on they asked about",
    "volume_pricing": "volume pricing",
}
ROLE_NAMES = {
    "decision_maker": "decision maker",
    "champion": "champion",
    "user": "user",
    "billing": "billing contact",
    "other": "contact",
}

Statement = dict  # {"text": str, "evidence": [ids]}


class BriefWriter(Protocol):
    def write(self, assessment: Assessment, facts: AccountFacts, as_of: dt.date) -> Brief | dict: ...


class _ValidatingWriter:
    """Whatever writer is configured, its output is checked against the Brief record."""

    def __init__(self, writer: BriefWriter) -> None:
        self.writer = writer

    def write(self, assessment: Assessment, facts: AccountFacts, as_of: dt.date) -> Brief:
        return Brief.model_validate(self.writer.write(assessment, facts, as_of))


def get_brief_writer() -> _ValidatingWriter:
    path = getattr(settings, "BRIEF_WRITER", "signals.engine.brief.TemplateBriefWriter")
    return _ValidatingWriter(import_string(path)())


def brief_text(brief: Brief) -> dict[str, str]:
    """The brief as five plain strings (the export's shape)."""
    return {part: brief.text_of(part) for part in BRIEF_PARTS}


def _s(text: str, *evidence: str) -> Statement:
    return {"text": text, "evidence": [e for e in evidence if e]}


def _day(value: dt.date | dt.datetime | None) -> str:
    return f"{value:%-d %b %Y}" if value else "an unknown date"


class TemplateBriefWriter:
    def write(self, a: Assessment, facts: AccountFacts, as_of: dt.date) -> dict[str, list[Statement]]:
        return {
            "signal": self._signal(a),
            "value": self._value(a, facts),
            "risk_timing": self._risk_timing(a, facts, as_of),
            "stakeholders": self._stakeholders(a, facts),
            "next_step": self._next_step(a, facts),
        }

    def _signal(self, a: Assessment) -> list[Statement]:
        out = []
        for text in a.texts[:3]:
            who = text.contact_name or "The customer"
            if text.contact_title:
                who += f" ({text.contact_title})"
            verb = "stated a need" if text.intent == "buying" else "asked"
            out.append(_s(f"{who} {verb} on {_day(text.item.at)}: “{text.item.summary}”", text.item.id))
        if len(a.texts) > 3:
            out.append(_s(f"{len(a.texts) - 3} more message(s) say the same.", *[t.item.id for t in a.texts[3:]]))
        for usage in a.usage:
            out.append(_s(f"{usage.item.summary}.", usage.item.id))
        return out

    def _value(self, a: Assessment, facts: AccountFacts) -> list[Statement]:
        goals = facts.account.goals or []
        if facts.verified_outcomes:
            out = []
            for outcome in facts.verified_outcomes[:2]:
                where = f" in {outcome.department}" if outcome.department else ""
                goal = f", against the goal ‘{outcome.goal}’" if outcome.goal else ""
                out.append(
                    _s(f"Verified{where} on {_day(outcome.recorded_at)}: {outcome.title}{goal}.", outcome.external_id)
                )
            return out
        if facts.unverified_outcomes:
            outcome = facts.unverified_outcomes[0]
            return [
                _s(
                    f"Not yet proven: ‘{outcome.title}’ ({_day(outcome.recorded_at)}) is recorded but not verified "
                    "by the customer or by data.",
                    outcome.external_id,
                )
            ]
        goal_text = f" Their stated goal{'s are' if len(goals) > 1 else ' is'} {_quote_list(goals)}." if goals else ""
        return [_s(f"No outcome evidence on record for {facts.account.name}.{goal_text}")]

    def _risk_timing(self, a: Assessment, facts: AccountFacts, as_of: dt.date) -> list[Statement]:
        out = [
            _s(b.message, *b.evidence)
            for b in a.blockers
            if b.code not in (Blocker.NO_VALUE_PROOF, Blocker.CURIOSITY_ONLY, Blocker.NO_OWNER)
        ]
        # Open tickets the current rule lets through (priority not blocking, younger than
        # the age limit) are named as such, so they do not read as blockers or vanish.
        blocking = {str(b.params.get("ticket")) for b in a.blockers if b.code == "open_support_issue"}
        quiet = [t for t in facts.unresolved_tickets if t.external_id not in blocking]
        end = day_end(as_of)
        if quiet:
            details = "; ".join(
                f"{t.external_id} priority {t.priority}, {(end - t.opened_at).days} "
                f"day{'s' if (end - t.opened_at).days != 1 else ''} old"
                for t in quiet
            )
            n = len(quiet)
            out.append(
                _s(
                    f"{n} open ticket{'s' if n != 1 else ''}, not blocking under the current rule: {details}.",
                    *[t.external_id for t in quiet],
                )
            )
        elif not blocking:
            out.append(_s("No unresolved support tickets."))
        if not any(b.code == "context_conflict" for b in a.blockers):
            out.append(
                _s(
                    "No request to reduce, downgrade or cancel, and no mention of alternatives, in the look-back window."
                )
            )
        renewal = facts.account.renewal_date
        if renewal:
            days = (renewal - as_of).days
            when = f"in {days} days" if days >= 0 else f"{-days} days ago"
            out.append(_s(f"Renewal on {_day(renewal)}, {when}.", facts.account.external_id))
        return out

    def _stakeholders(self, a: Assessment, facts: AccountFacts) -> list[Statement]:
        out = []
        authors = {t.contact_id for t in a.texts if t.contact_id}
        for s in a.stakeholders[:4]:
            role = ROLE_NAMES.get(s.role, s.role)
            title = f", {s.title}" if s.title else ""
            dept = f" ({s.department})" if s.department else ""
            raised = " raised this signal" if s.contact_id in authors else ""
            engaged = f"; last wrote on {_day(s.last_engaged)}" if s.last_engaged else "; no messages on record"
            out.append(_s(f"{s.name}{title}{dept}, {role}{raised}{engaged}."))
        other_dept = {t.department for t in a.texts if t.department}
        proof_dept = {o.department for o in facts.verified_outcomes if o.department}
        if other_dept and proof_dept and not other_dept & proof_dept:
            out.append(
                _s(
                    f"The request comes from {_quote_list(sorted(other_dept), quote=False)}; the proven value is in "
                    f"{_quote_list(sorted(proof_dept), quote=False)}: a second department.",
                    *[t.item.id for t in a.texts],
                    *[o.external_id for o in facts.verified_outcomes],
                )
            )
        if not any(s.role == "decision_maker" for s in a.stakeholders):
            out.append(_s("No decision maker on record: find out who signs before any commercial step."))
        return out

    def _next_step(self, a: Assessment, facts: AccountFacts) -> list[Statement]:
        goal = _matching_goal(a, facts)
        ask = ASKS.get(a.signal_type, "the expansion")
        anchor = f", tied to their goal ‘{goal}’" if goal else ""
        first_blocker = next((b for b in a.blockers if b.code != Blocker.NO_OWNER), None)
        contact = next((t.contact_name for t in a.texts if t.contact_name), "")
        dm = next((s.name for s in a.stakeholders if s.role == "decision_maker"), "")
        with_whom = contact or dm or "the customer"
        rec = a.recommendation
        if rec == Recommendation.STOP:
            return [
                _s(
                    f"Do not raise an expansion. {first_blocker.message if first_blocker else ''} "
                    "Address the relationship first.",
                    *(first_blocker.evidence if first_blocker else []),
                )
            ]
        if rec == Recommendation.WAIT:
            waits = [b for b in a.blockers if b.code in ("open_support_issue", "poor_health", "poor_timing")]
            what = "; ".join(_wait_action(b) for b in waits)
            return [
                _s(
                    f"Wait: {what}. Then talk to {with_whom} about {ask}{anchor}.",
                    *[e for b in waits for e in b.evidence],
                )
            ]
        if rec == Recommendation.PROVE_VALUE:
            return [
                _s(
                    f"Collect or confirm outcome evidence with {with_whom} first{anchor}; make no ask until it is verified."
                )
            ]
        if rec == Recommendation.NURTURE:
            return [
                _s(
                    f"Answer {with_whom}'s question about {ask} helpfully, with no commercial ask; watch for a stated need.",
                    *[t.item.id for t in a.texts[:1]],
                )
            ]
        who = f"{with_whom}" + (f" and {dm}" if dm and dm != with_whom else "")
        return [
            _s(
                f"Propose a short call with {who} to scope {ask}{anchor}; review proof, timing and the message before "
                "anything reaches the customer.",
                *[i.id for i in a.signal_items[:2]],
            )
        ]


def _wait_action(blocker: BlockerRecord) -> str:
    if blocker.code == "open_support_issue":
        return f"resolve {', '.join(blocker.evidence)} first"
    if blocker.code == "poor_health":
        return "understand the decline in health"
    return "let the cool-down pass"


def _matching_goal(a: Assessment, facts: AccountFacts) -> str:
    """The stated goal that shares the most words with the signal, else the one with verified proof."""
    goals = facts.account.goals or []
    if not goals:
        return ""
    words = set(re.findall(r"[a-z]{4,}", " ".join(t.text.lower() for t in a.texts)))
    best = max(goals, key=lambda g: len(words & set(re.findall(r"[a-z]{4,}", g.lower()))))
    if words & set(re.findall(r"[a-z]{4,}", best.lower())):
        return best
    proven = [o.goal for o in facts.verified_outcomes if o.goal in goals]
    return proven[0] if proven else goals[0]


def _quote_list(items: list[str], quote: bool = True) -> str:
    q = (lambda x: f"‘{x}’") if quote else (lambda x: x)
    if len(items) <= 1:
        return "".join(q(i) for i in items)
    return ", ".join(q(i) for i in items[:-1]) + f" and {q(items[-1])}"


def cited_evidence(brief: Brief, blockers: list[BlockerRecord]) -> list[str]:
    """Every evidence id the brief relies on, blockers included, in first-cited order."""
    seen: dict[str, None] = {}
    for part in BRIEF_PARTS:
        for statement in getattr(brief, part):
            for evidence_id in statement.evidence:
                seen.setdefault(evidence_id, None)
    for blocker in blockers:
        for evidence_id in blocker.evidence:
            seen.setdefault(evidence_id, None)
    return list(seen)
