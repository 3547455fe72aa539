"""The fixed vocabulary of the classifier (see shared/spec/signals-contract.md).

These codes are stored in the database and exported; never rename them.
"""

from __future__ import annotations

# Order matters: it is the row/column order of the confusion matrix and of the
# model's class axis, so reports stay comparable between runs.
SIGNAL_TYPES: tuple[str, ...] = (
    "seats",
    "capacity",
    "tier_upgrade",
    "scale",
    "cross_sell",
    "add_on",
    "volume_pricing",
)
NO_SIGNAL = "none"
TYPE_LABELS: tuple[str, ...] = SIGNAL_TYPES + (NO_SIGNAL,)

BUYING = "buying"
CURIOUS = "curious"
NO_INTENT = "none"
INTENTS: tuple[str, ...] = (BUYING, CURIOUS, NO_INTENT)

CONFLICTS: tuple[str, ...] = ("reduce", "downgrade", "cancel", "alternatives")
# The conflict model's class axis: "none" stands for "no conflict" (None in the API).
CONFLICT_LABELS: tuple[str, ...] = CONFLICTS + (NO_SIGNAL,)

RULE_KINDS: tuple[str, ...] = ("signal", "conflict", "negation", "buying_cue", "curious_cue")
