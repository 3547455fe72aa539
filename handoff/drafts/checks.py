"""What a draft may not say: pressure, prices or contract terms, and facts without a
citation to evidence on the candidate. The customer's own words, quoted, are theirs and
are not checked for pressure or pricing."""

import re

# Tested phrase list (tests/handoff/test_drafts.py): urgency, scarcity and discounts.
PRESSURE_PHRASES: tuple[str, ...] = (
    "limited time",
    "act now",
    "act fast",
    "hurry",
    "last chance",
    "don't miss",
    "do not miss",
    "expires",
    "expiring",
    "today only",
    "only today",
    "while supplies last",
    "before it's too late",
    "only a few left",
    "exclusive offer",
    "special offer",
    "final offer",
    "deadline",
    "urgent",
    "asap",
    "lock in",
    "discount",
    "% off",
    "percent off",
    "free upgrade",
    "price increase",
    "prices go up",
    "sign today",
    "sign now",
)
PRICING = re.compile(
    r"[$€£¥]\s?\d|\b\d[\d,.]*\s?(?:k|usd|eur|gbp|dollars?|euros?)\b|\bpric(?:e|es|ed|ing)\b|\bquote\b|"
    r"\bcontracts?\b|\binvoices?\b|\bper (?:seat|user|month|year)\b|\bcost(?:s)?\b|\bterms\b|\brenew(?:al)? "
    r"(?:now|early)\b",
    re.IGNORECASE,
)
QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")
# As long as the template's excerpt of the customer's words (handoff.drafts.facts
# QUOTE_LIMIT) plus its quote marks: a model quoting more is quoting the whole e-mail.
QUOTE_MAX = 202


def _ours(text: str) -> str:
    return QUOTED.sub("", text)


def pressure_found(text: str) -> list[str]:
    lowered = _ours(text).lower().replace("’", "'")
    return [p for p in PRESSURE_PHRASES if p in lowered]


def pricing_found(text: str) -> list[str]:
    return [m.group(0) for m in PRICING.finditer(_ours(text))]


def is_factual(sentence: str) -> bool:
    """A sentence that states something (not a greeting, a question or a sign-off)."""
    s = sentence.strip()
    if not s or s.endswith("?") or s.endswith(",") or "\n" in s.strip():
        return False
    return len(s.split()) > 3


def draft_problems(sentences: list[dict], allowed_evidence: set[str], *, quote_allowed: bool = True) -> list[str]:
    """Every reason a draft cannot be offered; empty when it passes. `quote_allowed`
    False (the play says so) refuses quoting the customer's words back."""
    problems = []
    text = " ".join(s.get("text", "") for s in sentences)
    if not quote_allowed and QUOTED.search(text):
        problems.append("quotes the customer, which the play rules out")
    if long := [q for q in QUOTED.findall(text) if len(q) > QUOTE_MAX]:
        problems.append(f"quotes more than the sentence that carries the signal ({len(long[0]) - 2} characters)")
    if pressure := pressure_found(text):
        problems.append(f"pressure phrases: {', '.join(pressure)}")
    if pricing := pricing_found(text):
        problems.append(f"pricing or contract terms: {', '.join(pricing)}")
    for s in sentences:
        cited = [e for e in s.get("evidence", []) if e]
        if is_factual(s.get("text", "")) and not cited:
            problems.append(f"a factual sentence cites no evidence: {s.get('text', '')[:80]!r}")
        if unknown := [e for e in cited if e not in allowed_evidence]:
            problems.append(f"cites evidence not on the candidate: {', '.join(unknown)}")
    return problems
