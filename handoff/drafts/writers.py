"""Draft writers. The template writer is deterministic and the default; an
OpenAI-compatible writer can be chosen with MESSAGE_WRITER, and its output is offered
only when it passes the same checks (citations, pressure, pricing), else the template
draft is offered and the reason logged."""

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from handoff.drafts.checks import draft_problems
from handoff.drafts.facts import DraftFacts, draft_facts
from signals.models import Candidate
from signals.vocabulary import Recommendation

logger = logging.getLogger(__name__)

WAIT_LABEL = "Draft for after the blocker clears"
DEFAULT_ASK = "Would a 30-minute conversation in the next few weeks help to work out what your team needs next?"


@dataclass
class Draft:
    sentences: list[dict]  # {"text", "evidence": [ids]}; greeting and sign-off carry none
    writer: str
    label: str = "Draft first message"
    fallback_reason: str = ""
    evidence: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """Greeting on its own line, the body as one paragraph, then the sign-off."""
        out = ""
        for s in self.sentences:
            t = s["text"]
            if t.startswith("\n"):
                out += t
            elif not out and t.endswith(","):
                out = t + "\n\n"
            else:
                out += ("" if not out or out.endswith("\n") else " ") + t
        return out.strip()


class DraftWriter(Protocol):
    def write(self, facts: DraftFacts) -> list[dict]: ...


def _day(value: dt.date | dt.datetime) -> str:
    return f"{value:%-d %B %Y}"


class TemplateDraftWriter:
    def write(self, facts: DraftFacts) -> list[dict]:
        name = facts.quote.contact_name if facts.quote else facts.contact_name
        first = name.split()[0] if name else ""
        out = [{"text": f"Hi {first}," if first else "Hello,", "evidence": []}]
        if facts.outcome is not None:
            goal = f"You set out to {facts.goal[0].lower()}{facts.goal[1:]}" if facts.goal else "You set a goal"
            out.append(
                {
                    "text": f"{goal}, and {facts.outcome.title[0].lower()}{facts.outcome.title[1:].rstrip('.')} "
                    f"(verified on {_day(facts.outcome.recorded_at)}).",
                    "evidence": [facts.outcome.external_id],
                }
            )
        elif facts.goal:
            out.append(
                {
                    "text": f"Your team's goal is to {facts.goal[0].lower()}{facts.goal[1:].rstrip('.')}.",
                    "evidence": [facts.account_id],
                }
            )
        if facts.quote is not None:
            out.append(
                {
                    "text": f"On {_day(facts.quote.at)} you wrote: “{facts.quote.text}”",
                    "evidence": [facts.quote.evidence],
                }
            )
        elif facts.usage is not None:
            out.append(
                {
                    "text": f"We noticed that {facts.usage[1][0].lower()}{facts.usage[1][1:]}",
                    "evidence": [facts.usage[0]],
                }
            )
        out.append({"text": facts.ask or DEFAULT_ASK, "evidence": []})
        out.append({"text": "\n\nBest,", "evidence": []})
        if facts.owner_name:
            out.append({"text": f"\n{facts.owner_name}", "evidence": []})
        return out


def _writer() -> DraftWriter:
    return import_string(getattr(settings, "MESSAGE_WRITER", "handoff.drafts.writers.TemplateDraftWriter"))()


def draft_for(candidate: Candidate) -> Draft | None:
    """The draft offered in the approve form; None for Stop (no message at all)."""
    if candidate.recommendation == Recommendation.STOP:
        return None
    facts = draft_facts(candidate)
    label = WAIT_LABEL if candidate.recommendation == Recommendation.WAIT else "Draft first message"
    writer = _writer()
    name = type(writer).__name__
    reason = ""
    if not isinstance(writer, TemplateDraftWriter):
        try:
            sentences = writer.write(facts)
            problems = draft_problems(sentences, facts.evidence, quote_allowed=facts.quote_allowed)
        except Exception as exc:  # the writer is outside the system: any failure falls back
            sentences, problems = [], [f"{type(exc).__name__}: {exc}"]
        if not problems:
            return Draft(sentences, name, label, evidence=_cited(sentences))
        reason = "; ".join(problems)
        logger.warning("%s draft for candidate %s refused, template used instead: %s", name, candidate.pk, reason)
    sentences = TemplateDraftWriter().write(facts)
    return Draft(sentences, "TemplateDraftWriter", label, fallback_reason=reason, evidence=_cited(sentences))


def _cited(sentences: list[dict]) -> list[str]:
    return list(dict.fromkeys(e for s in sentences for e in s.get("evidence", [])))
