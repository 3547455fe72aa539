from celery import shared_task

from digests import services


@shared_task(name="digests.send_due", acks_late=True)
def send_due_task() -> dict[str, int]:
    return services.digests_due()
