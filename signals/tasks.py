"""Thin Celery tasks: ids in, one service call, safe to run twice."""

import datetime as dt
import logging
from typing import Any

from celery import chord, group, shared_task

from signals import preview, services

logger = logging.getLogger(__name__)

RETRY = {"autoretry_for": (Exception,), "retry_backoff": 5, "retry_backoff_max": 300, "max_retries": 5}


@shared_task(name="signals.score_accounts", acks_late=True, **RETRY)
def score_accounts_task(account_ids: list[int], as_of: str | None = None) -> int:
    day = dt.date.fromisoformat(as_of) if as_of else None
    return services.accounts_score(account_ids=account_ids, as_of=day).accounts


@shared_task(name="signals.rescore_chunk", acks_late=True, ignore_result=False, **RETRY)
def rescore_chunk_task(account_ids: list[int], as_of: str) -> dict[str, Any]:
    """One chunk of a full rescore. Idempotent: the store runs in one transaction per
    call, so a worker lost mid-chunk leaves nothing behind and the redelivered chunk
    (acks_late) scores it again; a chunk run twice leaves the same candidates, versions
    and events as a chunk run once (the second run finds nothing changed)."""
    return services.rescore_chunk(account_ids, dt.date.fromisoformat(as_of))


@shared_task(name="signals.rescore_summary", acks_late=True, ignore_result=False, **RETRY)
def rescore_summary_task(results: list[dict[str, Any]], as_of: str) -> dict[str, Any]:
    return services.rescore_summary(results, dt.date.fromisoformat(as_of))


@shared_task(name="signals.rescore_all", acks_late=True, **RETRY)
def rescore_all_task(as_of: str | None = None, chunk_size: int | None = None) -> str:
    """The nightly full rescore, fanned out: one chunk task per `chunk_size` accounts on
    whichever workers take them, and a summary once every chunk is done (a chord)."""
    return rescore_fan_out(as_of=dt.date.fromisoformat(as_of) if as_of else None, chunk_size=chunk_size).id


def rescore_fan_out(*, as_of: dt.date | None = None, chunk_size: int | None = None) -> Any:
    """Enqueue the chord; returns its result (the summary's AsyncResult; eager without a broker)."""
    day, chunks = services.rescore_plan(as_of=as_of, chunk_size=chunk_size)
    header = group(rescore_chunk_task.s(chunk, day.isoformat()) for chunk in chunks)
    return chord(header, rescore_summary_task.s(day.isoformat())).apply_async()


@shared_task(name="signals.return_deferrals", acks_late=True, **RETRY)
def return_deferrals_task() -> int:
    return services.deferrals_return()


def enqueue_scoring(account_ids: set[int] | list[int]) -> None:
    """Called after commit (the import hook); batches keep each task short.

    If the broker is down the evidence is already committed: log it and let the nightly
    full rescore catch up, rather than failing a request whose data was saved."""
    ids = sorted(account_ids)
    for start in range(0, len(ids), 500):
        try:
            score_accounts_task.delay(ids[start : start + 500])
        except Exception:  # kombu raises OperationalError and friends for an unreachable broker
            logger.exception(
                "could not enqueue scoring for %s account(s); the nightly rescore will catch up", len(ids) - start
            )
            return


@shared_task(name="signals.retrain_classifier", acks_late=True, **RETRY)
def retrain_classifier() -> str:
    """Enqueued once enough confirmed feedback has gathered (CLASSIFIER_RETRAIN_AFTER)."""
    from signals.feedback import classifier_retrain

    return classifier_retrain().message


@shared_task(name="signals.rule_preview", acks_late=True)
def rule_preview_task(run_id: int) -> str:
    """A rule change's preview, started from the admin. Not retried: a failure is stored
    on the run and shown on its page; a redelivered run is assessed again (it writes only
    its own row)."""
    return preview.rule_preview_run(run_id=run_id)
