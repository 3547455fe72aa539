"""Thin tasks: the hourly run queues one task per recipient, so one failure does not
stop the rest; a failed send is queued again after its backoff (the row holds the
schedule, and the next hourly run also picks it up if this message is lost)."""

from celery import shared_task

from digests import services
from digests.models import DigestSent


@shared_task(name="digests.send_due", acks_late=True)
def send_due_task() -> dict[str, int]:
    return services.digests_due()


@shared_task(name="digests.send", acks_late=True)
def send_digest_task(digest_id: int) -> str:
    outcome = services.digest_send(digest_id=digest_id)
    if outcome == "retry":
        record = DigestSent.objects.get(pk=digest_id)
        services.digest_enqueue_later(digest_id, services.backoff_seconds(record.attempts))
    return outcome


@shared_task(name="digests.prune")
def prune_task() -> int:
    return services.digests_prune()
