"""Statistical model + phrase rules -> TextClassification.

Three linear models share one TF-IDF feature space (word 1-2 grams and char_wb
2-5 grams, which tolerates typos and shorthand):

- signal_type: multinomial logistic regression over the seven types and "none";
- intent: binary logistic regression (buying vs curious), trained on signal rows;
- conflict: multinomial logistic regression over the four conflicts and "none".

Phrase-rule matches are added to the models' log-odds, so admins can tune the
behaviour without retraining. A signal type whose final probability is below
MIN_SIGNAL_CONFIDENCE is reported as "none". The models are trained lazily,
deterministically, from corpus/train.jsonl on first use and cached in-process (no
pickles shipped).
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

from .corpus import load_corpus
from .labels import BUYING, CONFLICT_LABELS, CURIOUS, NO_INTENT, NO_SIGNAL, TYPE_LABELS
from .rules import (
    DEFAULT_PHRASE_RULES,
    RULE_LOGIT_SCALE,
    CompiledRule,
    PhraseRuleSpec,
    compile_rules,
)

# Regularisation strengths and class weights chosen by 5-fold cross-validation on
# train.jsonl only (evaluation.cross_validate); the held-out set was not used.
# Without class weights the models lean on the majority "no signal"/"no conflict"
# class: cross-validated signal recall falls from 0.98 to 0.93 (precision rises
# from 0.965 to 0.99, a worse trade) and conflict recall from 0.98 to 0.91. Fully
# "balanced" conflict weights overshoot the other way (false conflicts on "remove
# me from the mailing list"), hence the milder CONFLICT_NONE_WEIGHT.
TYPE_C = 10.0
TYPE_CLASS_WEIGHT: str | dict[int, float] | None = "balanced"
INTENT_C = 10.0
CONFLICT_C = 3.0
CONFLICT_NONE_WEIGHT = 0.2  # weight of a "no conflict" example relative to a conflict one
RANDOM_STATE = 0
# A non-"none" type whose probability is below this is reported as "none" (see
# docs/classifier.md, "Minimum confidence"). Chosen by cross-validation on train.
MIN_SIGNAL_CONFIDENCE = 0.4

_NONE_INDEX = TYPE_LABELS.index(NO_SIGNAL)
_NO_CONFLICT_INDEX = CONFLICT_LABELS.index(NO_SIGNAL)
_NUMBER_RE = re.compile(r"\d+(?:[.,:/-]\d+)*")
_SPACE_RE = re.compile(r"\s+")
# Clause boundaries: sentence punctuation followed by a space, a dash, "but"/"however",
# ", and" (which usually joins two separate requests) or ", so" (a cause, then the ask:
# "the upgrade in January went well, so now we'd like the audit add-on").
_CLAUSE_BREAK_RE = re.compile(
    r"[.!?;]+\s+|\s+-\s+|,?\s+but\s+|,?\s+however,?\s+|,\s+and\s+|,\s+so\s+", re.IGNORECASE
)


@dataclass(frozen=True)
class TextClassification:
    signal_type: str
    intent: str
    confidence: float
    conflict: str | None
    matched_rules: tuple[str, ...]


@dataclass(frozen=True)
class TrainedModels:
    word_vectorizer: TfidfVectorizer
    char_vectorizer: TfidfVectorizer
    type_model: LogisticRegression
    intent_model: LogisticRegression
    conflict_model: LogisticRegression


@dataclass
class RuleEvidence:
    """Log-odds contributed by phrase rules, aligned with the models' class axes."""

    type_logits: np.ndarray  # (n, len(TYPE_LABELS))
    intent_logits: np.ndarray  # (n,), positive = buying
    conflict_logits: np.ndarray  # (n, len(CONFLICT_LABELS))
    matched: list[list[str]]


def normalize_text(text: str) -> str:
    """Unify apostrophes/quotes and whitespace so rules and features see one form."""
    text = (
        text.replace("\u2019", "'")
        .replace("\u2018", "'")
        .replace("\u201c", '"')
        .replace("\u201d", '"')
    )
    return _SPACE_RE.sub(" ", text).strip()


def _model_text(text: str) -> str:
    """Text as the statistical model sees it: numbers collapse into one token.

    "12 seats" and "250 seats" are the same evidence; keeping raw numbers would
    make the model memorise figures from the training corpus.
    """
    return _NUMBER_RE.sub("NUM", text)


# ---------------------------------------------------------------- training


def _new_vectorizers() -> tuple[TfidfVectorizer, TfidfVectorizer]:
    word = TfidfVectorizer(
        analyzer="word",
        ngram_range=(1, 2),
        sublinear_tf=True,
        lowercase=True,
        token_pattern=r"(?u)\b\w+\b|\?",  # keep one-letter words and "?" (a curiosity cue)
    )
    char = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, lowercase=True, min_df=2
    )
    return word, char


def _logistic(c: float, class_weight: str | dict[int, float] | None = None) -> LogisticRegression:
    return LogisticRegression(
        C=c, class_weight=class_weight, max_iter=3000, random_state=RANDOM_STATE
    )


def train_models(rows: Sequence[dict]) -> TrainedModels:
    """Fit vectorizers and the three models on labelled rows (deterministic).

    Fitting runs single-threaded: these problems are tiny, and letting BLAS/OpenMP
    spawn a thread per core made training ~10x slower on a busy machine (threads
    fighting web workers for the same cores), not faster.
    """
    with threadpool_limits(limits=1):
        return _fit(rows)


def _fit(rows: Sequence[dict]) -> TrainedModels:
    texts = [_model_text(normalize_text(row["text"])) for row in rows]
    word, char = _new_vectorizers()
    features = hstack([word.fit_transform(texts), char.fit_transform(texts)]).tocsr()

    type_model = _logistic(TYPE_C, TYPE_CLASS_WEIGHT).fit(
        features, [TYPE_LABELS.index(r["signal_type"]) for r in rows]
    )

    signal_rows = [i for i, r in enumerate(rows) if r["signal_type"] != NO_SIGNAL]
    intent_model = _logistic(INTENT_C).fit(
        features[signal_rows], [int(rows[i]["intent"] == BUYING) for i in signal_rows]
    )

    conflict_targets = [CONFLICT_LABELS.index(r["conflict"] or NO_SIGNAL) for r in rows]
    conflict_weights = {
        i: (CONFLICT_NONE_WEIGHT if i == _NO_CONFLICT_INDEX else 1.0)
        for i in range(len(CONFLICT_LABELS))
    }
    conflict_model = _logistic(CONFLICT_C, conflict_weights).fit(features, conflict_targets)
    return TrainedModels(word, char, type_model, intent_model, conflict_model)


_MODELS: TrainedModels | None = None
_MODELS_LOCK = threading.Lock()


def get_models() -> TrainedModels:
    """Train once per process from train.jsonl; later calls reuse the cached models."""
    global _MODELS
    if _MODELS is None:
        with _MODELS_LOCK:
            if _MODELS is None:  # another thread may have trained while we waited
                _MODELS = train_models(load_corpus("train"))
    return _MODELS


def reset_models() -> None:
    """Forget the cached models (tests, or after editing the corpus in-process)."""
    global _MODELS
    with _MODELS_LOCK:
        _MODELS = None


# ---------------------------------------------------------------- inference


def _features(models: TrainedModels, texts: Sequence[str]) -> csr_matrix:
    model_texts = [_model_text(t) for t in texts]
    return hstack(
        [
            models.word_vectorizer.transform(model_texts),
            models.char_vectorizer.transform(model_texts),
        ]
    ).tocsr()


def _class_log_proba(model: LogisticRegression, features: csr_matrix, n_labels: int) -> np.ndarray:
    """Log-probabilities laid out on the full label axis, whatever classes were seen."""
    out = np.full((features.shape[0], n_labels), -30.0)
    out[:, model.classes_] = np.log(np.clip(model.predict_proba(features), 1e-12, 1.0))
    return out


def _sentence_starts(text: str) -> list[int]:
    """Start offsets of the sentences/clauses that negations are scoped to."""
    return [0] + [m.end() for m in _CLAUSE_BREAK_RE.finditer(text)]


def rule_evidence(texts: Sequence[str], rules: tuple[CompiledRule, ...]) -> RuleEvidence:
    """Run every rule over every text and turn the matches into log-odds."""
    n = len(texts)
    evidence = RuleEvidence(
        type_logits=np.zeros((n, len(TYPE_LABELS))),
        intent_logits=np.zeros(n),
        conflict_logits=np.zeros((n, len(CONFLICT_LABELS))),
        matched=[[] for _ in range(n)],
    )
    for i, text in enumerate(texts):
        hits, n_sentences = _rule_hits(text, rules)
        evidence.matched[i] = list(dict.fromkeys(spec.name for spec, _ in hits))
        sentences = _SentenceEvidence.collect(hits, n_sentences)
        evidence.type_logits[i] = sentences.type_logits()
        evidence.conflict_logits[i] = sentences.conflict_logits()
        evidence.intent_logits[i] = _intent_logit(hits)
    return evidence


def _rule_hits(
    text: str, rules: tuple[CompiledRule, ...]
) -> tuple[list[tuple[PhraseRuleSpec, int]], int]:
    """Every (rule, sentence index) match in one text, in rule-table order, and the sentence count."""
    starts = _sentence_starts(text)
    lowered = text.lower()
    hits: list[tuple[PhraseRuleSpec, int]] = []
    for rule in rules:
        for start in rule.search_all(text, lowered):
            hits.append((rule.spec, bisect_right(starts, start) - 1))
    return hits, len(starts)


def _intent_logit(hits: list[tuple[PhraseRuleSpec, int]]) -> float:
    """Intent cues describe the whole message: each cue counts once, and they add up."""
    cues = {spec.name: spec for spec, _ in hits if spec.kind in ("buying_cue", "curious_cue")}
    return sum(
        float(spec.weight) * RULE_LOGIT_SCALE * (1 if spec.kind == "buying_cue" else -1)
        for spec in cues.values()
    )


@dataclass
class _SentenceEvidence:
    """Rule strengths per sentence (rows) and label (columns) for one text.

    Several rules for one label usually match the same phrase ("add 10 more
    seats"), so per sentence only the strongest counts. An unscoped negation ("we
    don't need ...", "we upgraded last year") cancels the signal rules of its own
    sentence and supports "none"; so does a conflict ("go down from 140 to 95
    licences" is not an ask for licences). A scoped negation counts against its
    label in its sentence. Across sentences each label takes its strongest
    sentence, so "We upgraded last year. Now we need 10 more seats." keeps seats.
    """

    type_for: np.ndarray
    type_against: np.ndarray
    conflict_for: np.ndarray
    conflict_against: np.ndarray
    negated: np.ndarray

    @classmethod
    def collect(cls, hits: list[tuple[PhraseRuleSpec, int]], n_sentences: int) -> _SentenceEvidence:
        found = cls(
            type_for=np.zeros((n_sentences, len(TYPE_LABELS))),
            type_against=np.zeros((n_sentences, len(TYPE_LABELS))),
            conflict_for=np.zeros((n_sentences, len(CONFLICT_LABELS))),
            conflict_against=np.zeros((n_sentences, len(CONFLICT_LABELS))),
            negated=np.zeros((n_sentences, 1)),
        )
        for spec, sentence in hits:
            target = found._target(spec)
            if target is not None:
                array, column = target
                array[sentence, column] = max(
                    array[sentence, column], float(spec.weight) * RULE_LOGIT_SCALE
                )
        return found

    def _target(self, spec: PhraseRuleSpec) -> tuple[np.ndarray, int] | None:
        """Which array/column a rule feeds (intent cues are handled per message)."""
        if spec.kind == "signal":
            return self.type_for, TYPE_LABELS.index(spec.signal_type)
        if spec.kind == "conflict":
            return self.conflict_for, CONFLICT_LABELS.index(spec.conflict)
        if spec.kind == "negation" and spec.signal_type:
            return self.type_against, TYPE_LABELS.index(spec.signal_type)
        if spec.kind == "negation" and spec.conflict:
            return self.conflict_against, CONFLICT_LABELS.index(spec.conflict)
        if spec.kind == "negation":
            return self.negated, 0
        return None

    def type_logits(self) -> np.ndarray:
        conflicting = (self.conflict_for - self.conflict_against).max(axis=1).clip(min=0.0)
        blocked = np.maximum(self.negated[:, 0], conflicting)
        support = np.where(blocked[:, None] > 0, 0.0, self.type_for)
        logits = _strongest_sentence(support, self.type_against)
        # A negation explains away its own sentence, not a need stated in another
        # one: its support for "none" shrinks by the strongest signal left elsewhere.
        logits[_NONE_INDEX] += max(0.0, blocked.max() - support.max())
        return logits

    def conflict_logits(self) -> np.ndarray:
        return _strongest_sentence(self.conflict_for, self.conflict_against)


def _strongest_sentence(support: np.ndarray, against: np.ndarray) -> np.ndarray:
    """Per label, the net evidence of its strongest sentence; 0 where no sentence mentions it."""
    mentioned = (support > 0) | (against > 0)
    best = np.where(mentioned, support - against, -np.inf).max(axis=0)
    return np.where(np.isfinite(best), best, 0.0)


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


@dataclass
class RawScores:
    """Per-message probabilities before the decision (used by classify_with and tuning)."""

    type_proba: np.ndarray  # (n, len(TYPE_LABELS)), softmax of model log-probas + rule evidence
    buying_proba: np.ndarray  # (n,)
    conflict_proba: np.ndarray  # (n, len(CONFLICT_LABELS))
    matched: list[list[str]]


def raw_scores(
    models: TrainedModels, texts: Sequence[str], phrase_rules: Sequence[PhraseRuleSpec] | None
) -> RawScores:
    """Model probabilities combined with rule evidence, before any threshold is applied."""
    normalized = [normalize_text(t or "") for t in texts]
    rules = compile_rules(tuple(DEFAULT_PHRASE_RULES if phrase_rules is None else phrase_rules))
    features = _features(models, normalized)
    evidence = rule_evidence(normalized, rules)
    return RawScores(
        type_proba=_softmax(
            _class_log_proba(models.type_model, features, len(TYPE_LABELS)) + evidence.type_logits
        ),
        buying_proba=_sigmoid(
            models.intent_model.decision_function(features) + evidence.intent_logits
        ),
        conflict_proba=_softmax(
            _class_log_proba(models.conflict_model, features, len(CONFLICT_LABELS))
            + evidence.conflict_logits
        ),
        matched=evidence.matched,
    )


def classify_with(
    models: TrainedModels,
    texts: Sequence[str],
    phrase_rules: Sequence[PhraseRuleSpec] | None,
    min_confidence: float | None = None,
) -> list[TextClassification]:
    """Classify with explicit models (used by cross-validation as well as the API).

    min_confidence=None uses MIN_SIGNAL_CONFIDENCE; 0.0 disables the threshold.
    """
    if not texts:
        return []
    scores = raw_scores(models, texts, phrase_rules)
    threshold = MIN_SIGNAL_CONFIDENCE if min_confidence is None else float(min_confidence)
    type_index = scores.type_proba.argmax(axis=1)
    conflict_index = scores.conflict_proba.argmax(axis=1)
    return [
        _result(
            type_index[i],
            scores.type_proba[i],
            scores.buying_proba[i],
            conflict_index[i],
            scores.matched[i],
            threshold,
        )
        for i in range(len(texts))
    ]


def _result(
    type_index: int,
    type_proba: np.ndarray,
    buying: float,
    conflict_index: int,
    matched: list[str],
    min_confidence: float,
) -> TextClassification:
    if type_index != _NONE_INDEX and type_proba[type_index] < min_confidence:
        # Too weak to act on: report "none" with the probability of "none".
        type_index = _NONE_INDEX
    signal_type = TYPE_LABELS[type_index]
    intent = NO_INTENT if signal_type == NO_SIGNAL else (BUYING if buying >= 0.5 else CURIOUS)
    conflict = None if conflict_index == _NO_CONFLICT_INDEX else CONFLICT_LABELS[conflict_index]
    return TextClassification(
        signal_type=signal_type,
        intent=intent,
        confidence=round(float(type_proba[type_index]), 4),
        conflict=conflict,
        matched_rules=tuple(matched),
    )


def classify_texts(
    texts: Sequence[str],
    phrase_rules: Sequence[PhraseRuleSpec] | None = None,
    min_confidence: float | None = None,
) -> list[TextClassification]:
    """Classify many messages at once (features are computed in one vectorized pass).

    phrase_rules=None uses DEFAULT_PHRASE_RULES; pass the admin table's rules to
    use tuned ones, or an empty sequence for the bare statistical model.
    min_confidence=None uses MIN_SIGNAL_CONFIDENCE: a signal type whose probability
    is below it is reported as "none". Pass 0.0 to see every argmax.
    """
    return classify_with(get_models(), list(texts), phrase_rules, min_confidence)


def classify_text(
    text: str,
    phrase_rules: Sequence[PhraseRuleSpec] | None = None,
    min_confidence: float | None = None,
) -> TextClassification:
    """Classify one message; for many messages call classify_texts once instead."""
    return classify_texts([text], phrase_rules, min_confidence)[0]
