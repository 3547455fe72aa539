"""Rule keys, their defaults (the contract's table) and their validation.

Admins edit rules in Django admin; a rule may be scoped to a segment, which then
overrides the default for accounts of that segment (segment-specific plays).
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class RuleSpec:
    key: str
    default: str
    kind: str  # "days" | "share" | "points" | "priorities"
    help: str
    minimum: float = 0
    maximum: float = 3650


RULE_SPECS: tuple[RuleSpec, ...] = (
    RuleSpec("text_window_days", "90", "days", "Customer text counts as a signal for this many days.", 1),
    RuleSpec("value_proof_days", "365", "days", "Value proof: a verified outcome recorded within this many days.", 1),
    RuleSpec(
        "conflict_window_days",
        "90",
        "days",
        "Look for reduce/downgrade/cancel/alternatives messages within this many days.",
        1,
    ),
    RuleSpec(
        "ticket_block_age_days", "30", "days", "An unresolved ticket of any priority blocks once older than this.", 0
    ),
    RuleSpec(
        "blocking_priorities", "high,urgent", "priorities", "Unresolved tickets of these priorities block at any age."
    ),
    RuleSpec(
        "rejection_cooldown_days", "60", "days", "Cool-down after a rejection of the same account and signal type.", 0
    ),
    RuleSpec("outreach_cooldown_days", "14", "days", "Cool-down after logged outreach on the account.", 0),
    RuleSpec(
        "follow_up_window_days",
        "90",
        "days",
        "After an approval, new trigger evidence is attached to it (not queued) for this many days, or until closed won or lost.",
        1,
    ),
    RuleSpec(
        "follow_up_max_arr_multiple",
        "100",
        "points",
        "A closed-won amount may be at most this many times the account's ARR.",
        1,
        100000,
    ),
    RuleSpec(
        "seats_threshold",
        "0.90",
        "share",
        "Seats signal: seats used at or above this share of seats purchased (at most 1: all of them).",
        0.01,
        1,
    ),
    RuleSpec(
        "capacity_threshold",
        "0.85",
        "share",
        "Capacity signal: a metric at or above this share of its limit (at most 1: the limit).",
        0.01,
        1,
    ),
    RuleSpec(
        "growth_threshold",
        "0.20",
        "share",
        "Sustained growth: weekly average up at least this much over 8 weeks, most weeks rising.",
        0.01,
        10,
    ),
    RuleSpec(
        "new_department_days",
        "60",
        "days",
        "New department: first usage within this many days, in an account with usage elsewhere.",
        1,
    ),
    RuleSpec(
        "decline_threshold",
        "0.30",
        "share",
        "Sustained decline (poor health): weekly average down at least this much over 8 weeks.",
        0.01,
        1,
    ),
    RuleSpec(
        "renewal_window_days",
        "120",
        "days",
        "Renewal within this many days is timing context for the brief and score.",
        0,
    ),
    RuleSpec(
        "weight_intent",
        "30",
        "points",
        "Score points for intent strength (buying full, inferred 60%, curious 40%).",
        0,
        100,
    ),
    RuleSpec(
        "weight_corroboration",
        "25",
        "points",
        "Score points for corroboration across sources (text, usage, stakeholders, timing).",
        0,
        100,
    ),
    RuleSpec("weight_value", "20", "points", "Score points for value proof (verified full, unverified 40%).", 0, 100),
    RuleSpec(
        "weight_stakeholder",
        "15",
        "points",
        "Score points for stakeholder fit (decision maker or champion full, other contact 40%).",
        0,
        100,
    ),
    RuleSpec("weight_recency", "10", "points", "Score points for recency of the newest signal evidence.", 0, 100),
    RuleSpec(
        "holdout_share",
        "0.10",
        "share",
        "Proof of lift: this share of new candidates is held out (never surfaced) to measure the lift. 0 turns it off.",
        0,
        0.5,
    ),
    RuleSpec(
        "outcome_window_days",
        "120",
        "days",
        "Proof of lift: CRM opportunities opened within this many days of a candidate count as its outcome.",
        1,
    ),
)
RULE_KEYS = {spec.key: spec for spec in RULE_SPECS}
PRIORITIES = ("low", "normal", "high", "urgent")


def parse_rule(key: str, raw: str) -> Any:
    """The typed value of a rule, or ValidationError naming what is wrong."""
    spec = RULE_KEYS.get(key)
    if spec is None:
        raise ValidationError(f"Unknown rule {key!r}.")
    text = (raw or "").strip()
    if spec.kind == "priorities":
        items = [item.strip() for item in text.split(",") if item.strip()]
        unknown = [item for item in items if item not in PRIORITIES]
        if unknown:
            raise ValidationError(f"Unknown priority {unknown[0]!r}; use {', '.join(PRIORITIES)}.")
        return tuple(items)
    try:
        number = float(text)
    except ValueError:
        raise ValidationError(f"{spec.key} must be a number.") from None
    if spec.kind == "days" and not number.is_integer():
        raise ValidationError(f"{spec.key} is a whole number of days.")
    if not spec.minimum <= number <= spec.maximum:
        raise ValidationError(f"{spec.key} must be between {spec.minimum:g} and {spec.maximum:g}.")
    return int(number) if spec.kind == "days" else number


@dataclass(frozen=True)
class RuleSet:
    """The effective rules for one segment, typed."""

    values: dict[str, Any]

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def weights(self) -> dict[str, float]:
        return {
            "intent": self.values["weight_intent"],
            "corroboration": self.values["weight_corroboration"],
            "value": self.values["weight_value"],
            "stakeholder": self.values["weight_stakeholder"],
            "recency": self.values["weight_recency"],
        }


def default_rules() -> RuleSet:
    return RuleSet({spec.key: parse_rule(spec.key, spec.default) for spec in RULE_SPECS})
