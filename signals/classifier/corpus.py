"""Access to the labelled corpus shipped next to this module (no pickles, plain JSONL)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from .labels import CONFLICTS, INTENTS, NO_SIGNAL, TYPE_LABELS

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
CORPUS_NAMES: tuple[str, ...] = ("train", "heldout")

_TOKEN_RE = re.compile(r"[a-z0-9]+")


def corpus_path(name: str) -> Path:
    """Return the path of a named corpus file, refusing unknown names."""
    if name not in CORPUS_NAMES:
        raise ValueError(f"unknown corpus {name!r}; expected one of {CORPUS_NAMES}")
    return CORPUS_DIR / f"{name}.jsonl"


def load_corpus(name: str) -> list[dict]:
    """Load a labelled corpus ("train" or "heldout") as a list of dicts.

    Each dict has text, signal_type, intent and conflict (None or a conflict code).
    Lines are validated so a hand edit with a typo fails loudly, not silently.
    """
    rows: list[dict] = []
    with corpus_path(name).open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if line.strip():
                rows.append(_validated(json.loads(line), name, lineno))
    return rows


def _validated(row: dict, name: str, lineno: int) -> dict:
    """Check one corpus row against the vocabulary."""
    where = f"{name}.jsonl:{lineno}"
    if not isinstance(row.get("text"), str) or not row["text"].strip():
        raise ValueError(f"{where}: empty text")
    if row.get("signal_type") not in TYPE_LABELS:
        raise ValueError(f"{where}: bad signal_type {row.get('signal_type')!r}")
    if row.get("intent") not in INTENTS:
        raise ValueError(f"{where}: bad intent {row.get('intent')!r}")
    if (row["signal_type"] == NO_SIGNAL) != (row["intent"] == "none"):
        raise ValueError(f"{where}: intent must be 'none' exactly when signal_type is 'none'")
    if row.get("conflict") is not None and row["conflict"] not in CONFLICTS:
        raise ValueError(f"{where}: bad conflict {row.get('conflict')!r}")
    return {
        "text": row["text"],
        "signal_type": row["signal_type"],
        "intent": row["intent"],
        "conflict": row.get("conflict"),
    }


def token_set(text: str) -> frozenset[str]:
    """Lower-cased word tokens, used for the near-duplicate check."""
    return frozenset(_TOKEN_RE.findall(text.lower()))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Token Jaccard similarity of two token sets."""
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def near_duplicates(
    left: list[dict], right: list[dict], threshold: float = 0.8
) -> list[tuple[str, str, float]]:
    """Pairs (left text, right text, similarity) whose token Jaccard exceeds threshold."""
    right_sets = [(row["text"], token_set(row["text"])) for row in right]
    pairs: list[tuple[str, str, float]] = []
    for row in left:
        tokens = token_set(row["text"])
        for other_text, other_tokens in right_sets:
            similarity = jaccard(tokens, other_tokens)
            if similarity > threshold:
                pairs.append((row["text"], other_text, similarity))
    return pairs
