import datetime as dt
from decimal import Decimal
from typing import Any

from django import template
from django.utils import timezone

register = template.Library()

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}
COMPONENT_LABELS = {
    "intent": "Customer statement",
    "corroboration": "Corroboration",
    "value": "Value proof",
    "stakeholder": "Stakeholder fit",
    "recency": "Recency",
}
REC_REASONS = {
    "pursue": "No blockers: value is proven, no blocking support issue, and the customer gave a reason to talk.",
    "wait": "Real signal, but something must change first.",
    "prove_value": "Interest without verified value: collect proof before any ask.",
    "nurture": "A question, not a need: answer it, make no commercial ask.",
    "stop": "Do not raise an expansion now.",
}


@register.filter
def money_short(value: Decimal | float | None, currency: str = "USD") -> str:
    if value is None:
        return "—"
    symbol = CURRENCY_SYMBOLS.get(currency, f"{currency} ")
    amount = float(value)
    if abs(amount) >= 1_000_000:
        return f"{symbol}{amount / 1_000_000:.1f}M"
    if abs(amount) >= 1_000:
        return f"{symbol}{amount / 1_000:.1f}k"
    return f"{symbol}{amount:,.0f}"


@register.filter
def money(value: Decimal | float | None, currency: str = "USD") -> str:
    if value is None:
        return "—"
    return f"{CURRENCY_SYMBOLS.get(currency, currency + ' ')}{float(value):,.0f}"


@register.filter
def days_until(value: dt.date | None) -> int | None:
    if value is None:
        return None
    return (value - timezone.now().date()).days


@register.filter
def days_since(value: dt.date | dt.datetime | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    return (timezone.now().date() - value).days


@register.filter
def ev_anchor(evidence_id: str) -> str:
    return "ev-" + "".join(c if c.isalnum() or c in "-_" else "-" for c in evidence_id)


@register.filter
def ev_label(evidence_id: str) -> str:
    if evidence_id.startswith("usage:"):
        parts = evidence_id.split(":")
        try:
            day = dt.date.fromisoformat(parts[-1])
            return f"{':'.join(parts[1:-1])} · {day:%-d %b}"
        except ValueError:
            return evidence_id
    return evidence_id


@register.filter
def get_item(mapping: dict, key: Any) -> Any:
    return mapping.get(key) if mapping else None


@register.filter
def component_label(name: str) -> str:
    return COMPONENT_LABELS.get(name, name)


@register.filter
def percent_of(points: float, maximum: float) -> float:
    return round(100 * points / maximum, 1) if maximum else 0


@register.filter
def rec_reason(candidate: Any) -> str:
    return REC_REASONS.get(candidate.recommendation, "")


@register.filter
def blocker_lead(message: str) -> tuple[str, str]:
    """'Wait: ticket …' -> ('Wait:', 'ticket …') so the lead can be styled."""
    head, sep, rest = message.partition(": ")
    return (head + ":", rest) if sep and len(head) < 20 else ("", message)


@register.filter
def label(code: str) -> str:
    """For codes only ("bad_timing" -> "Bad timing"); free text goes through reason_text."""
    return str(code).replace("_", " ").capitalize() if code not in (None, "") else ""


@register.filter
def segment_label(code: str) -> str:
    """A segment code's display label ("smb" -> "SMB", "mid-market" -> "Mid-market");
    a code outside the known segments is shown as imported."""
    from accounts.models import Segment

    if code in (None, ""):
        return ""
    return str(Segment(code).label) if code in Segment.values else str(code)


@register.filter
def reason_text(value: str) -> str:
    """An event's reason: a reject reason code gets its label, anything the owner typed
    is shown exactly as typed."""
    from reviews.models import RejectReason

    if value in RejectReason.values:
        return str(RejectReason(value).label)
    return str(value) if value not in (None, "") else ""


@register.filter
def when(value: dt.date | dt.datetime | None) -> str:
    """Full date and time for timestamps, the day for daily facts."""
    if value is None:
        return "—"
    if isinstance(value, dt.datetime):
        return f"{value:%-d %b %Y, %H:%M} UTC"
    return f"{value:%-d %b %Y}"
