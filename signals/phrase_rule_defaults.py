"""Default phrase rules added or changed after an install was seeded reach it by a data
migration (0012, 0016, 0017, ...), each naming its rules; this is the one way they arrive."""

import hashlib
from collections.abc import Iterable
from typing import Any


def add_missing(phrase_rule: Any, names: Iterable[str]) -> None:
    """Store the named default rules an install does not have yet, as the code defines them
    now. A fresh install (no rules yet) is seeded whole after migrating
    (signals.services.rules_seed); a rule already stored, an admin's own version included,
    is left alone. `phrase_rule` is the migration's historical PhraseRule model."""
    from signals.classifier import DEFAULT_PHRASE_RULES

    if not phrase_rule.objects.exists():
        return
    wanted = set(names)
    stored = set(phrase_rule.objects.values_list("name", flat=True))
    phrase_rule.objects.bulk_create(
        [
            phrase_rule(
                name=spec.name,
                pattern=spec.pattern,
                kind=spec.kind,
                signal_type=spec.signal_type or "",
                conflict=spec.conflict or "",
                weight=spec.weight,
            )
            for spec in DEFAULT_PHRASE_RULES
            if spec.name in wanted and spec.name not in stored
        ]
    )


def update_unedited(phrase_rule: Any, previous: dict[str, str]) -> None:
    """Bring stored default rules to the pattern the code defines now, where an admin has not
    edited them: `previous` maps a rule's name to the SHA-256 of the pattern it shipped with
    before, and only a stored pattern with that hash is replaced (an admin's own version,
    or a rule they deleted, is left alone)."""
    from signals.classifier import DEFAULT_PHRASE_RULES

    current = {spec.name: spec.pattern for spec in DEFAULT_PHRASE_RULES}
    for rule in phrase_rule.objects.filter(name__in=list(previous)):
        if hashlib.sha256(rule.pattern.encode()).hexdigest() == previous[rule.name] and rule.name in current:
            rule.pattern = current[rule.name]
            rule.save(update_fields=["pattern"])
