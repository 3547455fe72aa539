"""Learning from owners: a candidate rejected as a false positive records the text it
stood on, what the classifier read and which phrase rules fired; an admin confirms the
correct label; retraining adds the confirmed texts to the corpus, evaluates the new model
on held-out writers against the active one, and activates it only if it is no worse.

The active model's confirmed texts also read as their confirmed label exactly (an owner
has said what this very text is), so a confirmed false positive never comes back from
the same words. Rolling back to an earlier model drops both.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Interaction, Ticket
from signals import classifier
from signals.classifier.model import (
    TrainedModels,
    cached_train_models,
    get_models,
    normalize_text,
    rows_version,
)
from signals.models import (
    Candidate,
    ClassifierFeedback,
    ClassifierModel,
    ClassifierModelStatus,
    FeedbackStatus,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)

FEEDBACK_WRITER = "owners_feedback"
# A new model may be this much worse on held-out writers (noise between two trainings).
TOLERANCE = 0.005


def label_errors(label_type: str, label_intent: str, status: str) -> dict[str, str]:
    """What is wrong with a confirmed label, field by field."""
    errors: dict[str, str] = {}
    if status != FeedbackStatus.CONFIRMED:
        return errors
    if not label_type:
        errors["label_type"] = "Choose the correct signal type (none when it is not an expansion signal)."
    elif label_type == "none" and label_intent not in ("", "none"):
        errors["label_intent"] = "A text that is not a signal has no intent: choose none."
    elif label_type != "none" and label_intent not in ("buying", "curious"):
        errors["label_intent"] = "Choose buying or curious for an expansion signal."
    return errors


# --------------------------------------------------------------------------- recording


def feedback_record(*, candidate: Candidate, user: User | None) -> int:
    """Called by the rejection (same transaction): one row per text that triggered it."""
    refs = {t.ref for t in candidate.triggers if t.kind in ("message", "ticket")}
    if not refs:
        return 0
    texts: list[tuple[str, str, Any]] = []
    for message in Interaction.objects.filter(account_id=candidate.account_id, external_id__in=refs):
        texts.append((message.external_id, message.text, message))
    for ticket in Ticket.objects.filter(account_id=candidate.account_id, external_id__in=refs):
        texts.append((ticket.external_id, f"{ticket.subject}. {ticket.body}".strip(), ticket))
    made = 0
    for evidence_id, text, reading in texts:
        _, created = ClassifierFeedback.objects.get_or_create(
            candidate=candidate,
            evidence_id=evidence_id,
            defaults={
                "text": text,
                "predicted_type": reading.signal_type or candidate.signal_type,
                "predicted_intent": reading.intent,
                "matched_rules": list(reading.matched_rules or []),
                "model_version": reading.classified_with,
                "reported_by": user,
            },
        )
        made += created
    return made


def feedback_confirm(
    *, feedback_id: int, user: User, label_type: str, label_intent: str = "none", label_conflict: str = ""
) -> ClassifierFeedback:
    """An admin says what the text really is; it joins the feedback corpus."""
    from signals.lifecycle import DecisionError

    label_intent = "none" if label_type == "none" else label_intent
    errors = label_errors(label_type, label_intent, FeedbackStatus.CONFIRMED)
    if errors:
        raise DecisionError(errors)
    with transaction.atomic():
        item = ClassifierFeedback.objects.select_for_update().get(pk=feedback_id)
        item.status = FeedbackStatus.CONFIRMED
        item.label_type, item.label_intent, item.label_conflict = label_type, label_intent, label_conflict
        item.confirmed_by, item.confirmed_at = user, timezone.now()
        item.save()
        transaction.on_commit(_maybe_retrain)
    return item


def _maybe_retrain() -> None:
    """After N confirmed items not yet in the active model, retrain in the background."""
    every = getattr(settings, "CLASSIFIER_RETRAIN_AFTER", 20)
    if every and len(_new_feedback()) >= every:
        from signals.tasks import retrain_classifier

        retrain_classifier.delay()


def _new_feedback() -> list[int]:
    active = ClassifierModel.objects.filter(status=ClassifierModelStatus.ACTIVE).first()
    used = set(active.feedback.values_list("pk", flat=True)) if active else set()
    return [
        pk
        for pk in ClassifierFeedback.objects.filter(status=FeedbackStatus.CONFIRMED).values_list("pk", flat=True)
        if pk not in used
    ]


def feedback_rows(items: Sequence[ClassifierFeedback]) -> list[dict]:
    return [
        {
            "text": f.text,
            "signal_type": f.label_type,
            "intent": f.label_intent or "none",
            "conflict": f.label_conflict or None,
            "writer": FEEDBACK_WRITER,
            "tags": ["feedback"],
        }
        for f in items
    ]


# --------------------------------------------------------------------------- the active model


@dataclass
class ActiveClassifier:
    key: int  # the active ClassifierModel's pk; 0 for the corpus-only model
    models: TrainedModels
    overrides: dict[str, tuple[str, str, str]] = field(default_factory=dict)


_ACTIVE: ActiveClassifier | None = None
_LOCK = threading.Lock()


def classifier_active() -> ActiveClassifier:
    """The model in use (trained once per process, again when another is activated)."""
    global _ACTIVE
    key = ClassifierModel.objects.filter(status=ClassifierModelStatus.ACTIVE).values_list("pk", flat=True).first() or 0
    with _LOCK:
        if _ACTIVE is None or _ACTIVE.key != key:
            if not key:
                _ACTIVE = ActiveClassifier(0, get_models())
                return _ACTIVE
            items = list(ClassifierFeedback.objects.filter(models=key).order_by("pk"))
            models = cached_train_models(classifier.training_rows() + feedback_rows(items))
        else:
            return _ACTIVE
    _remember(ClassifierModel(pk=key), models, items)
    assert _ACTIVE is not None
    return _ACTIVE


def _remember(model: ClassifierModel, models: TrainedModels, items: list[ClassifierFeedback]) -> None:
    """Keep the model just trained as this process's active one (no second training)."""
    global _ACTIVE
    with _LOCK:
        _ACTIVE = ActiveClassifier(
            model.pk, models, {_key(f.text): (f.label_type, f.label_intent or "none", f.label_conflict) for f in items}
        )


def _key(text: str) -> str:
    return " ".join(normalize_text(text).lower().split())


def classify_readings(
    texts: Sequence[str],
    specs: Sequence[classifier.PhraseRuleSpec],
) -> tuple[str, list[classifier.TextClassification]]:
    """The active model's version and its readings of `texts`."""
    active = classifier_active()
    version = classifier.model_version(specs, active.models)
    results = classifier.classify_with(active.models, list(texts), specs, None)
    if active.overrides:
        for i, text in enumerate(texts):
            label = active.overrides.get(_key(text))
            if label:
                results[i] = replace(
                    results[i], signal_type=label[0], intent=label[1], conflict=label[2] or None, confidence=1.0
                )
    return version, results


def active_version(specs: Sequence[classifier.PhraseRuleSpec]) -> str:
    return classifier.model_version(specs, classifier_active().models)


# --------------------------------------------------------------------------- retrain, roll back


def _figures(extra: list[dict], specs: Sequence[classifier.PhraseRuleSpec], writers: Sequence[str] | None) -> dict:
    report = classifier.evaluate_by_writer(specs, writers=writers, extra_training_rows=extra).pooled
    return {
        "precision": round(report.binary_precision, 4),
        "recall": round(report.binary_recall, 4),
        "type": round(report.type_accuracy, 4),
        "intent": round(report.intent_accuracy, 4),
        "n": report.n_examples,
        "writers": list(writers or []),
    }


@dataclass
class RetrainResult:
    model: ClassifierModel | None
    activated: bool
    message: str


def classifier_retrain(*, user: User | None = None, writers: Sequence[str] | None = None) -> RetrainResult:
    """Train on the corpus plus every confirmed feedback item, evaluate leave-one-writer-out
    on the held-out writers against the active model, and activate it if it is no worse."""
    from signals.services import phrase_rule_specs, rules_changed

    confirmed = list(ClassifierFeedback.objects.filter(status=FeedbackStatus.CONFIRMED).order_by("pk"))
    active = ClassifierModel.objects.filter(status=ClassifierModelStatus.ACTIVE).first()
    in_use = list(active.feedback.order_by("pk")) if active else []
    if {f.pk for f in confirmed} == {f.pk for f in in_use}:
        return RetrainResult(active, False, "No confirmed feedback beyond what the active model has; nothing to do.")
    specs = phrase_rule_specs()
    extra = feedback_rows(confirmed)
    evaluation = _figures(extra, specs, writers)
    baseline = _figures(feedback_rows(in_use), specs, writers)
    no_worse = (
        evaluation["precision"] >= baseline["precision"] - TOLERANCE
        and evaluation["recall"] >= baseline["recall"] - TOLERANCE
    )
    rows = classifier.training_rows() + extra
    version = rows_version(rows, specs)
    with transaction.atomic():
        model, _ = ClassifierModel.objects.update_or_create(
            version=version,
            defaults={
                "evaluation": evaluation,
                "baseline": baseline,
                "created_by": user,
                "status": ClassifierModelStatus.REFUSED,
            },
        )
        model.feedback.set(confirmed)
        if no_worse:
            _activate(model)
            _remember(model, cached_train_models(rows), confirmed)
            rules_changed(segment=None)  # every text is read again by the new model, then rescored
    summary = (
        f"precision {evaluation['precision']:.3f} (was {baseline['precision']:.3f}), "
        f"recall {evaluation['recall']:.3f} (was {baseline['recall']:.3f})"
    )
    if no_worse:
        return RetrainResult(model, True, f"Activated {version} with {len(confirmed)} feedback item(s): {summary}.")
    return RetrainResult(model, False, f"Refused {version}: it is worse on held-out writers: {summary}.")


def _activate(model: ClassifierModel) -> None:
    ClassifierModel.objects.filter(status=ClassifierModelStatus.ACTIVE).exclude(pk=model.pk).update(
        status=ClassifierModelStatus.INACTIVE
    )
    model.status = ClassifierModelStatus.ACTIVE
    model.activated_at = timezone.now()
    model.save(update_fields=["status", "activated_at"])


def classifier_activate(*, model_id: int | None) -> None:
    """Roll back (or forward) to a stored model; None goes back to the corpus-only model."""
    from signals.services import rules_changed

    with transaction.atomic():
        if model_id is None:
            ClassifierModel.objects.filter(status=ClassifierModelStatus.ACTIVE).update(
                status=ClassifierModelStatus.INACTIVE
            )
        else:
            _activate(ClassifierModel.objects.select_for_update().get(pk=model_id))
        rules_changed(segment=None)
