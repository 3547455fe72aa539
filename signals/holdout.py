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
from collections.abc import Callable, Sequence

from django.conf import settings

from accounts.models import Account
from measurement.models import EventKind, MeasurementEvent
from measurement.services import event_for
from signals.models import Candidate
from signals.records import Trigger
from signals.rules import RuleSet
from signals.vocabulary import Intent


def holdout_draw(*, account_id: int, signal_type: str, first_detected_on: dt.date) -> float:
    """A number in [0, 1), uniform over candidates, fixed for this identity and key."""
    message = f"{account_id}:{signal_type}:{first_detected_on.isoformat()}".encode()
    digest = hmac.new(f"holdout:{settings.HOLDOUT_KEY}".encode(), message, hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


# An account whose import record says `"holdout": "never"` (an extra attribute) is never
# held out: e.g. strategic accounts a leader will not risk. Decided by the account, before
# any draw, so it does not bias the comparison; it only narrows whom it speaks for.
EXEMPT = "never"


# A candidate whose trigger is the customer's own concrete request is never held out (unless
# HOLDOUT_EXPLICIT_ASKS): the customer asked, and an owner who never hears of it fails them.
# Decided by the candidate's own evidence before any draw, and recorded on its
# `signal_created` event, so the lift leaves these out of both groups (it then measures the
# tool on the signals it infers, where it has something to prove).
EXPLICIT_ASK = "explicit_ask"


def holdout_exemption(*, intent: str, triggers: Sequence[Trigger]) -> str | None:
    """Why a candidate being created can never be held out (None: it can)."""
    if settings.HOLDOUT_EXPLICIT_ASKS or intent != Intent.BUYING:
        return None
    return EXPLICIT_ASK if any(t.kind in ("message", "ticket") for t in triggers) else None


def holdout_decide(
    *, account: Account, signal_type: str, first_detected_on: dt.date, rules: RuleSet, exemption: str | None = None
) -> bool:
    """Whether a candidate being created now is held out."""
    share = float(rules.holdout_share)
    if not settings.HOLDOUT_ENABLED or share <= 0 or exemption or (account.extra or {}).get("holdout") == EXEMPT:
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
