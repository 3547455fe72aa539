"""Thin tasks: ids in, one service call, safe to run twice (a delivery is claimed
with a conditional update, and receivers dedupe on the idempotency key)."""

from celery import shared_task

from handoff import services


@shared_task(name="handoff.deliver", acks_late=True)
def deliver_task(delivery_id: int) -> str:
    outcome, retry_in = services.delivery_attempt(delivery_id=delivery_id)
    if outcome == services.Outcome.RETRY:
        # The row holds the schedule; if this message is lost the sweeper still sends it.
        services.deliveries_enqueue_later(delivery_id, retry_in)
    return outcome.value


@shared_task(name="handoff.deliver_due", acks_late=True)
def deliver_due_task() -> int:
    ids = services.deliveries_due()
    services.deliveries_enqueue(ids)
    return len(ids)
