"""Reads of candidates, always scoped to what the user may see (or explicitly unscoped
for the command line, which runs as the operator)."""

from collections.abc import Iterator

from django.db.models import QuerySet

from core.roles import AnyUser, scope_accounts
from signals.engine.brief import brief_text
from signals.models import Candidate


def candidate_export_rows(*, queryset: QuerySet[Candidate]) -> Iterator[dict[str, object]]:
    """The export_signals object (the contract's shape) for each candidate."""
    for c in queryset.select_related("account").order_by("account__external_id", "signal_type", "pk").iterator(2000):
        yield {
            "id": str(c.pk),
            "account": c.account.external_id,
            "signal_type": c.signal_type,
            "intent": c.intent,
            "score": c.score,
            "recommendation": c.recommendation,
            "blockers": [b["code"] for b in c.blockers],
            "evidence": c.evidence,
            "status": c.status,
            "brief": brief_text(c.brief),
        }


def candidates_visible(*, user: AnyUser) -> QuerySet[Candidate]:
    return scope_accounts(Candidate.objects.surfaced(), user, field="account")
