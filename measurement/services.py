from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from measurement.models import MeasurementEvent


def event_for(
    *,
    kind: str,
    candidate: Any = None,
    account: Any = None,
    actor: Any = None,
    data: dict | None = None,
    occurred_at: Any = None,
) -> MeasurementEvent:
    """An unsaved event carrying the candidate's state at this moment."""
    account = account if account is not None else candidate.account
    return MeasurementEvent(
        kind=kind,
        occurred_at=occurred_at or timezone.now(),
        actor=actor,
        candidate=candidate,
        account=account,
        owner_id=account.owner_id,
        signal_type=getattr(candidate, "signal_type", ""),
        recommendation=getattr(candidate, "recommendation", ""),
        score=getattr(candidate, "score", None),
        evidence=list(getattr(candidate, "evidence", []) or []),
        data=data or {},
    )


def event_record(**kwargs: Any) -> MeasurementEvent:
    """Write one event. Call it inside the transaction of the state change it measures."""
    event = event_for(**kwargs)
    event.save()
    return event


def events_record(events: Iterable[MeasurementEvent]) -> None:
    MeasurementEvent.objects.bulk_create(list(events), batch_size=2000)
