"""Thin Celery tasks for the dashboard."""

from celery import shared_task

from measurement.rollup import rollup_refresh


@shared_task(name="measurement.rollup_refresh", acks_late=True)
def rollup_refresh_task() -> int:
    """Fold new decisions and events into the dashboard's rollup (idempotent: a run that
    dies leaves its dirty marks for the next one)."""
    return rollup_refresh()
