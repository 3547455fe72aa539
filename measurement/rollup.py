"""The dashboard's per-signal rollup: each signal's decision and follow-up facts folded
once from its decisions and events, so the dashboard reads one row per signal of its
range instead of the event stream (a million events for a year of 40,000 signals).

How it stays equal to the live computation (`selectors.outcomes_for`, which also computes
the rows here, so there is one definition):

- a row holds the facts with no end date, and `settled_at`, the latest decision or
  fact-bearing event of the signal; the dashboard uses the row only for a range that ends
  after it (otherwise a later event would count that the range must not see) and reads
  every other signal live;
- a trigger (migration 0007) adds a `RollupDirty` row for the candidate in the same
  transaction as every decision and every fact-bearing event (`FACT_KINDS`); the
  dashboard reads a signal with such a row live, so a figure never lags what its reader
  can see;
- `rollup_refresh` (a Celery task, every minute, and after the tests' and benchmarks'
  loads) recomputes the dirty and missing rows and deletes the dirty marks it has folded
  in. A mark committed while it runs is not among the ones it read, so it stays for the
  next run: nothing is lost between the two.

Candidate and account attributes (owner, segment, type, recommendation, the review
facts) are not in the rollup: the dashboard reads them from the candidate as they are now.
"""

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Max

from measurement.models import EventKind, MeasurementEvent, RollupDirty, SignalRollup
from measurement.selectors import OUTCOME_FIELDS, outcomes_for
from reviews.models import Decision
from signals.models import Candidate

logger = logging.getLogger(__name__)

# The events that bear on a figure (the trigger of migration 0007 lists the same).
FACT_KINDS: tuple[str, ...] = (
    EventKind.REVIEWED,
    EventKind.OUTREACH_SENT,
    EventKind.CUSTOMER_RESPONDED,
    EventKind.OPPORTUNITY_CREATED,
    EventKind.CLOSED_WON,
    EventKind.FOLLOW_UP_CORRECTED,
    EventKind.UNDONE,
)
FOREVER = dt.datetime(9999, 12, 31, tzinfo=dt.UTC)
BATCH = 2000


def rollup_rows(candidate_ids: Iterable[int]) -> list[SignalRollup]:
    """The rollup rows of these candidates, computed from their decisions and events."""
    ids = sorted(set(candidate_ids))
    existing = set(Candidate.objects.filter(pk__in=ids).values_list("pk", flat=True))
    outcomes = outcomes_for(ids, until=FOREVER)
    settled: dict[int, dt.datetime] = {}
    for pk, at in (
        MeasurementEvent.objects.filter(candidate__in=ids, kind__in=FACT_KINDS)
        .order_by()
        .values("candidate_id")
        .annotate(at=Max("occurred_at"))
        .values_list("candidate_id", "at")
    ):
        settled[pk] = at
    for pk, at in (
        Decision.objects.filter(candidate__in=ids)
        .order_by()
        .values("candidate_id")
        .annotate(at=Max("decided_at"))
        .values_list("candidate_id", "at")
    ):
        settled[pk] = max(at, settled.get(pk, at))
    rows = []
    for pk in ids:
        if pk not in existing:
            continue
        o: dict[str, Any] = outcomes.get(pk) or {}
        values = {name: o.get(name, False) for name in OUTCOME_FIELDS if name not in ("decided", "won_amounts")}
        values["first_decision_at"] = o.get("first_decision_at")
        rows.append(
            SignalRollup(
                candidate_id=pk,
                settled_at=settled.get(pk),
                won_amounts={cur: str(amount) for cur, amount in (o.get("won_amounts") or {}).items()},
                rejections=dict(o.get("rejections") or {}),
                **values,
            )
        )
    return rows


def rollup_write(candidate_ids: Iterable[int]) -> int:
    """Recompute the rollup rows of these candidates (in the caller's transaction)."""
    ids = sorted(set(candidate_ids))
    rows = rollup_rows(ids)
    SignalRollup.objects.filter(candidate_id__in=ids).delete()
    SignalRollup.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def rollup_refresh(*, batch: int = BATCH, limit: int | None = None) -> int:
    """Fold every dirty signal, and every signal that has no row yet, into the rollup,
    `batch` signals per transaction; returns how many rows were written."""
    written = 0
    while limit is None or written < limit:
        with transaction.atomic():
            # Distinct signals (a busy one has many marks), then exactly the marks read
            # here: a mark that commits later is not among them and stays for the next run.
            ids = set(RollupDirty.objects.order_by().values_list("candidate_id", flat=True).distinct()[:batch])
            marks = list(RollupDirty.objects.filter(candidate_id__in=ids).values_list("pk", flat=True)) if ids else []
            if len(ids) < batch:
                ids.update(
                    Candidate.objects.filter(rollup__isnull=True)
                    .exclude(pk__in=ids)
                    .order_by("pk")
                    .values_list("pk", flat=True)[: batch - len(ids)]
                )
            if not ids:
                break
            written += rollup_write(ids)
            if marks:
                RollupDirty.objects.filter(pk__in=marks).delete()
    if written:
        logger.info("dashboard rollup: %s signal(s) refreshed", written)
    return written
