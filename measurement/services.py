from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils import timezone

from core.sql import rows_insert
from measurement.models import MeasurementEvent


def event_for(
    *,
    kind: str,
    candidate: Any = None,
    account: Any = None,
    actor: Any = None,
    data: dict | None = None,
    occurred_at: Any = None,
    corrects: MeasurementEvent | None = None,
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
        corrects=corrects,
    )


def event_record(**kwargs: Any) -> MeasurementEvent:
    """Write one event. Call it inside the transaction of the state change it measures."""
    event = event_for(**kwargs)
    event.save()
    return event


def events_record(events: Iterable[MeasurementEvent]) -> None:
    """Write these events in one statement (core.sql.rows_insert: a bulk_create that
    prepares thousands of rows at a fraction of the cost)."""
    rows_insert(MeasurementEvent, list(events))


def pilot_errors(
    *,
    sample: str,
    accounts: Iterable[Any],
    segment: str,
    top_n: int | None,
    owner_team: Iterable[Any],
    duration_days: int | None,
    threshold: Decimal | None,
) -> dict[str, str]:
    """What is wrong with a pilot's configuration, field by field, in words an admin can act on."""
    from accounts.models import Account
    from measurement.models import PilotSample

    accounts, team = list(accounts), list(owner_team)
    errors: dict[str, str] = {}
    if duration_days is not None and not 1 <= duration_days <= MAX_PILOT_DAYS:
        errors["duration_days"] = f"A pilot runs between 1 and {MAX_PILOT_DAYS} days (a standard pilot runs 60)."
    if threshold is not None and not Decimal("0.01") <= threshold <= Decimal("1"):
        errors["threshold"] = "Enter the threshold as a share between 0.01 and 1.00 (0.80 means 80%)."
    if not team:
        errors["owner_team"] = "Add at least one account owner to the pilot team."
    elif inactive := [u for u in team if not u.is_active]:
        errors["owner_team"] = f"{_names(inactive)} {'is' if len(inactive) == 1 else 'are'} inactive; remove them."
    if sample == PilotSample.ACCOUNTS:
        if not accounts:
            errors["accounts"] = "Choose the pilot's accounts, or pick another kind of sample."
        elif team and (outside := [a for a in accounts if a.owner_id not in {u.pk for u in team}]):
            errors["accounts"] = (
                f"{_names(outside)} {'is' if len(outside) == 1 else 'are'} not owned by anyone on the pilot team; "
                "add their owner to the team or remove them."
            )
    elif accounts:
        errors["accounts"] = "Leave the accounts empty unless the sample is an explicit list of accounts."
    if sample == PilotSample.SEGMENT:
        known = sorted(set(Account.objects.exclude(segment="").values_list("segment", flat=True)))
        if not segment:
            errors["segment"] = "Enter the segment to sample" + (f" (one of {', '.join(known)})." if known else ".")
        elif segment not in known:
            errors["segment"] = f"No account has the segment {segment!r}" + (
                f"; choose one of {', '.join(known)}." if known else "."
            )
    elif segment:
        errors["segment"] = "Leave the segment empty unless the sample is a segment."
    if sample == PilotSample.TOP_HEALTHY:
        if not top_n or not 1 <= top_n <= MAX_TOP_N:
            errors["top_n"] = (
                f"Enter how many healthy accounts to take, between 1 and {MAX_TOP_N} (the standard pilot takes 50)."
            )
    elif top_n:
        errors["top_n"] = "Leave top N empty unless the sample is the top N healthy accounts."
    if sample not in PilotSample.values:
        errors["sample"] = "Choose how the pilot's accounts are sampled."
    return errors


MAX_PILOT_DAYS = 365
MAX_TOP_N = 1000


def _names(items: list[Any], limit: int = 3) -> str:
    names = [str(i.get_full_name() or i.username) if hasattr(i, "get_full_name") else str(i) for i in items]
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")
