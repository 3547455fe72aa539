"""Measuring the classifier: held-out evaluation and cross-validation on train."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.model_selection import StratifiedKFold

from .corpus import load_corpus
from .labels import CONFLICTS, NO_SIGNAL, SIGNAL_TYPES, TYPE_LABELS
from .model import (
    RawScores,
    TextClassification,
    classify_texts,
    classify_with,
    raw_scores,
    train_models,
)
from .rules import PhraseRuleSpec

_LABEL_WIDTH = 23  # fits "conflict:alternatives"


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
            f"Intent accuracy on detected true signals: {self.intent_accuracy:.3f} (n={self.intent_support})",
            f"Conflict: precision {self.conflict_precision:.3f}  recall {self.conflict_recall:.3f}"
            f" (n={self.conflict_support})",
            "",
            f"{'label':<{_LABEL_WIDTH}}{'precision':>10}{'recall':>8}{'support':>9}",
        ]
        for label, score in list(self.per_type.items()) + list(self.per_conflict.items()):
            lines.append(
                f"{label:<{_LABEL_WIDTH}}{score.precision:>10.3f}{score.recall:>8.3f}{score.support:>9}"
            )
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


def build_report(
    corpus: str, rows: Sequence[dict], predictions: Sequence[TextClassification]
) -> EvaluationReport:
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
    conflict_precision, conflict_recall, conflict_support, per_conflict = _conflict_scores(
        rows, predictions
    )
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
            precision=_ratio(
                sum(t == p == code for t, p in pairs), sum(p == code for _, p in pairs)
            ),
            recall=_ratio(sum(t == p == code for t, p in pairs), sum(t == code for t, _ in pairs)),
            support=sum(t == code for t, _ in pairs),
        )
        for code in CONFLICTS
    }
    return _ratio(hits, predicted), _ratio(hits, actual), actual, per_conflict


def evaluate(
    phrase_rules: Sequence[PhraseRuleSpec] | None = None, min_confidence: float | None = None
) -> EvaluationReport:
    """Score the classifier (trained on train.jsonl) on the held-out corpus."""
    rows = load_corpus("heldout")
    predictions = classify_texts([r["text"] for r in rows], phrase_rules, min_confidence)
    return build_report("heldout", rows, predictions)


def _folds(rows: Sequence[dict], folds: int, seed: int = 0):
    """Stratified folds over type and conflict (deterministic for a given seed)."""
    strata = [
        r["signal_type"] if r["conflict"] is None else f"conflict:{r['conflict']}" for r in rows
    ]
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
        fold_predictions = classify_with(
            models, [rows[i]["text"] for i in test_index], phrase_rules, min_confidence
        )
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
    thresholds: Sequence[float] = tuple(round(0.05 * k, 2) for k in range(0, 17)),
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
    runs: list[np.ndarray] = []
    for seed in range(repeats):
        proba = np.zeros((len(rows), len(TYPE_LABELS)))
        for train_index, test_index in _folds(rows, folds, seed):
            models = train_models([rows[i] for i in train_index])
            scores: RawScores = raw_scores(
                models, [rows[i]["text"] for i in test_index], phrase_rules
            )
            proba[test_index] = scores.type_proba
        runs.append(proba)
    out: list[ThresholdScore] = []
    for threshold in thresholds:
        hits = predicted_total = correct_type = 0.0
        for proba in runs:
            top = proba.argmax(axis=1)
            top_p = proba[np.arange(len(rows)), top]
            predicted = np.where((top != none_index) & (top_p < threshold), none_index, top)
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
