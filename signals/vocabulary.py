"""The product's fixed vocabulary (shared/spec/signals-contract.md). Never rename a code."""

from django.db import models


class SignalType(models.TextChoices):
    SEATS = "seats", "Seats"
    CAPACITY = "capacity", "Capacity"
    TIER_UPGRADE = "tier_upgrade", "Tier upgrade"
    SCALE = "scale", "Scale"
    CROSS_SELL = "cross_sell", "Cross-sell"
    ADD_ON = "add_on", "Add-on"
    VOLUME_PRICING = "volume_pricing", "Volume pricing"


class Intent(models.TextChoices):
    BUYING = "buying", "Buying"
    CURIOUS = "curious", "Curious"
    INFERRED = "inferred", "Inferred"


class Recommendation(models.TextChoices):
    STOP = "stop", "Stop"
    WAIT = "wait", "Wait"
    PROVE_VALUE = "prove_value", "Prove value"
    NURTURE = "nurture", "Nurture"
    PURSUE = "pursue", "Pursue"


class Blocker(models.TextChoices):
    CONSENT_MISSING = "consent_missing", "Consent missing"
    CONTEXT_CONFLICT = "context_conflict", "Context conflict"
    OPEN_SUPPORT_ISSUE = "open_support_issue", "Open support issue"
    POOR_HEALTH = "poor_health", "Poor health"
    POOR_TIMING = "poor_timing", "Poor timing"
    NO_VALUE_PROOF = "no_value_proof", "No value proof"
    CURIOSITY_ONLY = "curiosity_only", "Curiosity only"
    NO_OWNER = "no_owner", "No owner"


# The contract's precedence: the recommendation is that of the highest-precedence blocker.
BLOCKER_RECOMMENDATION: dict[str, str] = {
    Blocker.CONSENT_MISSING: Recommendation.STOP,
    Blocker.CONTEXT_CONFLICT: Recommendation.STOP,
    Blocker.OPEN_SUPPORT_ISSUE: Recommendation.WAIT,
    Blocker.POOR_HEALTH: Recommendation.WAIT,
    Blocker.POOR_TIMING: Recommendation.WAIT,
    Blocker.NO_VALUE_PROOF: Recommendation.PROVE_VALUE,
    Blocker.CURIOSITY_ONLY: Recommendation.NURTURE,
}
RECOMMENDATION_ORDER: tuple[str, ...] = (
    Recommendation.STOP,
    Recommendation.WAIT,
    Recommendation.PROVE_VALUE,
    Recommendation.NURTURE,
    Recommendation.PURSUE,
)


def recommendation_for(blocker_codes: list[str]) -> str:
    found = {BLOCKER_RECOMMENDATION[code] for code in blocker_codes if code in BLOCKER_RECOMMENDATION}
    for recommendation in RECOMMENDATION_ORDER:
        if recommendation in found:
            return recommendation
    return Recommendation.PURSUE


class CandidateStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    DEFERRED = "deferred", "Deferred"
    EXPIRED = "expired", "Expired"


OPEN_STATUSES = (CandidateStatus.PENDING, CandidateStatus.DEFERRED)


# The owner's queue leads with what can be acted on, then what to watch. Stored on the
# candidate (queue_rank) so the queue is an index scan, not a sort of every row.
QUEUE_ORDER: tuple[str, ...] = (
    Recommendation.PURSUE,
    Recommendation.WAIT,
    Recommendation.PROVE_VALUE,
    Recommendation.NURTURE,
    Recommendation.STOP,
)


def queue_rank(recommendation: str) -> int:
    return QUEUE_ORDER.index(recommendation) if recommendation in QUEUE_ORDER else len(QUEUE_ORDER)


# Units and acronyms in metric names: "storage_gb" reads "Storage (GB)", "api_calls" "API calls".
METRIC_UNITS = {"gb": "(GB)", "tb": "(TB)", "mb": "(MB)", "pct": "(%)", "percent": "(%)"}
METRIC_ACRONYMS = {"api": "API", "sso": "SSO", "ai": "AI", "crm": "CRM", "sms": "SMS"}


def metric_label(metric: str) -> str:
    if metric.startswith("feature:"):
        return "Feature: " + " ".join(metric.split(":", 1)[1].replace("_", " ").split())
    words = [w for w in metric.replace(":", " ").replace("_", " ").split() if w]
    if not words:
        return metric
    out = [
        METRIC_UNITS[w.lower()] if i and w.lower() in METRIC_UNITS else METRIC_ACRONYMS.get(w.lower(), w)
        for i, w in enumerate(words)
    ]
    return out[0][:1].upper() + out[0][1:] + "".join(f" {w}" for w in out[1:])
