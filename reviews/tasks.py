"""Thin Celery tasks for the review side."""

import logging

from celery import shared_task

from signals.services import accounts_score

logger = logging.getLogger(__name__)


@shared_task(name="reviews.monthly_review", acks_late=True, autoretry_for=(Exception,), retry_backoff=30, max_retries=3)
def monthly_review_task() -> int:
    """First of the month: rescore every account so the monthly review opens on fresh
    candidates and briefs (the page itself reads live)."""
    summary = accounts_score()
    logger.info("monthly review prepared: %s accounts, %s new candidates", summary.accounts, summary.created)
    return summary.accounts
