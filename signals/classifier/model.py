"""Statistical models + phrase rules read clause by clause -> TextClassification.

Four linear models share one TF-IDF feature space (word 1-2 grams and char_wb
2-5 grams, which tolerates typos and shorthand; see features.py):

- signal: binary logistic regression, any signal vs none (balanced classes);
- signal_type: multinomial logistic regression over the seven types and "none";
- intent: binary logistic regression (buying vs curious), trained on signal rows;
- conflict: multinomial logistic regression over the four conflicts and "none".

Phrase rules run clause by clause (see docs/classifier.md, "Clauses"): a negation,
a contraction, something already done or someone else's need cancels the signal
rules of its own clause only. Their evidence is added to the models' log-odds, so
admins can tune the behaviour without retraining. Whether a message is a signal is
decided by its signal score (the binary model blended with the type model's "not
none", see DETECTOR_WEIGHT); below MIN_SIGNAL_CONFIDENCE it is reported as "none",
otherwise with its most probable signal type. The models are trained lazily,
deterministically, from every writer's corpus on first use, kept in-process and in a
private local cache keyed by corpus, code and library versions (never shipped)."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
import stat
import tempfile
import threading
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
import sklearn
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

from .corpus import training_rows
from .cues import has_conflict_cue
from .direction import count_lowered_spans, mark_number_direction
from .features import Featurizer, LinearScorer
from .labels import BUYING, CONFLICT_LABELS, CURIOUS, NO_INTENT, NO_SIGNAL, TYPE_LABELS
from .rules import (
    DEFAULT_PHRASE_RULES,
    NUMBER_WORD,
    RULE_LOGIT_SCALE,
    PhraseRuleSpec,
    RuleIndex,
    and_request_clauses,
    clause_starts,
    rule_index,
)

# Regularisation strengths and class weights chosen by cross-validation (see
# docs/classifier.md). Without class weights the models lean on the majority "no
# signal"/"no conflict" class; fully "balanced" conflict weights overshoot the other
# way (false conflicts on "remove me from the mailing list"), hence the milder
# CONFLICT_NONE_WEIGHT.
# Round 11 measured C = 10, 100 and 300 for the type model (docs/classifier.md, "Round 11"):
# 100 gained 0.15 points of precision leave-one-writer-out, all of it on the four newest
# writers, and moved twice as many readings when 30 random training lines were left out; 30 stays.
TYPE_C = 30.0
TYPE_CLASS_WEIGHT: str | dict[int, float] | None = "balanced"
INTENT_C = 10.0
CONFLICT_C = 3.0
CONFLICT_NONE_WEIGHT = 0.2  # weight of a "no conflict" example relative to a conflict one
RANDOM_STATE = 0
# Each writer's rows together weigh the same in training (weight = mean rows per writer /
# this writer's rows, to this power): the original writer has three times the rows of the
# others, and the models leaned on its phrasing. Training negatives keep their own weight.
# Round 6, chosen leave-one-writer-out (docs/classifier.md).
WRITER_BALANCE = 1.0
# lbfgs stopping tolerance (scikit-learn's default). 1e-3 trains 2-3x faster but cost
# 1.7 points of leave-one-writer-out precision (docs/classifier.md).
SOLVER_TOL = 1e-4
# Is it a signal at all? A dedicated binary model (signal vs none, balanced classes)
# plus the phrase rules' net evidence, blended with the type model's "not none"
# probability: signal score = DETECTOR_WEIGHT * detector + (1 - DETECTOR_WEIGHT) *
# (1 - P_type(none)). The weights were chosen leave-one-writer-out (docs/classifier.md,
# "Signal detector"); the detector alone over-triggers on support text, the type model
# alone misses signals whose probability mass is spread over several types.
# Since round 14 the detector is an NB-weighted logistic model (Wang & Manning, "Baselines and
# Bigrams", 2012): each feature is scaled by its naive Bayes log-count ratio between signal
# and none texts before the logistic fit, so the fit starts from which words tell a signal from
# support traffic, and leans less on words common to both (an "add-on" in the customer's own
# business, "storage" in a bug report). The fitted coefficients are multiplied back by the
# ratios: one linear model on the same features, scored in the same pass at no cost. With it
# the detector earns a larger share of the blend and the rules a smaller one inside it (they
# still count in the type model and the decision). Leave-one-writer-out, nested: precision
# 0.946 -> 0.957, recall 0.944 -> 0.951, false signals on support 3.8% -> 3.0%
# (docs/classifier.md, "Round 14").
SIGNAL_C = 10.0
SIGNAL_NB_ALPHA = 0.5  # smoothing of the log-count ratios (counts of texts that have the feature)
DETECTOR_WEIGHT = 0.7
DETECTOR_RULE_WEIGHT = 0.3  # share of the rules' net log-odds (best signal rule - "none") added to the detector
# A message mostly in another language (more of its words are German, Dutch, French, Spanish,
# Portuguese, Italian or Polish function words than English ones) keeps the blend of rounds 3-13:
# the statistical detector has seen little such text, and with most of the say its "none" outvoted
# the other-language rules ("Wir haben zwei neue Kolleginnen. Können wir zwei weitere Lizenzen
# bekommen?" read none; round 14).
OTHER_LANGUAGE_DETECTOR_WEIGHT = 0.3
OTHER_LANGUAGE_RULE_WEIGHT = 0.5
_ENGLISH_FUNCTION_WORDS = (
    "the and we to of is for our you can in it on with are this that have be please would do not what how "
    "there but at my i an will could should need want like us they your from a me was if more as so no all "
    "by up any get has new users team licences seats"
)
_OTHER_FUNCTION_WORDS = (  # German, Dutch, French, Spanish, Portuguese, Italian, Polish
    "wir und der die das dem den ist sind nicht für mit haben hätten möchten können gibt ein eine uns sie bitte "
    "auch noch wie ich ihr "
    "het een niet voor zijn kunnen ook onze jullie graag naar wij ons hebben willen "
    "nous les des est pour avec une pas sont vous notre nos le la et je il "
    "los las para con somos tienen nuestro nuestra el y que por es su hay "
    "os nós uma não nossa nosso está temos "
    "gli noi il sono nostro nostra abbiamo non è "
    "nie jest się dla mamy nasz jak czy"
)
_ENGLISH_WORDS = frozenset(_ENGLISH_FUNCTION_WORDS.split())
_OTHER_WORDS = frozenset(_OTHER_FUNCTION_WORDS.split())
_LETTER_WORD_RE = re.compile(r"[^\W\d_]+")


def is_other_language(text: str) -> bool:
    """True when more of a text's words are common function words of another language than of English,
    and at least two are ("LA team", "Des Moines", "9am EST" are English)."""
    if text.isascii() and " the " in f" {text.lower()} ":
        return False  # the commonest case, decided without splitting
    english = other = 0
    for word in _LETTER_WORD_RE.findall(text[:2000].lower()):
        if word in _ENGLISH_WORDS:
            english += 1
        elif word in _OTHER_WORDS:
            other += 1
    return other >= 2 and other > english


# Round 6: whether a message is a signal is decided by a small logistic model over its
# first-stage readings (DECISION_FEATURES: the blended signal score, the type model's
# probabilities, how many rules of each kind fired, the conflict model, a question mark),
# instead of fixed cut-offs on two of them. The rules' clause readings
# (negations, conflicts, cues) thus count as evidence with a learned weight, not only as
# vetoes of a fixed size. Since round 8 each coefficient keeps the sign DECISION_SIGNS
# gives it (more evidence for a signal never lowers the probability). The coefficients were
# fitted on the out-of-fold readings of all thirty-five writers (evaluation.fit_decision on
# evaluate_by_writer().decision_data), never on a sealed writer: see docs/classifier.md,
# "Round 13". Refit them when the corpus, the default rules or the first-stage models change.
DECISION_FEATURES: tuple[str, ...] = (
    "signal_score_logit",
    "log_p_none",
    "log_p_top_type",
    "log_p_any_type",
    "signal_rules",
    "negations",
    "type_negations",
    "conflict_rules",
    "buying_cues",
    "curious_cues",
    "p_no_conflict",
    "question",
)
# The sign each input's coefficient may take (+1 only up, -1 only down, 0 either): a
# monotone decision, fitted by evaluation.fit_decision (round 8).
DECISION_SIGNS: tuple[int, ...] = (1, -1, 1, 1, 1, -1, -1, -1, 1, 0, 1, 0)
DECISION_COEF = np.array([1.148, -0.156, 0.064, 0.0, 0.0, 0.0, 0.0, 0.0, 0.441, 0.396, 0.322, 0.136])
DECISION_INTERCEPT = -0.915
# A message is a signal when the decision model's probability reaches this (and is above
# 0.5); it is then reported with its most probable signal type. Chosen
# leave-one-writer-out (docs/classifier.md, "Round 8"), never on a sealed writer.
MIN_SIGNAL_CONFIDENCE = 0.505
# Only this many characters of a text are read: a 10 MB paste is scored on its first
# 20,000 characters, in bounded time and memory, and the result says it was truncated.
MAX_TEXT_CHARS = 20_000
# Part of the model version: bump when the way rules or features are read changes.
ENGINE_VERSION = "clauses-2+detector-1+negatives-1+balanced-writers-1+decision-3+conflict-cues-1+own-words-1+monotone-decision-1+intl-rules-1+frame-1+direction-3+and-request-1+fix-after-1+tier-clash-1+nb-detector-1+bare-need-1"

_NONE_INDEX = TYPE_LABELS.index(NO_SIGNAL)
_NO_CONFLICT_INDEX = CONFLICT_LABELS.index(NO_SIGNAL)
_TIER_INDEX = TYPE_LABELS.index("tier_upgrade")
_DOWNGRADE_INDEX = CONFLICT_LABELS.index("downgrade")
_N_TYPES = len(TYPE_LABELS)
_N_CONFLICTS = len(CONFLICT_LABELS)
_NUMBER_RE = re.compile(r"\d+(?:[.,:/-]\d+)*")


@dataclass(frozen=True)
class TextClassification:
    signal_type: str
    intent: str
    confidence: float
    conflict: str | None
    matched_rules: tuple[str, ...]  # names of the phrase rules that fired, in rule-table order
    truncated: bool = False  # only the first MAX_TEXT_CHARS characters were read
    model_version: str = ""  # corpus + rules + engine; store it with the reading


@dataclass(frozen=True)
class TrainedModels:
    featurizer: Featurizer
    type_model: LogisticRegression
    intent_model: LogisticRegression
    conflict_model: LogisticRegression
    signal_model: LogisticRegression  # binary: any signal vs none
    corpus_digest: str  # hash of the training rows; part of the model version
    scorer: LinearScorer  # the four models' decision functions in one fast pass

    @property
    def output_slices(self) -> tuple[slice, slice, slice, slice]:
        """Columns of scorer.scores() that belong to the type, intent, conflict and signal models."""
        n_type = self.type_model.coef_.shape[0]
        n_intent = self.intent_model.coef_.shape[0]
        n_conflict = self.conflict_model.coef_.shape[0]
        start = n_type + n_intent + n_conflict
        return (
            slice(0, n_type),
            slice(n_type, n_type + n_intent),
            slice(n_type + n_intent, start),
            slice(start, start + self.signal_model.coef_.shape[0]),
        )


def normalize_text(text: str) -> str:
    """Unify apostrophes/quotes and whitespace so rules and features see one form."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    # the same as collapsing r"\s+" and stripping (str.split splits on exactly what \s matches), 3x faster
    return " ".join(text.split())


# A time condition on a fix beside a need ("When the sync error is resolved, we'd like 15
# extra licences", "we'd like 15 extra licences once the sync error is resolved"): the problem
# is when, the need is what. The statistical model read the problem's words ("error",
# "resolved") and called the whole sentence support; it reads the need alone. The phrase rules
# still see every word (docs/classifier.md, "Round 8"; the condition after the need, round 13).
_FIXED = r"(?:resolved|fixed|sorted(?: out)?|solved|corrected|repaired|cleared up)"
_NEED_AHEAD = (
    r"(?:we|i)(?:'d| would| will|'ll)?\s*(?:also\s+)?(?:like|need|want|love)\b|please\b|(?:can|could) (?:we|you)\b"
)
_FIX_CONDITION = rf"(?:when|once|after|as soon as)\b[^.,;!?]{{0,80}}?\b(?:is|are|gets?|has been|have been)\s+{_FIXED}"
_FIX_CONDITION_RE = re.compile(
    rf"(?:^|(?<=[.!?] )){_FIX_CONDITION}\s*,?\s*(?=(?:{_NEED_AHEAD}))",
    re.IGNORECASE,
)
# The same condition after the need, up to the sentence's end: "…, once the sync error is fixed."
_FIX_CONDITION_AFTER_RE = re.compile(rf",?\s+{_FIX_CONDITION}(?=\s*(?:[.!?]|$))", re.IGNORECASE)
_NEED_RE = re.compile(rf"(?:^|\W)(?:{_NEED_AHEAD})", re.IGNORECASE)
_FIX_WORDS = ("solved", "fixed", "sorted", "corrected", "repaired", "cleared up")


def _without_fix_conditions(body: str) -> str:
    """body without a time condition on a fix before a need, or after one in its sentence."""
    body = _FIX_CONDITION_RE.sub("", body)

    def after_need(m: re.Match[str]) -> str:
        sentence_start = max(
            body.rfind(". ", 0, m.start()), body.rfind("! ", 0, m.start()), body.rfind("? ", 0, m.start())
        )
        return "" if _NEED_RE.search(body, sentence_start + 1, m.start()) else m.group(0)

    return _FIX_CONDITION_AFTER_RE.sub(after_need, body)


def _model_text(text: str) -> str:
    """Text as the statistical model sees it: numbers collapse into one token, and an e-mail's
    greeting and sign-off (strip_frame) and a time condition on a fix before a need
    (_FIX_CONDITION_RE) are left out.

    "12 seats" and "250 seats" are the same evidence; keeping raw numbers would
    make the model memorise figures from the training corpus.
    """
    body = strip_frame(text)
    lowered = body.lower()
    # the only texts it can match; a non-ASCII text may spell them with letters that match only
    # case-insensitively ("fıxed", "İS FİXED", "reſolved"), so it always runs there
    if not body.isascii() or any(word in lowered for word in _FIX_WORDS):
        body = _without_fix_conditions(body)
    return _NUMBER_RE.sub("NUM", mark_number_direction(body))


# ---------------------------------------------------------------- training


def _logistic(c: float, class_weight: str | dict[int, float] | None = None) -> LogisticRegression:
    return LogisticRegression(C=c, class_weight=class_weight, max_iter=3000, random_state=RANDOM_STATE, tol=SOLVER_TOL)


def rows_digest(rows: Sequence[dict]) -> str:
    """A hash of the labelled rows a model is trained on."""
    digest = hashlib.sha256()
    for row in rows:
        fields = [row["text"], row["signal_type"], row["intent"], row["conflict"]]
        if row.get("weight", 1.0) != 1.0:
            fields.append(row["weight"])
        digest.update(json.dumps(fields).encode())
    return digest.hexdigest()


def train_models(rows: Sequence[dict]) -> TrainedModels:
    """Fit the featurizer and the three models on labelled rows (deterministic).

    Fitting runs single-threaded: these problems are tiny, and letting BLAS/OpenMP
    spawn a thread per core made training ~10x slower on a busy machine (threads
    fighting web workers for the same cores), not faster.
    """
    with threadpool_limits(limits=1):
        return _fit(rows)


def _fit(rows: Sequence[dict]) -> TrainedModels:
    texts = [_model_text(normalize_text(row["text"][:MAX_TEXT_CHARS])) for row in rows]
    featurizer, features = Featurizer.fit(texts)
    # training negatives (corpus/negatives/) carry a weight; writers' rows are balanced below
    weights = np.array([float(row.get("weight", 1.0)) for row in rows])
    if WRITER_BALANCE:
        weights = weights * _writer_balance(rows)

    type_model = _logistic(TYPE_C, TYPE_CLASS_WEIGHT).fit(
        features, [TYPE_LABELS.index(r["signal_type"]) for r in rows], sample_weight=weights
    )

    signal_rows = [i for i, r in enumerate(rows) if r["signal_type"] != NO_SIGNAL]
    intent_model = _logistic(INTENT_C).fit(
        features[signal_rows], [int(rows[i]["intent"] == BUYING) for i in signal_rows]
    )

    conflict_targets = [CONFLICT_LABELS.index(r["conflict"] or NO_SIGNAL) for r in rows]
    conflict_weights = {
        i: (CONFLICT_NONE_WEIGHT if i == _NO_CONFLICT_INDEX else 1.0) for i in range(len(CONFLICT_LABELS))
    }
    conflict_model = _logistic(CONFLICT_C, conflict_weights).fit(features, conflict_targets, sample_weight=weights)
    is_signal = np.array([int(r["signal_type"] != NO_SIGNAL) for r in rows])
    ratio = nb_log_count_ratio(features, is_signal, SIGNAL_NB_ALPHA)
    signal_model = _logistic(SIGNAL_C, "balanced").fit(
        csr_matrix(features.multiply(ratio)), is_signal, sample_weight=weights
    )
    signal_model.coef_ = signal_model.coef_ * ratio  # the same model, on the unscaled features
    models = (type_model, intent_model, conflict_model, signal_model)
    scorer = featurizer.scorer(np.vstack([m.coef_ for m in models]), np.concatenate([m.intercept_ for m in models]))
    return TrainedModels(
        featurizer=featurizer,
        type_model=type_model,
        intent_model=intent_model,
        conflict_model=conflict_model,
        signal_model=signal_model,
        corpus_digest=rows_digest(rows),
        scorer=scorer,
    )


def nb_log_count_ratio(features: csr_matrix, target: np.ndarray, alpha: float) -> np.ndarray:
    """Per feature, log of (share of positive texts that have it) / (share of negative texts that
    have it), each count smoothed by alpha and normalised over the features (NB-SVM's r)."""
    present = features.astype(bool).astype(np.float64)
    positive = alpha + np.asarray(present[target == 1].sum(axis=0)).ravel()
    negative = alpha + np.asarray(present[target == 0].sum(axis=0)).ravel()
    return np.log((positive / positive.sum()) / (negative / negative.sum()))


def _writer_balance(rows: Sequence[dict]) -> np.ndarray:
    """Per row, (mean rows per writer / its writer's rows) ** WRITER_BALANCE for corpus writers' rows.

    Rows that carry their own weight (training negatives) and rows from outside the corpus
    files (owners' confirmed feedback, which has no "source") count as they are.
    """
    balanced = [("weight" not in row and "source" in row) for row in rows]
    counts: dict[str, int] = {}
    for row, balance in zip(rows, balanced, strict=True):
        if balance:
            counts[row["writer"]] = counts.get(row["writer"], 0) + 1
    if not counts:
        return np.ones(len(rows))
    mean = sum(counts.values()) / len(counts)
    return np.array(
        [
            (mean / counts[row["writer"]]) ** WRITER_BALANCE if balance else 1.0
            for row, balance in zip(rows, balanced, strict=True)
        ]
    )


# ---------------------------------------------------------------- local model cache

# Training takes 15-20 s, too slow for every worker start. A trained model is kept on
# local disk, keyed by everything that determines it: the training rows, the engine
# version, the hyper-parameters and the library versions. It is never shipped or
# shared: the directory is created private (0700) and a file is read only if this
# user owns it and nobody else can write to it or its directory (a pickle runs code
# when loaded). CLASSIFIER_CACHE_DIR moves it; "off" (or "") disables it.
CACHE_ENV = "CLASSIFIER_CACHE_DIR"
CACHE_KEEP = 16  # newest model files kept (about 50 MB each); older ones are deleted (bounded disk use)


def cache_dir() -> str | None:
    """Where trained models are cached, or None when caching is off."""
    configured = os.environ.get(CACHE_ENV)
    if configured is not None:
        return None if configured.strip().lower() in ("", "off", "0", "none") else configured
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "expansion-signals", "classifier")


def cache_key(rows: Sequence[dict]) -> str:
    """Everything a trained model depends on, hashed."""
    parts = [
        ENGINE_VERSION,
        rows_digest(rows),
        json.dumps(
            [
                TYPE_C,
                str(TYPE_CLASS_WEIGHT),
                INTENT_C,
                CONFLICT_C,
                CONFLICT_NONE_WEIGHT,
                SIGNAL_C,
                SIGNAL_NB_ALPHA,
                SOLVER_TOL,
                WRITER_BALANCE,
            ]
        ),
        sklearn.__version__,
        np.__version__,
        _featurizer_fingerprint(),
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


@lru_cache(maxsize=1)
def _featurizer_fingerprint() -> str:
    """A hash of features.py and this module's training code: editing them invalidates the cache."""
    from . import features

    digest = hashlib.sha256()
    for module_file in (features.__file__, __file__):
        with open(module_file, "rb") as fh:
            digest.update(fh.read())
    return digest.hexdigest()


def _private(path: str) -> bool:
    """True if path is ours and not writable by group or others."""
    try:
        info = os.stat(path)
    except OSError:
        return False
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _cache_load(directory: str, key: str) -> TrainedModels | None:
    path = os.path.join(directory, f"{key}.pickle")
    if not (_private(directory) and _private(path)):
        return None
    try:
        with open(path, "rb") as fh:
            models = pickle.load(fh)  # noqa: S301 - our own private file, see above
    except Exception:  # noqa: BLE001 - a torn or stale file is retrained, never fatal
        return None
    return models if isinstance(models, TrainedModels) else None


def _cache_store(directory: str, key: str, models: TrainedModels) -> None:
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
        if not _private(directory):
            return
        scorer = models.scorer  # stored without its per-word cache
        fresh = replace(
            models, scorer=LinearScorer(scorer.featurizer, scorer.word_coef, scorer.char_coef, scorer.intercept)
        )
        handle, tmp = tempfile.mkstemp(dir=directory, suffix=".tmp")
        with os.fdopen(handle, "wb") as fh:
            pickle.dump(fresh, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, os.path.join(directory, f"{key}.pickle"))  # atomic: readers see old or new
        files = sorted(
            (os.path.join(directory, name) for name in os.listdir(directory) if name.endswith(".pickle")),
            key=os.path.getmtime,
        )
        for old in files[:-CACHE_KEEP]:
            os.remove(old)
    except OSError:
        return  # a read-only or full disk only costs the next start a training


def cached_train_models(rows: Sequence[dict]) -> TrainedModels:
    """train_models(rows), read from the local cache when the same model was trained before."""
    directory = cache_dir()
    if directory is None:
        return train_models(rows)
    key = cache_key(rows)
    models = _cache_load(directory, key)
    if models is None:
        models = train_models(rows)
        _cache_store(directory, key, models)
    return models


_MODELS: TrainedModels | None = None
_MODELS_LOCK = threading.Lock()


def get_models() -> TrainedModels:
    """Train once per process on every writer's corpus (or read the cached model); later calls reuse it."""
    global _MODELS
    if _MODELS is None:
        with _MODELS_LOCK:
            if _MODELS is None:  # another thread may have trained while we waited
                _MODELS = cached_train_models(training_rows())
    return _MODELS


def reset_models() -> None:
    """Forget the cached models (tests, or after editing the corpus in-process)."""
    global _MODELS
    with _MODELS_LOCK:
        _MODELS = None


@lru_cache(maxsize=64)
def _version(corpus_digest: str, rules: tuple[PhraseRuleSpec, ...]) -> str:
    digest = hashlib.sha256(f"{ENGINE_VERSION}\n{corpus_digest}\n".encode())
    for spec in rules:
        digest.update(
            json.dumps([spec.name, spec.pattern, spec.kind, spec.signal_type, spec.conflict, spec.weight]).encode()
        )
    return digest.hexdigest()[:16]


def rows_version(rows: Sequence[dict], phrase_rules: Sequence[PhraseRuleSpec] | None = None) -> str:
    """The version a model trained on `rows` would carry, without training it."""
    rules = tuple(DEFAULT_PHRASE_RULES if phrase_rules is None else phrase_rules)
    return _version(rows_digest(rows), rules)


def model_version(phrase_rules: Sequence[PhraseRuleSpec] | None = None, models: TrainedModels | None = None) -> str:
    """The version string results carry: a hash of corpus, phrase rules and engine."""
    models = models or get_models()
    rules = tuple(DEFAULT_PHRASE_RULES if phrase_rules is None else phrase_rules)
    return _version(models.corpus_digest, rules)


# ---------------------------------------------------------------- inference


def _log_proba(model: LogisticRegression, decision: np.ndarray, n_labels: int) -> np.ndarray:
    """Log-probabilities from a model's decision function, on the full label axis.

    Labels the model never saw (a cross-validation fold without them) get -30.
    """
    out = np.full((decision.shape[0], n_labels), -30.0)
    if len(model.classes_) == 2:
        d = decision[:, 0]
        logs = np.stack([-np.logaddexp(0.0, d), -np.logaddexp(0.0, -d)], axis=1)
    else:
        shifted = decision - decision.max(axis=1, keepdims=True)
        logs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    out[:, model.classes_] = np.maximum(logs, np.log(1e-12))
    return out


@dataclass
class RuleEvidence:
    """Log-odds contributed by phrase rules, aligned with the models' class axes."""

    type_logits: np.ndarray  # (n, len(TYPE_LABELS))
    intent_logits: np.ndarray  # (n,), positive = buying
    conflict_logits: np.ndarray  # (n, len(CONFLICT_LABELS))
    matched: list[tuple[str, ...]]
    kind_counts: np.ndarray  # (n, len(RULE_KIND_COUNTS)): distinct rules of each kind that fired
    decisive: np.ndarray  # (n,) bool: a decisive negation covers every signal rule (DECISIVE_WEIGHT)


# Rule kinds counted for the decision model (DECISION_FEATURES "signal_rules" ... "curious_cues").
# A negation scoped to a conflict ("cancel the meeting") says nothing against a signal and
# is not counted.
RULE_KIND_COUNTS: tuple[str, ...] = ("signal", "negation", "type_negation", "conflict", "buying_cue", "curious_cue")


def _kind_column(spec: PhraseRuleSpec) -> int | None:
    if spec.kind == "negation" and spec.conflict:
        return None
    if spec.kind == "negation" and spec.signal_type:
        return RULE_KIND_COUNTS.index("type_negation")
    return RULE_KIND_COUNTS.index(spec.kind)


def rule_evidence(texts: Sequence[str], index: RuleIndex) -> RuleEvidence:
    """Run the rules over every text, clause by clause, and turn matches into log-odds."""
    n = len(texts)
    evidence = RuleEvidence(
        type_logits=np.zeros((n, _N_TYPES)),
        intent_logits=np.zeros(n),
        conflict_logits=np.zeros((n, _N_CONFLICTS)),
        matched=[()] * n,
        kind_counts=np.zeros((n, len(RULE_KIND_COUNTS))),
        decisive=np.zeros(n, dtype=bool),
    )
    columns = [_kind_column(rule.spec) for rule in index.rules]
    seats = TYPE_LABELS.index("seats")
    for i, text in enumerate(texts):
        hits = index.hits(text)
        if not hits:
            continue
        if any(index.rules[r].type_index == seats and index.rules[r].spec.kind == "signal" for r, _ in hits):
            hits = _without_seats_lowered(hits, index, text, seats)
            if not hits:
                continue
        if " and " in text and len({clause for _, clause in hits}) > 1:
            hits = _and_joined_without_conflict(hits, index, text)
        evidence.matched[i] = tuple(dict.fromkeys(index.rules[r].spec.name for r, _ in hits))
        for number in {r for r, _ in hits}:
            column = columns[number]
            if column is not None:
                evidence.kind_counts[i, column] += 1
        _clause_evidence(hits, index, evidence, i, text)
    return evidence


def _without_seats_lowered(
    hits: list[tuple[int, int]], index: RuleIndex, text: str, seats: int
) -> list[tuple[int, int]]:
    """The hits less the seats signal rules of a clause where a count of people goes down.

    "We'd like to go from 40 to 25 users" fired the seats from-to rules (a regex cannot compare
    numbers) and read as a seats signal with a reduce conflict (round 11). A clause where users,
    seats or licences go "from N ... to M" down is no evidence of more seats; other rules of the
    clause (a conflict, an add-on) still count, and a time or a price in the clause is no count.
    """
    down = count_lowered_spans(text)
    if not down:
        return hits
    starts = clause_starts(text)
    lowered = {bisect_right(starts, start) - 1 for start, _ in down}
    return [
        (r, clause)
        for r, clause in hits
        if clause not in lowered or index.rules[r].type_index != seats or index.rules[r].spec.kind != "signal"
    ]


def _and_chain_heads(text: str) -> dict[int, int]:
    """Each clause that an "and" + request verb continues -> the clause its chain starts with
    (in order, so a chain "a and | b and | c" heads to a); empty when there is none."""
    head: dict[int, int] = {}
    if " and " in text:
        for number in and_request_clauses(text):
            head[number] = head.get(number - 1, number - 1)
    return head


def _and_joined_without_conflict(hits: list[tuple[int, int]], index: RuleIndex, text: str) -> list[tuple[int, int]]:
    """Hits with the clauses that "and" + a request verb split apart read as one again, unless a
    conflict rule fired in one of them.

    The break before "and add/order/upgrade…" (round 12) is there so that a conflict stays in its
    own half: "Drop us from 40 to 25 users and | add the SMS add-on" is a reduction and an add-on
    ask. Without a conflict, the halves are one statement and a negation in either covers both:
    "we don't plan to add anyone and | raise our storage cap", "the button to add users and |
    increase storage is greyed out" (a reviewer's cases: the split had made them buying signals).
    """
    head = _and_chain_heads(text)
    if not head:
        return hits
    with_conflict = {head.get(clause, clause) for r, clause in hits if index.rules[r].spec.kind == "conflict"}
    joined = {
        (r, clause if head.get(clause, clause) in with_conflict else head.get(clause, clause)) for r, clause in hits
    }
    return sorted(joined)


# An unscoped negation of at least this weight is decisive: where it fires and no signal rule is
# left in another clause (nor a bare need, below), the message is none whatever the statistical
# models say. No shipped rule is this strong (the strongest negations weigh 2.5); it is the
# admin's tool for "this is never a signal" (an internal project called Lighthouse, a partner's
# name), which since round 14 a weight-3 rule no longer was: the NB detector, which carries most
# of the signal score, takes only 0.3 of the rules' evidence.
DECISIVE_WEIGHT = 3.0

# A need stated without the product's name, in a clause of its own after something done or
# refused: "The seats we bought in spring are all used up; we need 15 more", "We added 10
# seats in March and they're all taken. Could we get the same again?" No signal rule fires in
# the second clause (it names nothing), so the past purchase's negation spoke for "none" at
# full strength and read the message as a thank-you (two strangers' probes, round 14). Such a
# clause takes the negation's push to "none" away: the statistical model reads the message, as
# it does when no rule fires. It is no evidence of a type.
_BARE_COUNT = rf"(?:\d[\d,.]{{0,15}}|{NUMBER_WORD})"
_BARE_AMOUNT = (
    rf"(?:another(?: {_BARE_COUNT})?|{_BARE_COUNT}(?: more| extra| additional)?|(?:a )?(?:few|couple) more|"
    r"the same (?:again|number|amount)|double|twice as many)"
)
# ... and nothing after the amount but the clause's end, a time or a "please": "we need 2 more test
# accounts reset" or "another week" is no need for more of the product
_BARE_NEED_END = (
    r"(?=\s*(?:$|[.!?,;:)\u2013\u2014-]|(?:for|by|before|from|in|next|this|asap|please|pls|soon|now|too|as well|of them|"
    r"again|and|but|however|so|because|since|once|when|until|although|though|whereas|while)\b))"
)
_BARE_NEED_RE = re.compile(
    rf"\b(?:we|i)(?:'ll| will|'d| would)? (?:need|want|require|like)\s+(?:to (?:add|get|buy|order|have) )?"
    rf"{_BARE_AMOUNT}{_BARE_NEED_END}"
    rf"|\b(?:can|could|may) (?:we|i) (?:get|have|add|order|buy) {_BARE_AMOUNT}{_BARE_NEED_END}"
    r"|\b\d[\d,.]{0,15} more (?:please|pls)\b|\b(?:do|get|have|order) (?:the same|that|it) again\b|\bsame again\b",
    re.IGNORECASE,
)


def _clause_evidence(
    hits: list[tuple[int, int]], index: RuleIndex, evidence: RuleEvidence, row: int, text: str
) -> None:
    """Combine one text's (rule, clause) hits into log-odds.

    Several rules for one label usually match the same phrase ("add 10 more
    seats"), so per clause only the strongest counts. An unscoped negation ("we
    don't need ...", "we upgraded last year", "they are not a customer yet")
    cancels the signal rules of its own clause and supports "none"; so does a
    conflict ("go down from 140 to 95 licences" is not an ask for licences). A
    scoped negation counts against its label in its clause. Across clauses each
    label takes its strongest clause, so "Uploads fail because we hit the cap, we
    need 2 TB more" keeps capacity. Intent cues describe the whole message: each
    cue counts once, and they add up.
    """
    type_for: dict[int, dict[int, float]] = {}
    type_against: dict[int, dict[int, float]] = {}
    conflict_for: dict[int, dict[int, float]] = {}
    conflict_against: dict[int, dict[int, float]] = {}
    negated: dict[int, float] = {}
    cues: dict[str, float] = {}
    for rule_number, clause in hits:
        compiled = index.rules[rule_number]
        spec, strength = compiled.spec, compiled.strength
        kind = spec.kind
        if kind == "signal":
            _keep_max(type_for.setdefault(clause, {}), compiled.type_index, strength)
        elif kind == "conflict":
            _keep_max(conflict_for.setdefault(clause, {}), compiled.conflict_index, strength)
        elif kind == "negation":
            if spec.signal_type:
                _keep_max(type_against.setdefault(clause, {}), compiled.type_index, strength)
            elif spec.conflict:
                _keep_max(conflict_against.setdefault(clause, {}), compiled.conflict_index, strength)
            else:
                negated[clause] = max(negated.get(clause, 0.0), strength)
        elif kind == "buying_cue":
            cues[spec.name] = strength
        elif kind == "curious_cue":
            cues[spec.name] = -strength
    if cues:
        evidence.intent_logits[row] = sum(cues.values())

    best_conflict: dict[int, float] = {}
    net_conflict: dict[int, float] = {}
    for clause in conflict_for.keys() | conflict_against.keys():
        support, against = conflict_for.get(clause, {}), conflict_against.get(clause, {})
        strongest = 0.0
        for label in support.keys() | against.keys():
            value = support.get(label, 0.0) - against.get(label, 0.0)
            strongest = max(strongest, value)
            best_conflict[label] = max(best_conflict.get(label, value), value)
        net_conflict[clause] = strongest
    for label, value in best_conflict.items():
        evidence.conflict_logits[row, label] = value

    best_type: dict[int, float] = {}
    blocked_max = support_max = 0.0
    for clause in type_for.keys() | type_against.keys() | negated.keys() | net_conflict.keys():
        blocked = max(negated.get(clause, 0.0), net_conflict.get(clause, 0.0))
        blocked_max = max(blocked_max, blocked)
        support = {} if blocked > 0 else type_for.get(clause, {})
        against = type_against.get(clause, {})
        for label in support.keys() | against.keys():
            value = support.get(label, 0.0) - against.get(label, 0.0)
            support_max = max(support_max, support.get(label, 0.0))
            best_type[label] = max(best_type.get(label, value), value)
    for label, value in best_type.items():
        evidence.type_logits[row, label] = value
    if blocked_max > support_max and _has_bare_need(text, negated.keys() | net_conflict.keys()):
        support_max = blocked_max
    if support_max == 0.0 and max(negated.values(), default=0.0) >= DECISIVE_WEIGHT * RULE_LOGIT_SCALE:
        evidence.decisive[row] = True
    # A negation explains away its own clause, not a need stated in another one:
    # its support for "none" shrinks by the strongest signal left elsewhere.
    evidence.type_logits[row, _NONE_INDEX] += max(0.0, blocked_max - support_max)


# Every match of _BARE_NEED_RE has one of these (a cheap test before the regex)
_BARE_NEED_WORDS = ("need", "want", "requir", "like", "can ", "could ", "may ", "again", "more p")


def _has_bare_need(text: str, blocked: set[int]) -> bool:
    """True if a clause no negation or conflict covers states a bare need (_BARE_NEED_RE)."""
    lowered = text.lower()
    if not any(word in lowered for word in _BARE_NEED_WORDS) or _BARE_NEED_RE.search(text) is None:
        return False  # most texts: no need anywhere, and a clause's need is a need in the whole text
    head = _and_chain_heads(text)  # as _and_joined_without_conflict numbers the hits
    starts = clause_starts(text)
    ends = starts[1:] + [len(text)]
    return any(
        number not in blocked and head.get(number, number) not in blocked and _BARE_NEED_RE.search(text, start, end)
        for number, (start, end) in enumerate(zip(starts, ends, strict=True))
    )


def _keep_max(values: dict[int, float], label: int, strength: float) -> None:
    if strength > values.get(label, 0.0):
        values[label] = strength


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
    signal_score: np.ndarray  # (n,), the detector blended with the type model (see DETECTOR_WEIGHT)
    decision_features: np.ndarray  # (n, len(DECISION_FEATURES))
    signal_proba: np.ndarray  # (n,), the decision model's probability that the message is a signal
    buying_proba: np.ndarray  # (n,)
    conflict_proba: np.ndarray  # (n, len(CONFLICT_LABELS))
    matched: list[tuple[str, ...]]
    truncated: list[bool]
    # a conflict reading is kept only where the text has a conflict cue or a conflict
    # phrase rule fired (signals/classifier/cues.py). The cue is looked for only where it
    # can change the result: where the conflict model's most probable label is a conflict
    # and no conflict rule fired (elsewhere this is False when no rule fired, whatever
    # the text says; decide() reports no conflict for those rows either way).
    conflict_allowed: np.ndarray  # (n,) bool
    decisive: np.ndarray  # (n,) bool: a decisive negation made it none (RuleEvidence.decisive)


# A reply's history: from "On 3 Mar 2025, Chris wrote:" or an "Original Message" header on,
# the text is an earlier message (dated then, often ours), not what the customer says now.
# A forwarded block without such a header (">" lines after "fwd from our COO below") is
# kept: it is usually the customer's colleague, and the need in it is current.
_REPLY_HISTORY_RE = re.compile(
    r"(?im)^[ \t>]*(?:On\b[^\n]{0,150}?\bwrote:|-{2,}\s*Original Message\s*-{2,}|Le\b[^\n]{0,150}?\ba écrit\s*:)"
)

# An e-mail's frame: a greeting that opens it ("Hi Sam,", "Hello team,", "Dear support,") and a
# sign-off that ends it ("Thanks, Naomi", "Kind regards, Priya Shah, Practice Manager"). The
# statistical model reads the message without them (_model_text): in the corpus they were more
# common on support and other `none` lines, so "Hi, / Is there a way to increase our storage
# capacity? / Thanks, Naomi" read 0.48 where the bare question reads 0.87 (docs/classifier.md,
# "Round 10"). The phrase rules still see every word. A name after a sign-off must be
# capitalised ("Thanks, please add 5 seats" keeps its request).
_GREETING_RE = re.compile(
    r"^(?:hi|hello|hey|hiya|dear|good (?:morning|afternoon|evening|day)|greetings|morning|afternoon)\b"
    r"(?:(?: (?:there|team|all|everyone|folks|guys|support|(?-i:[A-Z][\w'.-]*))){0,3}\s*[,!:.—–-]|(?=\s))\s*",
    re.IGNORECASE,
)
_NAME = r"(?-i:[A-Z][\w'.&-]*)"
_SIGN_OFF_SPAN = 200
_SIGN_OFF_RE = re.compile(
    r"(?:^|(?<=[.!?)]) )"
    r"(?:(?:many |big |a lot of )?thanks(?: (?:a lot|again|in advance|so much|very much|for your help))?|"
    r"thank you(?: (?:so much|very much|again|in advance|for your help))?|thx|ty|cheers|"
    r"(?:best|kind|warm|warmest|many) (?:regards|wishes)|best|regards|br|sincerely|all the best|"
    r"have a (?:good|great|nice) (?:day|week|weekend))"
    rf"[\s,!.]*(?:[-–—]\s*)?(?:{_NAME}(?: {_NAME}){{0,3}}(?:,\s*{_NAME}(?: {_NAME}|&){{0,4}}){{0,2}})?[\s.!]*$",
    re.IGNORECASE,
)


def strip_frame(text: str) -> str:
    """A normalised text without its opening greeting and closing sign-off (the text itself
    when nothing else is left)."""
    greeting = _GREETING_RE.match(text)
    body = text[greeting.end() :] if greeting else text
    # a sign-off is short: look for it in the last _SIGN_OFF_SPAN characters only
    sign_off = _SIGN_OFF_RE.search(body, max(0, len(body) - _SIGN_OFF_SPAN))
    if sign_off:
        body = body[: sign_off.start()]
    return body.strip() or text


def own_words(text: str) -> str:
    """The text without a reply's quoted history (see _REPLY_HISTORY_RE)."""
    if "wrote:" not in text and "Original Message" not in text and "a écrit" not in text:
        return text
    m = _REPLY_HISTORY_RE.search(text)
    return text[: m.start()] if m else text


def prepare_texts(texts: Sequence[str]) -> tuple[list[str], list[bool]]:
    """Cut every text to its first MAX_TEXT_CHARS characters and its own words (without a
    reply's quoted history), then normalise it."""
    cut = [own_words((t or "")[:MAX_TEXT_CHARS]) for t in texts]
    truncated = [len(t or "") > MAX_TEXT_CHARS for t in texts]
    return [normalize_text(t) for t in cut], truncated


# A new topic opened mid-message ("The invoice is fine now, thanks. Separately, we need 8
# more seats"): each part is also read on its own, and the message is as much a signal as
# its most signal-like part. Read whole, the thanks for a fixed problem spoke for "none" in
# the statistical models (docs/classifier.md, "Round 8").
_TOPIC_SHIFT_RE = re.compile(
    r"(?<=[.!?] )(?=(?:now|separately|unrelated(?: question)?|on (?:an)?other note|different (?:topic|question)|"
    r"another (?:thing|question)|also|one more thing|while i have you|ps|p\.s\.|btw|by the way|"
    r"totally separate(?: question)?|on a separate note)\s*[,:—–-])",
    re.IGNORECASE,
)


def topic_parts(text: str) -> list[str]:
    """The parts of a normalised text between topic shifts; empty when there is none."""
    parts = [part.strip() for part in _TOPIC_SHIFT_RE.split(text)]
    return [part for part in parts if part] if len(parts) > 1 else []


def raw_scores(models: TrainedModels, texts: Sequence[str], phrase_rules: Sequence[PhraseRuleSpec] | None) -> RawScores:
    """Model probabilities combined with rule evidence, before any threshold is applied."""
    normalized, truncated = prepare_texts(texts)
    index = rule_index(tuple(DEFAULT_PHRASE_RULES if phrase_rules is None else phrase_rules))
    whole = _scores(models, normalized, truncated, index)
    owners: list[int] = []
    parts: list[str] = []
    for row, text in enumerate(normalized):
        for part in topic_parts(text):
            owners.append(row)
            parts.append(part)
    if parts:
        # the signal reading of a message's most signal-like part; the conflict, the rules
        # that fired and whether the text was cut stay the whole message's
        read = _scores(models, parts, [False] * len(parts), index)
        for j, row in enumerate(owners):
            # a decisive negation covers the whole message, its topics too
            if read.signal_proba[j] > whole.signal_proba[row] and not whole.decisive[row]:
                for name in ("type_proba", "signal_score", "decision_features", "signal_proba", "buying_proba"):
                    getattr(whole, name)[row] = getattr(read, name)[j]
    return whole


def _scores(models: TrainedModels, normalized: Sequence[str], truncated: list[bool], index: RuleIndex) -> RawScores:
    scores = models.scorer.scores([_model_text(t) for t in normalized])
    type_slice, intent_slice, conflict_slice, signal_slice = models.output_slices
    evidence = rule_evidence(normalized, index)
    type_proba = _softmax(_log_proba(models.type_model, scores[:, type_slice], _N_TYPES) + evidence.type_logits)
    rule_net = np.delete(evidence.type_logits, _NONE_INDEX, axis=1).max(axis=1) - evidence.type_logits[:, _NONE_INDEX]
    other = np.fromiter((is_other_language(t) for t in normalized), dtype=bool, count=len(normalized))
    detector_weight = np.where(other, OTHER_LANGUAGE_DETECTOR_WEIGHT, DETECTOR_WEIGHT)
    rule_weight = np.where(other, OTHER_LANGUAGE_RULE_WEIGHT, DETECTOR_RULE_WEIGHT)
    detector = _sigmoid(scores[:, signal_slice][:, 0] + rule_weight * rule_net)
    signal_score = detector_weight * detector + (1.0 - detector_weight) * (1.0 - type_proba[:, _NONE_INDEX])
    conflict_proba = _softmax(
        _log_proba(models.conflict_model, scores[:, conflict_slice], _N_CONFLICTS) + evidence.conflict_logits
    )
    features = decision_features(normalized, type_proba, signal_score, conflict_proba, evidence.kind_counts)
    return RawScores(
        type_proba=type_proba,
        signal_score=signal_score,
        decision_features=features,
        signal_proba=np.where(evidence.decisive, 0.0, _sigmoid(features @ DECISION_COEF + DECISION_INTERCEPT)),
        buying_proba=_sigmoid(scores[:, intent_slice][:, 0] + evidence.intent_logits),
        conflict_proba=conflict_proba,
        matched=evidence.matched,
        truncated=truncated,
        conflict_allowed=conflict_allowed(normalized, conflict_proba, evidence.conflict_logits),
        decisive=evidence.decisive,
    )


def conflict_allowed(texts: Sequence[str], conflict_proba: np.ndarray, conflict_logits: np.ndarray) -> np.ndarray:
    """Rows whose conflict reading may be kept: a conflict rule fired, or the text has a conflict cue.

    The cue regex (a long alternation over the whole text) is run only on the rows where
    it decides the result: a conflict is the most probable label and no conflict rule
    fired. That is a few percent of texts; on the others it cannot change the outcome.
    """
    allowed = conflict_logits.max(axis=1) > 0
    undecided = np.flatnonzero(~allowed & (conflict_proba.argmax(axis=1) != _NO_CONFLICT_INDEX))
    for i in undecided.tolist():
        allowed[i] = has_conflict_cue(texts[i])
    return allowed


def decision_features(
    texts: Sequence[str],
    type_proba: np.ndarray,
    signal_score: np.ndarray,
    conflict_proba: np.ndarray,
    kind_counts: np.ndarray,
) -> np.ndarray:
    """The decision model's inputs (DECISION_FEATURES, in that order) for normalised texts."""
    p_none = np.clip(type_proba[:, _NONE_INDEX], 1e-9, 1.0)
    top = type_proba[np.arange(len(texts)), top_signal_types(type_proba)]
    score = np.clip(signal_score, 1e-6, 1.0 - 1e-6)
    return np.column_stack(
        [
            np.log(score / (1.0 - score)),
            np.log(p_none),
            np.log(np.clip(top, 1e-9, 1.0)),
            np.log(np.clip(1.0 - type_proba[:, _NONE_INDEX], 1e-9, 1.0)),
            kind_counts,
            conflict_proba[:, _NO_CONFLICT_INDEX],
            np.fromiter(("?" in t for t in texts), dtype=np.float64, count=len(texts)),
        ]
    )


def classify_with(
    models: TrainedModels,
    texts: Sequence[str],
    phrase_rules: Sequence[PhraseRuleSpec] | None,
    min_confidence: float | None = None,
) -> list[TextClassification]:
    """Classify with explicit models (used by cross-validation as well as the API).

    min_confidence=None uses MIN_SIGNAL_CONFIDENCE; 0.0 disables the threshold.
    Identical texts in a batch (templates, notifications) are read once.
    """
    if not texts:
        return []
    position: dict[str, int] = {}
    unique: list[str] = []
    slots: list[int] = []
    for text in texts:
        text = text or ""
        slot = position.get(text)
        if slot is None:
            slot = position[text] = len(unique)
            unique.append(text)
        slots.append(slot)
    results = decide(raw_scores(models, unique, phrase_rules), min_confidence, model_version(phrase_rules, models))
    return [results[slot] for slot in slots]


def decide(
    scores: RawScores, min_confidence: float | None, version: str, signal_proba: np.ndarray | None = None
) -> list[TextClassification]:
    """Results from raw scores; signal_proba overrides the decision model's (a refitted one, see evaluation)."""
    threshold = MIN_SIGNAL_CONFIDENCE if min_confidence is None else float(min_confidence)
    type_index = top_signal_types(scores.type_proba)
    proba = scores.signal_proba if signal_proba is None else signal_proba
    signal, confidence = signal_decision(proba, threshold)
    conflict_index = np.where(scores.conflict_allowed, scores.conflict_proba.argmax(axis=1), _NO_CONFLICT_INDEX)
    # One message does not ask to go up and down the same ladder: a tier upgrade read together
    # with a downgrade keeps the stronger of the two readings (round 13). On the corpus the pair
    # was a true upgrade with a spurious downgrade ("please move us from Practice to Firm") 22
    # times and a true downgrade read as an upgrade 10 times.
    clash = signal & (type_index == _TIER_INDEX) & (conflict_index == _DOWNGRADE_INDEX)
    if clash.any():
        downgrade = scores.conflict_proba[:, _DOWNGRADE_INDEX]
        keep_signal = clash & (proba >= downgrade)
        conflict_index = np.where(keep_signal, _NO_CONFLICT_INDEX, conflict_index)
        drop_signal = clash & ~keep_signal
        signal = signal & ~drop_signal
        confidence = np.where(drop_signal, downgrade, confidence)
    return [
        _result(
            int(type_index[i]) if signal[i] else _NONE_INDEX,
            float(confidence[i]),
            float(scores.buying_proba[i]),
            int(conflict_index[i]),
            scores.matched[i],
            scores.truncated[i],
            version,
        )
        for i in range(len(type_index))
    ]


def top_signal_types(type_proba: np.ndarray) -> np.ndarray:
    """Per row, the most probable signal type (never "none")."""
    masked = type_proba.copy()
    masked[:, _NONE_INDEX] = -1.0
    return masked.argmax(axis=1)


def signal_decision(signal_proba: np.ndarray, min_confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Which rows are signals, and the confidence to report for each.

    A signal when the decision model's probability is above one half and reaches
    min_confidence; its confidence is that probability, a "none" gets one minus it.
    The probability is compared as it is reported (rounded to 4 decimals, _result): a
    signal reported at 0.505 is kept at min_confidence 0.505, never dropped because its
    unrounded value was 0.50497 (a CI run found one).
    """
    reported = np.fromiter((round(p, 4) for p in signal_proba.tolist()), dtype=np.float64, count=len(signal_proba))
    signal = (signal_proba > 0.5) & (reported >= min_confidence)
    return signal, np.where(signal, signal_proba, 1.0 - signal_proba)


def _result(
    type_index: int,
    confidence: float,
    buying: float,
    conflict_index: int,
    matched: tuple[str, ...],
    truncated: bool,
    version: str,
) -> TextClassification:
    signal_type = TYPE_LABELS[type_index]
    intent = NO_INTENT if signal_type == NO_SIGNAL else (BUYING if buying >= 0.5 else CURIOUS)
    conflict = None if conflict_index == _NO_CONFLICT_INDEX else CONFLICT_LABELS[conflict_index]
    return TextClassification(
        signal_type=signal_type,
        intent=intent,
        confidence=round(confidence, 4),
        conflict=conflict,
        matched_rules=matched,
        truncated=truncated,
        model_version=version,
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
