"""What a digest says, always scoped to the owner's own accounts."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef

from core.roles import AnyUser, scope_accounts
from measurement.models import FOLLOW_UP_KINDS, MeasurementEvent
from reviews.models import Decision, DecisionKind
from signals.models import Candidate
from signals.vocabulary import CandidateStatus

FOLLOW_UP_AFTER_DAYS = 3  # an approval with nothing logged after this is "awaiting a follow-up"


@dataclass
class OwnerDigest:
    new: list[Candidate] = field(default_factory=list)
    returning: list[Candidate] = field(default_factory=list)
    awaiting_follow_up: list[Candidate] = field(default_factory=list)
    overdue: list[Decision] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.new) + len(self.returning) + len(self.awaiting_follow_up) + len(self.overdue)


def _mine(user: AnyUser) -> Any:
    # Owners' digests are about their own accounts, leaders included.
    return (
        scope_accounts(Candidate.objects.surfaced(), user, field="account")
        .filter(account__owner_id=user.pk)
        .select_related("account")
    )


def owner_digest(*, user: AnyUser, since: dt.datetime, today: dt.date, days: int) -> OwnerDigest:
    followed = MeasurementEvent.objects.filter(
        candidate=OuterRef("pk"), kind__in=FOLLOW_UP_KINDS, corrections__isnull=True
    )
    mine = _mine(user)
    new = list(
        mine.filter(status=CandidateStatus.PENDING, inserted_at__gte=since).order_by("queue_rank", "-score")[:20]
    )
    returning = list(
        mine.filter(status=CandidateStatus.DEFERRED, defer_until__lte=today + dt.timedelta(days=days)).order_by(
            "defer_until"
        )[:20]
    )
    cutoff = dt.datetime.combine(today - dt.timedelta(days=FOLLOW_UP_AFTER_DAYS), dt.time(0), tzinfo=dt.UTC)
    approved = mine.filter(status=CandidateStatus.APPROVED).annotate(followed=Exists(followed)).filter(followed=False)
    overdue = list(
        Decision.objects.filter(kind=DecisionKind.APPROVE, candidate__in=approved, next_step_due__lt=today)
        .select_related("candidate", "candidate__account")
        .order_by("next_step_due")[:20]
    )
    overdue_ids = {d.candidate_id for d in overdue}
    awaiting = [
        c for c in approved.filter(decided_at__lt=cutoff).order_by("decided_at")[:20] if c.pk not in overdue_ids
    ]
    return OwnerDigest(new=new, returning=returning, awaiting_follow_up=awaiting, overdue=overdue)
