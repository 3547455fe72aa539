"""An OpenAI-compatible chat-completions writer (OpenAI, Ollama, vLLM, llama.cpp...):
MESSAGE_WRITER=handoff.drafts.llm.OpenAIDraftWriter with MESSAGE_LLM_URL,
MESSAGE_LLM_MODEL and MESSAGE_LLM_KEY. It is asked for JSON sentences with citations;
writers.draft_for checks them and falls back to the template if any check fails."""

import json

import requests
from django.conf import settings

from handoff.drafts.facts import DraftFacts

SYSTEM = (
    "You draft the first e-mail an account manager may send to an existing customer. Use only the facts given. "
    "Lead with the customer's goal and the verified outcome, name their need in their own words (quote them), "
    "quoting only the customer_words given (never their whole message, greeting or sign-off), "
    "and propose a conversation, the closing question in its own sentence. Never mention a price, discount, quote, contract or deadline, and never use "
    'pressure. Answer with JSON only: {"sentences": [{"text": "...", "evidence": ["id"]}]}. Every '
    "sentence that states a fact cites the evidence ids it rests on, from the ids given; the greeting, the "
    "question and the sign-off cite none. Follow the play: never do anything it lists under do_not; when "
    "may_quote_customer is false, do not quote the customer; when close_with is given, end with that question."
)


def _facts_json(facts: DraftFacts) -> str:
    return json.dumps(
        {
            "customer": facts.account_name,
            "goal": {"text": facts.goal, "evidence": facts.account_id} if facts.goal else None,
            "verified_outcome": {
                "text": facts.outcome.title,
                "date": facts.outcome.recorded_at.date().isoformat(),
                "evidence": facts.outcome.external_id,
            }
            if facts.outcome
            else None,
            "customer_words": {
                "text": facts.quote.text,
                "from": facts.quote.contact_name,
                "evidence": facts.quote.evidence,
            }
            if facts.quote
            else None,
            "observed_usage": {"text": facts.usage[1], "evidence": facts.usage[0]} if facts.usage else None,
            "sender": facts.owner_name,
            "play": {"close_with": facts.ask, "do_not": list(facts.avoid), "may_quote_customer": facts.quote_allowed},
        }
    )


class OpenAIDraftWriter:
    def write(self, facts: DraftFacts) -> list[dict]:
        headers = {"Content-Type": "application/json"}
        if settings.MESSAGE_LLM_KEY:
            headers["Authorization"] = f"Bearer {settings.MESSAGE_LLM_KEY}"
        response = requests.post(
            settings.MESSAGE_LLM_URL.rstrip("/") + "/chat/completions",
            headers=headers,
            timeout=settings.MESSAGE_LLM_TIMEOUT_SECONDS,
            json={
                "model": settings.MESSAGE_LLM_MODEL,
                "temperature": 0.2,
                "response_format": {"type": "json_object"},
                "messages": [{"role": "system", "content": SYSTEM}, {"role": "user", "content": _facts_json(facts)}],
            },
        )
        response.raise_for_status()
        content = response.json()["choices"][0]["message"]["content"]
        sentences = json.loads(content)["sentences"]
        if not isinstance(sentences, list) or not all(
            isinstance(s, dict) and isinstance(s.get("text"), str) for s in sentences
        ):
            raise ValueError("the answer is not a list of sentences")
        return [{"text": s["text"], "evidence": [str(e) for e in s.get("evidence") or []]} for s in sentences]
