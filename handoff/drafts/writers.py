"""Draft writers. The template writer is deterministic and the default; an
OpenAI-compatible writer can be chosen with MESSAGE_WRITER, and its output is offered
only when it passes the same checks (citations, pressure, pricing), else the template
draft is offered and the reason logged."""

import datetime as dt
import hashlib
import json
import logging
import time
from dataclasses import asdict, dataclass, field
from typing import Protocol

import requests
from django.conf import settings
from django.core.cache import cache
from django.utils.module_loading import import_string

from handoff.drafts.checks import draft_problems
from handoff.drafts.facts import DraftFacts, draft_facts
from plays.selectors import play_for_candidate
from signals.models import Candidate
from signals.vocabulary import Recommendation

logger = logging.getLogger(__name__)

WAIT_LABEL = "Draft for after the blocker clears"
# Part of the cache key: change it when the template's wording changes, so cached
# drafts written by the old template are not offered.
DRAFT_FORMAT = 2
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
        """Greeting on its own line, the body as one paragraph, the closing question in
        its own paragraph, then the sign-off."""
        out = ""
        for s in self.sentences:
            t = s["text"]
            if t.startswith("\n"):
                out += t
            elif not out and t.endswith(","):
                out = t + "\n\n"
            elif t.rstrip().endswith("?") and out and not out.endswith("\n"):
                out += "\n\n" + t
            else:
                out += ("" if not out or out.endswith("\n") else " ") + t
        return out.strip()


class DraftWriter(Protocol):
    def write(self, facts: DraftFacts) -> list[dict]: ...


def _day(value: dt.date | dt.datetime) -> str:
    return f"{value:%-d %B %Y}"


def lower_first(text: str) -> str:
    """The text with its first letter lowercased to run on inside a sentence, unless the
    first word is an acronym or a mixed-case name ("PO approval", "API calls", "iPad")."""
    first = text.split(" ", 1)[0]
    if not first or len(first) > 1 and not first[1:].islower() and any(c.isalpha() for c in first[1:]):
        return text
    return text[0].lower() + text[1:]


def _usage_sentence(kind: str, said: str) -> str:
    """The brief's usage fact as a sentence with a verb, whatever its shape: "48 of 50
    purchased seats in use (96%) on 30 Nov", "Storage (GB) at 950 of a 1,000 limit...",
    "API calls up 40% over 8 weeks...", "Finance started using the product on 3 Nov"."""
    said = said.strip().rstrip(".")
    # A department's name leads the new-department fact: keep its capital.
    return f"Our records show {said if kind == 'new_department' else lower_first(said)}."


class TemplateDraftWriter:
    def write(self, facts: DraftFacts) -> list[dict]:
        name = facts.quote.contact_name if facts.quote else facts.contact_name
        first = name.split()[0] if name else ""
        out = [{"text": f"Hi {first}," if first else "Hello,", "evidence": []}]
        if facts.outcome is not None:
            goal = f"You set out to {lower_first(facts.goal)}" if facts.goal else "You set a goal"
            out.append(
                {
                    "text": f"{goal}, and {lower_first(facts.outcome.title).rstrip('.')} "
                    f"(verified on {_day(facts.outcome.recorded_at)}).",
                    "evidence": [facts.outcome.external_id],
                }
            )
        elif facts.goal:
            out.append(
                {
                    "text": f"Your team's goal is to {lower_first(facts.goal).rstrip('.')}.",
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
                    "text": _usage_sentence(facts.usage_kind, facts.usage[1]),
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
    """The draft offered in the approve form; None for Stop (no message at all).

    Kept in the cache per candidate version and writer configuration, so a page view
    does not call a language-model writer again: it is asked at most once per version
    (a rescore or decision that changes the candidate bumps the version and asks again).
    A writer that could not be reached is asked again after MESSAGE_LLM_RETRY_SECONDS."""
    if candidate.recommendation == Recommendation.STOP:
        return None
    key = _cache_key(candidate)
    if (cached := _cached(key)) is not None:
        return cached
    lock = key + ":writing"
    if not cache.add(lock, 1, timeout=settings.MESSAGE_LLM_TIMEOUT_SECONDS + 5):
        # Another request is writing this draft: wait for it rather than ask again.
        deadline = time.monotonic() + settings.MESSAGE_LLM_TIMEOUT_SECONDS + 5
        while time.monotonic() < deadline:
            time.sleep(0.2)
            if (cached := _cached(key)) is not None:
                return cached
        return _write(candidate, allow_model=False, busy=True)[0]
    try:
        draft, transient = _write(candidate)
        timeout = settings.MESSAGE_LLM_RETRY_SECONDS if transient else settings.MESSAGE_DRAFT_CACHE_SECONDS
        cache.set(key, asdict(draft), timeout=timeout)
        return draft
    finally:
        cache.delete(lock)


def _cache_key(candidate: Candidate) -> str:
    # The draft follows the play that applies (its closing question, whether it may quote
    # the customer): an admin's edit of the play must reach the next page view.
    play = play_for_candidate(candidate)
    config = json.dumps(
        [
            DRAFT_FORMAT,
            getattr(settings, "MESSAGE_WRITER", ""),
            settings.MESSAGE_LLM_URL,
            settings.MESSAGE_LLM_MODEL,
            [play.pk, play.updated_at.isoformat()] if play else None,
        ]
    )
    digest = hashlib.sha256(config.encode()).hexdigest()[:16]
    return f"draft:{candidate.pk}:{candidate.version}:{candidate.recommendation}:{digest}"


def _cached(key: str) -> Draft | None:
    value = cache.get(key)
    if not isinstance(value, dict):
        return None
    try:
        return Draft(**value)
    except TypeError:  # written by an older Draft: write it again
        return None


def _write(candidate: Candidate, *, allow_model: bool = True, busy: bool = False) -> tuple[Draft, bool]:
    """The draft, and whether the writer failed in a way worth asking again soon (it
    could not be reached), rather than with an answer that failed the checks."""
    facts = draft_facts(candidate)
    label = WAIT_LABEL if candidate.recommendation == Recommendation.WAIT else "Draft first message"
    writer = _writer()
    name = type(writer).__name__
    reason = ""
    transient = False
    if busy and not isinstance(writer, TemplateDraftWriter):
        reason = f"{name} is still writing this draft"
    elif allow_model and not isinstance(writer, TemplateDraftWriter):
        try:
            sentences = writer.write(facts)
            problems = draft_problems(sentences, facts.evidence, quote_allowed=facts.quote_allowed)
        except Exception as exc:  # the writer is outside the system: any failure falls back
            sentences, problems = [], [f"{type(exc).__name__}: {exc}"]
            transient = isinstance(exc, requests.ConnectionError | requests.Timeout) or (
                isinstance(exc, requests.HTTPError) and exc.response is not None and exc.response.status_code >= 500
            )
        if not problems:
            return Draft(sentences, name, label, evidence=_cited(sentences)), False
        reason = "; ".join(problems)
        logger.warning("%s draft for candidate %s refused, template used instead: %s", name, candidate.pk, reason)
    sentences = TemplateDraftWriter().write(facts)
    draft = Draft(sentences, "TemplateDraftWriter", label, fallback_reason=reason, evidence=_cited(sentences))
    return draft, transient


def _cited(sentences: list[dict]) -> list[str]:
    return list(dict.fromkeys(e for s in sentences for e in s.get("evidence", [])))
