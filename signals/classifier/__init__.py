"""Customer-text classifier for expansion signals (pure Python + scikit-learn, no Django).

Public API::

    classify_texts(texts, phrase_rules=None) -> list[TextClassification]
    classify_text(text, phrase_rules=None) -> TextClassification
    DEFAULT_PHRASE_RULES, PhraseRuleSpec, validate_phrase_rule
    load_corpus("train" | "heldout"), evaluate(phrase_rules=None) -> EvaluationReport

See docs/classifier.md.
"""

from .corpus import load_corpus
from .evaluation import EvaluationReport, LabelScore, cross_validate, evaluate
from .labels import CONFLICTS, INTENTS, SIGNAL_TYPES, TYPE_LABELS
from .model import TextClassification, classify_text, classify_texts, reset_models
from .rules import DEFAULT_PHRASE_RULES, RULE_LOGIT_SCALE, PhraseRuleSpec, validate_phrase_rule

__all__ = [
    "CONFLICTS",
    "DEFAULT_PHRASE_RULES",
    "EvaluationReport",
    "INTENTS",
    "LabelScore",
    "PhraseRuleSpec",
    "RULE_LOGIT_SCALE",
    "SIGNAL_TYPES",
    "TYPE_LABELS",
    "TextClassification",
    "classify_text",
    "classify_texts",
    "cross_validate",
    "evaluate",
    "load_corpus",
    "reset_models",
    "validate_phrase_rule",
]
