"""Access to the labelled corpus shipped next to this module (no pickles, plain JSONL).

The corpus is written by several independent writers, each blind to the others:

- ``train.jsonl`` and ``heldout.jsonl``: the original writer, ``w0_original``;
- ``writers/<writer>.jsonl``: one file per further writer (``w1_enterprise_am``, ...).

The production model trains on every writer (``training_rows()``). Quality is
measured leave-one-writer-out (``evaluation.evaluate_by_writer``): train on all
writers but one, test on that one.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from .labels import CONFLICTS, INTENTS, NO_SIGNAL, TYPE_LABELS

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
WRITERS_DIR = CORPUS_DIR / "writers"
CORPUS_NAMES: tuple[str, ...] = ("train", "heldout")
ORIGINAL_WRITER = "w0_original"
CHANNELS: tuple[str, ...] = ("email", "chat", "call_note", "ticket")
# Hard-case tags the writers attach to their lines (see corpus/README.md); reported one by one.
TAGS: tuple[str, ...] = (
    "polarity",
    "past",
    "third_party",
    "sarcasm",
    "joined_problem_need",
    "non_native",
    "no_trigger_words",
    "hypothetical",
    "type_boundary",
    "support",
    "conflict",
)

_TOKEN_RE = re.compile(r"[a-z0-9]+")
_WRITER_RE = re.compile(r"^[a-z0-9_]+$")


def corpus_path(name: str) -> Path:
    """Return the path of a named corpus file: "train", "heldout" or "writers/<writer>"."""
    if name in CORPUS_NAMES:
        return CORPUS_DIR / f"{name}.jsonl"
    prefix, _, writer = name.partition("/")
    folders = {"writers": WRITERS_DIR, "sealed": SEALED_DIR, "external": EXTERNAL_DIR, "negatives": NEGATIVES_DIR}
    if prefix in folders and _WRITER_RE.match(writer):
        # sealed/ holds writers the model never trains on, scored once per round;
        # external/ holds third-party text (public datasets), never trained on either
        path = folders[prefix] / f"{writer}.jsonl"
        if path.exists():
            return path
    raise ValueError(
        f"unknown corpus {name!r}; expected one of {CORPUS_NAMES} or writers/<writer> ({', '.join(writer_names())})"
    )


SEALED_DIR = CORPUS_DIR / "sealed"
EXTERNAL_DIR = CORPUS_DIR / "external"
# Third-party support text the model trains on as extra `none` rows (never a writer, never
# held out, never scored): see corpus/README.md, "Training negatives".
NEGATIVES_DIR = CORPUS_DIR / "negatives"
# Each negatives row counts this much in training relative to a writer's row: enough to
# teach "ordinary support traffic is none", not so much that it swamps the writers.
NEGATIVE_WEIGHT = 1.0


def negative_names() -> tuple[str, ...]:
    """Training-negatives sets under corpus/negatives/ (third-party support text, all `none`)."""
    if not NEGATIVES_DIR.is_dir():
        return ()
    return tuple(sorted(p.stem for p in NEGATIVES_DIR.glob("*.jsonl")))


def load_negatives() -> list[dict]:
    """Every training-negatives row, weighted NEGATIVE_WEIGHT; all `none` (checked)."""
    rows: list[dict] = []
    for name in negative_names():
        for row in load_corpus(f"negatives/{name}"):
            if row["signal_type"] != NO_SIGNAL or row["conflict"] is not None:
                raise ValueError(f"negatives/{name}.jsonl: every line must be none/none with no conflict")
            row["weight"] = NEGATIVE_WEIGHT
            rows.append(row)
    return rows


def external_names() -> tuple[str, ...]:
    """Third-party evaluation sets under corpus/external/ (never trained on)."""
    if not EXTERNAL_DIR.is_dir():
        return ()
    return tuple(sorted(p.stem for p in EXTERNAL_DIR.glob("*.jsonl")))


def writer_names() -> tuple[str, ...]:
    """Writers with a file under corpus/writers/ (w0_original is train + heldout)."""
    if not WRITERS_DIR.is_dir():
        return ()
    return tuple(sorted(p.stem for p in WRITERS_DIR.glob("*.jsonl")))


def corpus_files() -> tuple[Path, ...]:
    """Every file the production model trains on, in a fixed order."""
    return (
        (corpus_path("train"), corpus_path("heldout"))
        + tuple(WRITERS_DIR / f"{w}.jsonl" for w in writer_names())
        + tuple(NEGATIVES_DIR / f"{n}.jsonl" for n in negative_names())
    )


def load_corpus(name: str) -> list[dict]:
    """Load a labelled corpus ("train", "heldout" or "writers/<writer>") as a list of dicts.

    Each dict has text, signal_type, intent, conflict (None or a conflict code),
    writer, channel (None when unknown) and tags (a tuple). Lines are validated so a
    hand edit with a typo fails loudly, not silently.
    """
    path = corpus_path(name)
    default_writer = ORIGINAL_WRITER if name in CORPUS_NAMES else path.stem
    rows: list[dict] = []
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if line.strip():
                row = _validated(json.loads(line), name, lineno, default_writer)
                row["source"] = name
                rows.append(row)
    return rows


def load_writer_file(path: Path) -> list[dict]:
    """A labelled JSONL file outside the corpus (a new writer's file before it joins), validated.

    Lines without a writer belong to the file's stem, as under writers/.
    """
    rows: list[dict] = []
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if line.strip():
                row = _validated(json.loads(line), path.stem, lineno, path.stem)
                row["source"] = str(path)
                rows.append(row)
    return rows


def load_writers() -> dict[str, list[dict]]:
    """Every writer's rows: w0_original (train + heldout) first, then corpus/writers/*."""
    writers = {ORIGINAL_WRITER: load_corpus("train") + load_corpus("heldout")}
    for writer in writer_names():
        writers[writer] = load_corpus(f"writers/{writer}")
    return writers


def training_rows() -> list[dict]:
    """What the production model trains on: every writer's rows, then the training negatives."""
    return [row for rows in load_writers().values() for row in rows] + load_negatives()


def corpus_digest() -> str:
    """A hash of every corpus file, part of the model version."""
    digest = hashlib.sha256()
    for path in corpus_files():
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _validated(row: dict, name: str, lineno: int, default_writer: str) -> dict:
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
    tags = row.get("tags") or []
    unknown = [t for t in tags if t not in TAGS]
    if unknown:
        raise ValueError(f"{where}: unknown tags {unknown}")
    channel = row.get("channel")
    if channel is not None and channel not in CHANNELS:
        raise ValueError(f"{where}: bad channel {channel!r}")
    return {
        "text": row["text"],
        "signal_type": row["signal_type"],
        "intent": row["intent"],
        "conflict": row.get("conflict"),
        "writer": row.get("writer") or default_writer,
        "channel": channel,
        "tags": tuple(tags),
        # external sets keep the dataset's own intent name, to read errors by kind
        "source_category": row.get("source_category"),
    }


def token_set(text: str) -> frozenset[str]:
    """Lower-cased word tokens, used for the near-duplicate check."""
    return frozenset(_TOKEN_RE.findall(text.lower()))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Token Jaccard similarity of two token sets."""
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def near_duplicates(left: list[dict], right: list[dict], threshold: float = 0.8) -> list[tuple[str, str, float]]:
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
