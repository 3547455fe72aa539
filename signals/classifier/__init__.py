"""Customer-text classifier for expansion signals (pure Python + scikit-learn, no Django).

Public API::

    classify_texts(texts, phrase_rules=None, min_confidence=None) -> list[TextClassification]
    classify_text(text, phrase_rules=None, min_confidence=None) -> TextClassification
    DEFAULT_PHRASE_RULES, PhraseRuleSpec, validate_phrase_rule
    MIN_SIGNAL_CONFIDENCE: a weaker signal type is reported as "none"
    load_corpus("train" | "heldout"), evaluate(phrase_rules=None) -> EvaluationReport
    cross_validate(...), min_confidence_sweep(...): figures on train only

See docs/classifier.md.
"""

from .corpus import load_corpus
from .evaluation import (
    EvaluationReport,
    LabelScore,
    ThresholdScore,
    cross_validate,
    evaluate,
    min_confidence_sweep,
)
from .labels import CONFLICTS, INTENTS, SIGNAL_TYPES, TYPE_LABELS
from .model import (
    MIN_SIGNAL_CONFIDENCE,
    TextClassification,
    classify_text,
    classify_texts,
    reset_models,
)
from .rules import DEFAULT_PHRASE_RULES, RULE_LOGIT_SCALE, PhraseRuleSpec, validate_phrase_rule

__all__ = [
    "CONFLICTS",
    "DEFAULT_PHRASE_RULES",
    "EvaluationReport",
    "INTENTS",
    "LabelScore",
    "MIN_SIGNAL_CONFIDENCE",
    "PhraseRuleSpec",
    "RULE_LOGIT_SCALE",
    "SIGNAL_TYPES",
    "TYPE_LABELS",
    "TextClassification",
    "ThresholdScore",
    "classify_text",
    "classify_texts",
    "cross_validate",
    "evaluate",
    "load_corpus",
    "min_confidence_sweep",
    "reset_models",
    "validate_phrase_rule",
]
