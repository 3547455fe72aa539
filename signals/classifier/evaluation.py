"""Measuring the classifier: leave-one-writer-out, the old held-out set, cross-validation.

The figure that matters is leave-one-writer-out (``evaluate_by_writer``): the
corpus is written by independent writers, and a model is scored on one writer
after training on all the others, so it never sees that writer's phrasing.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit
from sklearn.model_selection import StratifiedKFold

from .corpus import TAGS, load_corpus, load_negatives, load_writers, training_rows
from .labels import CONFLICTS, NO_SIGNAL, SIGNAL_TYPES, TYPE_LABELS
from .model import (
    DECISION_SIGNS,
    RawScores,
    TextClassification,
    cached_train_models,
    classify_with,
    decide,
    model_version,
    raw_scores,
    signal_decision,
    top_signal_types,
    train_models,
)
from .rules import PhraseRuleSpec

_LABEL_WIDTH = 23
DEFAULT_THRESHOLDS: tuple[float, ...] = tuple(round(0.05 * k, 2) for k in range(17))  # fits "conflict:alternatives"


@dataclass(frozen=True)
class LabelScore:
    precision: float
    recall: float
    support: int  # number of true examples of the label


@dataclass(frozen=True)
class EvaluationReport:
    corpus: str
    n_examples: int
    # "is an expansion signal" (any type) vs none
    binary_precision: float
    binary_recall: float
    binary_f1: float
    per_type: dict[str, LabelScore]
    labels: tuple[str, ...]  # confusion axis order: SIGNAL_TYPES then "none"
    confusion: tuple[tuple[int, ...], ...]  # rows = true label, columns = predicted label
    type_accuracy: float
    type_on_true_positives: float  # right type among true signals detected as signals
    intent_accuracy: float  # on true signals that were detected as signals
    intent_support: int
    conflict_precision: float  # exact conflict code must match
    conflict_recall: float
    conflict_support: int
    per_conflict: dict[str, LabelScore]

    def as_text(self) -> str:
        """A plain-text report for docs, logs and the management command."""
        lines = [
            f"Evaluation on {self.corpus} ({self.n_examples} messages)",
            "",
            "Is an expansion signal (any type vs none):",
            f"  precision {self.binary_precision:.3f}  recall {self.binary_recall:.3f}  f1 {self.binary_f1:.3f}",
            f"Signal type accuracy (8 labels): {self.type_accuracy:.3f}",
            f"Signal type on detected true signals: {self.type_on_true_positives:.3f}",
            f"Intent accuracy on detected true signals: {self.intent_accuracy:.3f} (n={self.intent_support})",
            f"Conflict: precision {self.conflict_precision:.3f}  recall {self.conflict_recall:.3f}"
            f" (n={self.conflict_support})",
            "",
            f"{'label':<{_LABEL_WIDTH}}{'precision':>10}{'recall':>8}{'support':>9}",
        ]
        for label, score in list(self.per_type.items()) + list(self.per_conflict.items()):
            lines.append(f"{label:<{_LABEL_WIDTH}}{score.precision:>10.3f}{score.recall:>8.3f}{score.support:>9}")
        lines += [
            "",
            "Confusion matrix (rows = true, columns = predicted):",
            self._confusion_text(),
        ]
        return "\n".join(lines)

    def _confusion_text(self) -> str:
        short = [label[:6] for label in self.labels]
        header = " " * _LABEL_WIDTH + "".join(f"{s:>7}" for s in short)
        rows = [header]
        for label, counts in zip(self.labels, self.confusion, strict=True):
            rows.append(f"{label:<{_LABEL_WIDTH}}" + "".join(f"{c:>7}" for c in counts))
        return "\n".join(rows)


def _ratio(numerator: int, denominator: int) -> float:
    # An empty denominator means "nothing to get wrong": report 1.0 rather than crash.
    return numerator / denominator if denominator else 1.0


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def build_report(corpus: str, rows: Sequence[dict], predictions: Sequence[TextClassification]) -> EvaluationReport:
    """Compare predictions to labelled rows and compute every figure of the report."""
    true_types = [r["signal_type"] for r in rows]
    pred_types = [p.signal_type for p in predictions]
    confusion = np.zeros((len(TYPE_LABELS), len(TYPE_LABELS)), dtype=int)
    for t, p in zip(true_types, pred_types, strict=True):
        confusion[TYPE_LABELS.index(t), TYPE_LABELS.index(p)] += 1

    true_signal = [t != NO_SIGNAL for t in true_types]
    pred_signal = [p != NO_SIGNAL for p in pred_types]
    both = sum(t and p for t, p in zip(true_signal, pred_signal, strict=True))
    precision = _ratio(both, sum(pred_signal))
    recall = _ratio(both, sum(true_signal))

    per_type = {
        label: LabelScore(
            precision=_ratio(int(confusion[i, i]), int(confusion[:, i].sum())),
            recall=_ratio(int(confusion[i, i]), int(confusion[i, :].sum())),
            support=int(confusion[i, :].sum()),
        )
        for i, label in enumerate(SIGNAL_TYPES)
    }
    detected = [
        (r, p)
        for r, p in zip(rows, predictions, strict=True)
        if r["signal_type"] != NO_SIGNAL and p.signal_type != NO_SIGNAL
    ]
    intent_hits = sum(r["intent"] == p.intent for r, p in detected)
    type_hits = sum(r["signal_type"] == p.signal_type for r, p in detected)
    conflict_precision, conflict_recall, conflict_support, per_conflict = _conflict_scores(rows, predictions)
    return EvaluationReport(
        corpus=corpus,
        n_examples=len(rows),
        binary_precision=precision,
        binary_recall=recall,
        binary_f1=_f1(precision, recall),
        per_type=per_type,
        labels=TYPE_LABELS,
        confusion=tuple(tuple(int(c) for c in row) for row in confusion),
        type_accuracy=_ratio(int(np.trace(confusion)), len(rows)),
        type_on_true_positives=_ratio(type_hits, len(detected)),
        intent_accuracy=_ratio(intent_hits, len(detected)),
        intent_support=len(detected),
        conflict_precision=conflict_precision,
        conflict_recall=conflict_recall,
        conflict_support=conflict_support,
        per_conflict=per_conflict,
    )


def _conflict_scores(
    rows: Sequence[dict], predictions: Sequence[TextClassification]
) -> tuple[float, float, int, dict[str, LabelScore]]:
    pairs = [(r["conflict"], p.conflict) for r, p in zip(rows, predictions, strict=True)]
    hits = sum(t is not None and t == p for t, p in pairs)
    predicted = sum(p is not None for _, p in pairs)
    actual = sum(t is not None for t, _ in pairs)
    per_conflict = {
        f"conflict:{code}": LabelScore(
            precision=_ratio(sum(t == p == code for t, p in pairs), sum(p == code for _, p in pairs)),
            recall=_ratio(sum(t == p == code for t, p in pairs), sum(t == code for t, _ in pairs)),
            support=sum(t == code for t, _ in pairs),
        )
        for code in CONFLICTS
    }
    return _ratio(hits, predicted), _ratio(hits, actual), actual, per_conflict


def evaluate(
    phrase_rules: Sequence[PhraseRuleSpec] | None = None, min_confidence: float | None = None
) -> EvaluationReport:
    """The original writer's held-out set, scored by a model trained on every other row.

    A same-writer split (train.jsonl and heldout.jsonl have one author), so it is
    optimistic; see evaluate_by_writer for the figure to move.
    """
    rows = load_corpus("heldout")
    others = [r for r in training_rows() if r["source"] != "heldout"]
    predictions = classify_with(cached_train_models(others), [r["text"] for r in rows], phrase_rules, min_confidence)
    return build_report("heldout (w0_original; trained on all other rows)", rows, predictions)


@dataclass(frozen=True)
class TagScore:
    """Figures on the rows carrying one hard-case tag (pooled over writers)."""

    tag: str
    n: int
    signals: int  # rows labelled as a signal
    precision: float  # "is a signal", on these rows
    recall: float
    false_positive_rate: float  # share of the tag's "none" rows predicted as a signal
    exact: float  # share of rows with type, intent and conflict all right


@dataclass(frozen=True)
class WriterEvaluation:
    """Leave-one-writer-out: each writer scored by a model trained on all the others."""

    per_writer: dict[str, EvaluationReport]
    pooled: EvaluationReport
    per_tag: tuple[TagScore, ...]
    errors: dict[str, list[tuple[dict, TextClassification]]]
    # per held-out writer: the decision model's inputs (out of fold) and whether each row is a signal
    decision_data: dict[str, tuple[np.ndarray, np.ndarray]]

    def as_text(self) -> str:
        lines = [
            "Leave-one-writer-out: each writer scored by a model trained on all the others",
            "",
            f"{'writer':<20}{'n':>6}{'signals':>9}{'precision':>11}{'recall':>8}{'f1':>7}"
            f"{'type':>7}{'intent':>8}{'confl P':>9}{'confl R':>9}",
        ]
        for name, report in [*self.per_writer.items(), ("pooled", self.pooled)]:
            signals = sum(report.confusion[i][j] for i in range(7) for j in range(8))
            lines.append(
                f"{name:<20}{report.n_examples:>6}{signals:>9}{report.binary_precision:>11.3f}"
                f"{report.binary_recall:>8.3f}{report.binary_f1:>7.3f}"
                f"{report.type_on_true_positives:>7.3f}{report.intent_accuracy:>8.3f}"
                f"{report.conflict_precision:>9.3f}{report.conflict_recall:>9.3f}"
            )
        lines += [
            "",
            "type = signal type right on detected true signals; intent = buying/curious right",
            "on the same rows; confl = exact conflict code.",
            "",
            "Per hard-case tag (pooled over writers):",
            f"{'tag':<22}{'n':>6}{'signals':>9}{'precision':>11}{'recall':>8}{'false pos':>11}{'all right':>11}",
        ]
        lines += tag_table(self.per_tag)
        lines += [
            "",
            "false pos = share of the tag's none rows predicted as a signal; all right = type,",
            "intent and conflict all correct. support = plain support traffic.",
            "",
            "Pooled, all writers:",
            self.pooled.as_text(),
        ]
        return "\n".join(lines)


# Regularisation of the decision model (model.DECISION_COEF), fitted on out-of-fold readings.
DECISION_C = 1.0


def evaluate_by_writer(
    phrase_rules: Sequence[PhraseRuleSpec] | None = None,
    min_confidence: float | None = None,
    writers: Sequence[str] | None = None,
    extra_training_rows: Sequence[dict] = (),
    refit_decision: bool = False,
) -> WriterEvaluation:
    """Leave-one-writer-out precision/recall/type/intent, per writer, pooled and per tag.

    writers limits which writers are held out in turn (all by default); training
    always uses every other writer, plus extra_training_rows (owners' confirmed
    feedback, which is never held out). refit_decision (with at least three writers
    held out) decides each writer with a decision model fitted on the *other* writers'
    out-of-fold readings instead of the shipped coefficients, which were fitted on every
    writer's, the held-out one included: the stricter figure.
    """
    corpus = load_writers()
    negatives = load_negatives()  # third-party support text: in every fold's training, never held out
    held_out = list(writers) if writers else list(corpus)
    unknown = [w for w in held_out if w not in corpus]
    if unknown:
        raise ValueError(f"unknown writers {unknown}; known: {', '.join(corpus)}")
    if refit_decision and len(held_out) < 3:
        raise ValueError("refit_decision needs at least three held-out writers")
    folds: dict[str, tuple[RawScores, str]] = {}
    for writer in held_out:
        others = (
            [r for name, rs in corpus.items() if name != writer for r in rs] + negatives + list(extra_training_rows)
        )
        # cached like the production model: the same fold (the same writers, the same feedback)
        # is not trained twice on one machine (a retrain evaluates the active model's folds again)
        models = cached_train_models(others)
        folds[writer] = (
            raw_scores(models, [r["text"] for r in corpus[writer]], phrase_rules),
            model_version(phrase_rules, models),
        )
    decision_data = {
        writer: (scores.decision_features, np.array([r["signal_type"] != NO_SIGNAL for r in corpus[writer]]))
        for writer, (scores, _) in folds.items()
    }
    per_writer: dict[str, EvaluationReport] = {}
    errors: dict[str, list[tuple[dict, TextClassification]]] = {}
    all_rows: list[dict] = []
    all_predictions: list[TextClassification] = []
    for writer, (scores, version) in folds.items():
        rows = corpus[writer]
        proba = None
        if refit_decision:
            coef, intercept = fit_decision([data for name, data in decision_data.items() if name != writer])
            proba = np.where(scores.decisive, 0.0, 1.0 / (1.0 + np.exp(-(scores.decision_features @ coef + intercept))))
        predictions = decide(scores, min_confidence, version, proba)
        per_writer[writer] = build_report(writer, rows, predictions)
        errors[writer] = _errors(rows, predictions)
        all_rows += rows
        all_predictions += predictions
    pooled = build_report("all writers, leave-one-writer-out", all_rows, all_predictions)
    return WriterEvaluation(per_writer, pooled, _tag_scores(all_rows, all_predictions), errors, decision_data)


def fit_decision(data: Sequence[tuple[np.ndarray, np.ndarray]], c: float = DECISION_C) -> tuple[np.ndarray, float]:
    """Coefficients and intercept of the decision model on (features, is-signal) pairs of writers.

    A logistic model (L2 penalty 1/c) whose coefficients keep the sign model.DECISION_SIGNS
    gives each input: more evidence for a signal can never lower the probability, a negation
    never raise it. Unconstrained, the inputs' overlap (the rules count in the type model's
    probabilities and again as counts) gave some of them the wrong sign: "Our CIO approved
    the upgrade to the Premium tier" with three tier rules scored 0.40 because each rule
    counted -0.56 (docs/classifier.md, "Round 8").

    How model.DECISION_COEF / DECISION_INTERCEPT were made: on every writer's out-of-fold
    readings, ``fit_decision(evaluate_by_writer().decision_data.values())``.
    """
    features = np.vstack([x for x, _ in data])
    target = np.concatenate([y for _, y in data]).astype(np.float64)
    n_inputs = features.shape[1]

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        coef, intercept = theta[:n_inputs], theta[n_inputs]
        z = features @ coef + intercept
        p = expit(z)
        value = float(np.sum(np.logaddexp(0.0, z) - target * z) + 0.5 / c * coef @ coef)
        return value, np.append(features.T @ (p - target) + coef / c, np.sum(p - target))

    bounds = [(0.0, None) if sign > 0 else (None, 0.0) if sign < 0 else (None, None) for sign in DECISION_SIGNS]
    fitted = minimize(loss, np.zeros(n_inputs + 1), jac=True, method="L-BFGS-B", bounds=[*bounds, (None, None)])
    return fitted.x[:n_inputs], float(fitted.x[n_inputs])


def _errors(rows: Sequence[dict], predictions: Sequence[TextClassification]) -> list[tuple[dict, TextClassification]]:
    return [
        (r, p)
        for r, p in zip(rows, predictions, strict=True)
        if (r["signal_type"], r["intent"], r["conflict"]) != (p.signal_type, p.intent, p.conflict)
    ]


def _tag_scores(rows: Sequence[dict], predictions: Sequence[TextClassification]) -> tuple[TagScore, ...]:
    scores: list[TagScore] = []
    for tag in TAGS:
        pairs = [(r, p) for r, p in zip(rows, predictions, strict=True) if tag in r["tags"]]
        if not pairs:
            continue
        true_signal = [r["signal_type"] != NO_SIGNAL for r, _ in pairs]
        pred_signal = [p.signal_type != NO_SIGNAL for _, p in pairs]
        both = sum(t and q for t, q in zip(true_signal, pred_signal, strict=True))
        negatives = [q for t, q in zip(true_signal, pred_signal, strict=True) if not t]
        exact = sum(
            (r["signal_type"], r["intent"], r["conflict"]) == (p.signal_type, p.intent, p.conflict) for r, p in pairs
        )
        scores.append(
            TagScore(
                tag=tag,
                n=len(pairs),
                signals=sum(true_signal),
                precision=_ratio(both, sum(pred_signal)),
                recall=_ratio(both, sum(true_signal)),
                false_positive_rate=sum(negatives) / len(negatives) if negatives else 0.0,
                exact=exact / len(pairs),
            )
        )
    return tuple(scores)


def tag_scores_text(rows: Sequence[dict], predictions: Sequence[TextClassification]) -> str:
    """The per-tag table for one scored set (a sealed writer has its tags too)."""
    header = f"{'tag':<22}{'n':>6}{'signals':>9}{'precision':>11}{'recall':>8}{'false pos':>11}{'all right':>11}"
    return "\n".join(["Per hard-case tag:", header, *tag_table(_tag_scores(rows, predictions))])


def tag_table(scores: Sequence[TagScore]) -> list[str]:
    lines = []
    for score in scores:
        # Precision and recall mean nothing on a tag whose rows are all "none".
        pr = f"{score.precision:>11.3f}{score.recall:>8.3f}" if score.signals else f"{'-':>11}{'-':>8}"
        lines.append(
            f"{score.tag:<22}{score.n:>6}{score.signals:>9}{pr}{score.false_positive_rate:>11.3f}{score.exact:>11.3f}"
        )
    return lines


def _folds(rows: Sequence[dict], folds: int, seed: int = 0) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Stratified folds over type and conflict (deterministic for a given seed)."""
    strata = [r["signal_type"] if r["conflict"] is None else f"conflict:{r['conflict']}" for r in rows]
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    return splitter.split(np.zeros(len(rows)), strata)


def cross_validate(
    phrase_rules: Sequence[PhraseRuleSpec] | None = None,
    folds: int = 5,
    min_confidence: float | None = None,
) -> tuple[EvaluationReport, list[tuple[dict, TextClassification]]]:
    """Stratified k-fold on train.jsonl: the figure to iterate on without touching held-out.

    Returns the pooled report and the misclassified (row, prediction) pairs.
    """
    rows = load_corpus("train")
    predictions: list[TextClassification | None] = [None] * len(rows)
    for train_index, test_index in _folds(rows, folds):
        models = train_models([rows[i] for i in train_index])
        fold_predictions = classify_with(models, [rows[i]["text"] for i in test_index], phrase_rules, min_confidence)
        for i, prediction in zip(test_index, fold_predictions, strict=True):
            predictions[i] = prediction
    final = [p for p in predictions if p is not None]
    errors = [
        (r, p)
        for r, p in zip(rows, final, strict=True)
        if (r["signal_type"], r["intent"], r["conflict"]) != (p.signal_type, p.intent, p.conflict)
    ]
    return build_report(f"train ({folds}-fold cross-validation)", rows, final), errors


@dataclass(frozen=True)
class ThresholdScore:
    min_confidence: float
    precision: float  # "is an expansion signal", pooled over the folds (and repeats)
    recall: float
    f1: float
    type_accuracy: float


def min_confidence_sweep(
    phrase_rules: Sequence[PhraseRuleSpec] | None = None,
    thresholds: Sequence[float] = DEFAULT_THRESHOLDS,
    folds: int = 5,
    repeats: int = 1,
    signal_share: float | None = None,
) -> list[ThresholdScore]:
    """Cross-validated signal precision/recall for each candidate minimum confidence.

    Models are trained once per fold and only the final threshold varies. With
    repeats > 1 the k-fold split is redrawn with other seeds and the counts pooled.
    signal_share reweights the "none" rows so that signals make up that share of
    the traffic: train.jsonl is ~38% signals, a real inbox far fewer, and precision
    depends on that mix. This is how MIN_SIGNAL_CONFIDENCE was chosen.
    """
    rows = load_corpus("train")
    none_index = TYPE_LABELS.index(NO_SIGNAL)
    truth = np.array([TYPE_LABELS.index(r["signal_type"]) for r in rows])
    true_signal = truth != none_index
    none_weight = 1.0
    if signal_share is not None:
        none_weight = (1 - signal_share) / signal_share * true_signal.sum() / (~true_signal).sum()
    weights = np.where(true_signal, 1.0, none_weight)
    runs: list[tuple[np.ndarray, np.ndarray]] = []
    for seed in range(repeats):
        signal_proba = np.zeros(len(rows))
        top = np.zeros(len(rows), dtype=int)
        for train_index, test_index in _folds(rows, folds, seed):
            models = train_models([rows[i] for i in train_index])
            scores: RawScores = raw_scores(models, [rows[i]["text"] for i in test_index], phrase_rules)
            signal_proba[test_index] = scores.signal_proba
            top[test_index] = top_signal_types(scores.type_proba)
        runs.append((signal_proba, top))
    out: list[ThresholdScore] = []
    for threshold in thresholds:
        hits = predicted_total = correct_type = 0.0
        for signal_proba, top in runs:
            signal, _ = signal_decision(signal_proba, float(threshold))
            predicted = np.where(signal, top, none_index)
            pred_signal = predicted != none_index
            hits += float((true_signal & pred_signal).sum())
            predicted_total += float((weights * pred_signal).sum())
            correct_type += float((predicted == truth).mean())
        precision = hits / predicted_total if predicted_total else 1.0
        recall = hits / (true_signal.sum() * len(runs))
        out.append(
            ThresholdScore(
                min_confidence=float(threshold),
                precision=precision,
                recall=recall,
                f1=_f1(precision, recall),
                type_accuracy=correct_type / len(runs),
            )
        )
    return out
