"""Proof of lift: hold out a share of new candidates (docs/measurement.md, "Proof of lift").

When a candidate is first created, a keyed hash of its account, signal type and first
day decides whether it is held out: held out, it is stored (so outcomes can be counted
for it) but never surfaced (`Candidate.objects.surfaced()` leaves it out of every queue,
page, API, export and digest). The draw depends only on the key and the candidate's
identity, so it is reproducible and a rescore never changes it (only creation draws).
"""

import datetime as dt
import hashlib
import hmac
from collections.abc import Callable

from django.conf import settings

from accounts.models import Account
from measurement.models import EventKind, MeasurementEvent
from measurement.services import event_for
from signals.models import Candidate
from signals.rules import RuleSet


def holdout_draw(*, account_id: int, signal_type: str, first_detected_on: dt.date) -> float:
    """A number in [0, 1), uniform over candidates, fixed for this identity and key."""
    message = f"{account_id}:{signal_type}:{first_detected_on.isoformat()}".encode()
    digest = hmac.new(f"holdout:{settings.HOLDOUT_KEY}".encode(), message, hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


# An account whose import record says `"holdout": "never"` (an extra attribute) is never
# held out: e.g. strategic accounts a leader will not risk. Decided by the account, before
# any draw, so it does not bias the comparison; it only narrows whom it speaks for.
EXEMPT = "never"


def holdout_decide(*, account: Account, signal_type: str, first_detected_on: dt.date, rules: RuleSet) -> bool:
    """Whether a candidate being created now is held out."""
    share = float(rules.holdout_share)
    if not settings.HOLDOUT_ENABLED or share <= 0 or (account.extra or {}).get("holdout") == EXEMPT:
        return False
    return holdout_draw(account_id=account.pk, signal_type=signal_type, first_detected_on=first_detected_on) < share


def holdout_events(
    created: list[Candidate], now: dt.datetime, rules_for: Callable[[Account], RuleSet]
) -> list[MeasurementEvent]:
    """The `held_out` measurement event of each held-out candidate just created (written
    in the same transaction as the candidate, like every event)."""
    return [
        event_for(
            kind=EventKind.HELD_OUT,
            candidate=c,
            occurred_at=now,
            data={"share": float(rules_for(c.account).holdout_share)},
        )
        for c in created
        if c.held_out
    ]
