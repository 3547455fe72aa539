"""Customer-text classifier for expansion signals (pure Python + scikit-learn, no Django).

Public API::

    classify_texts(texts, phrase_rules=None, min_confidence=None) -> list[TextClassification]
    classify_text(text, phrase_rules=None, min_confidence=None) -> TextClassification
    DEFAULT_PHRASE_RULES, PhraseRuleSpec, validate_phrase_rule
    MIN_SIGNAL_CONFIDENCE: a weaker signal type is reported as "none"
    load_corpus("train" | "heldout" | "writers/<writer>"), load_writers(), training_rows()
    evaluate_by_writer(phrase_rules=None) -> WriterEvaluation: leave-one-writer-out
    evaluate(phrase_rules=None) -> EvaluationReport: the original writer's held-out set
    cross_validate(...), min_confidence_sweep(...): figures on train.jsonl only
    model_version(phrase_rules=None): the version string every result carries

See docs/classifier.md.
"""

from .corpus import load_corpus, load_writers, training_rows
from .evaluation import (
    EvaluationReport,
    LabelScore,
    TagScore,
    ThresholdScore,
    WriterEvaluation,
    cross_validate,
    evaluate,
    evaluate_by_writer,
    min_confidence_sweep,
)
from .labels import CONFLICTS, INTENTS, SIGNAL_TYPES, TYPE_LABELS
from .model import (
    MAX_TEXT_CHARS,
    MIN_SIGNAL_CONFIDENCE,
    TextClassification,
    classify_text,
    classify_texts,
    classify_with,
    model_version,
    own_words,
    reset_models,
    topic_parts,
)
from .rules import DEFAULT_PHRASE_RULES, RULE_LOGIT_SCALE, PhraseRuleSpec, validate_phrase_rule

__all__ = [
    "CONFLICTS",
    "DEFAULT_PHRASE_RULES",
    "EvaluationReport",
    "INTENTS",
    "LabelScore",
    "MAX_TEXT_CHARS",
    "MIN_SIGNAL_CONFIDENCE",
    "PhraseRuleSpec",
    "RULE_LOGIT_SCALE",
    "SIGNAL_TYPES",
    "TYPE_LABELS",
    "TagScore",
    "TextClassification",
    "ThresholdScore",
    "WriterEvaluation",
    "classify_text",
    "classify_texts",
    "classify_with",
    "cross_validate",
    "evaluate",
    "evaluate_by_writer",
    "load_corpus",
    "load_writers",
    "min_confidence_sweep",
    "model_version",
    "own_words",
    "reset_models",
    "topic_parts",
    "training_rows",
    "validate_phrase_rule",
]
