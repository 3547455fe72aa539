"""A small book for the full rescore's fan-out tests: accounts with a buying message
and a verified outcome each, written straight to the tables (no import hook)."""

import datetime as dt

from accounts.models import Account, Interaction, Outcome
from measurement.models import MeasurementEvent
from signals.models import Candidate
from tests import factories

AS_OF = dt.date(2026, 11, 20)
NOON = dt.datetime.combine(AS_OF, dt.time(12), tzinfo=dt.UTC)


def make_book(n: int, prefix: str = "fan") -> list[int]:
    owner = factories.owner(username=f"{prefix}-owner@example.com", email=f"{prefix}-owner@example.com")
    Account.objects.bulk_create(
        [Account(external_id=f"{prefix}-{i}", name=f"Fan {i}", seats_purchased=50, owner=owner) for i in range(n)]
    )
    ids = list(Account.objects.filter(external_id__startswith=f"{prefix}-").order_by("pk").values_list("pk", flat=True))
    Outcome.objects.bulk_create(
        [
            Outcome(
                account_id=pk,
                external_id=f"o-{pk}",
                title="Close down to 3 days",
                recorded_at=NOON - dt.timedelta(days=20),
                verified=True,
                source="cs_platform",
            )
            for pk in ids
        ]
    )
    Interaction.objects.bulk_create(
        [
            Interaction(
                account_id=pk,
                external_id=f"m-{pk}",
                occurred_at=NOON - dt.timedelta(days=2),
                source="cs_platform",
                text="Our team is expanding: we need 20 more seats by March, the VP signed off.",
            )
            for pk in ids
        ]
    )
    return ids


def state() -> tuple[list[tuple], list[tuple]]:
    """Every candidate's stored state and every event, to compare runs."""
    candidates = list(
        Candidate.objects.order_by("pk").values_list(
            "pk", "account_id", "signal_type", "status", "version", "score", "recommendation", "updated_at", "scored_on"
        )
    )
    events = list(MeasurementEvent.objects.order_by("pk").values_list("pk", "kind", "candidate_id"))
    return candidates, events
