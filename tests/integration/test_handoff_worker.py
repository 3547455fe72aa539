"""The outbox on a real Celery worker and Redis: a delivery whose worker is killed
mid-request is not lost: once its claim lapses, the sweeper (beat, every minute) has
another worker send it again, with the same idempotency key."""

import json
import os
import signal
import time
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User

from handoff.models import Delivery, DeliveryStatus, Endpoint
from handoff.tasks import deliver_due_task
from signals import lifecycle
from tests import factories
from tests.handoff.receiver import Receiver, serve
from tests.integration.conftest import StartWorker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker_env(worker_env: dict[str, str]) -> dict[str, str]:
    # Redeliver what the killed worker had taken after 10 s; its claim lapses after 3 s.
    return {
        **worker_env,
        "CELERY_VISIBILITY_TIMEOUT": "10",
        "CELERY_UNACKED_MUTEX_EXPIRE": "10",
        "HANDOFF_LEASE_SECONDS": "3",
        "HANDOFF_RETRY_BASE_SECONDS": "1",
    }


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    server = serve(r)
    yield r
    server.shutdown()
    server.server_close()


def _approve(owner: User) -> int:
    candidate = factories.CandidateFactory.create(account=factories.AccountFactory.create(owner=owner))
    lifecycle.candidate_approve(
        candidate_id=candidate.pk, user=owner, next_step=lifecycle.NextStep("Call"), consent_reviewed=True
    )
    return candidate.pk


def test_a_500_is_retried_by_the_worker(
    owner: User, receiver: Receiver, send_to_worker: None, start_worker: StartWorker
) -> None:
    Endpoint.objects.create(name="CRM", url=receiver.url, secret="k")
    receiver.statuses = [500]
    worker = start_worker()
    _approve(owner)
    wait_for(
        lambda: Delivery.objects.filter(status=DeliveryStatus.DELIVERED).exists(),
        timeout=60,
        what="the delivery",
        worker=worker,
    )
    assert len(receiver.requests) == 2
    assert Delivery.objects.get().attempts == 2


def test_a_worker_killed_mid_delivery_loses_nothing(
    owner: User, receiver: Receiver, send_to_worker: None, start_worker: StartWorker
) -> None:
    Endpoint.objects.create(name="CRM", url=receiver.url, secret="k")
    receiver.hang_first = 120  # the first request never gets its answer: the worker dies waiting
    first = start_worker(name="first")
    _approve(owner)
    wait_for(lambda: len(receiver.requests) == 1, timeout=60, what="the first attempt", worker=first)
    assert Delivery.objects.get().status == DeliveryStatus.SENDING
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()

    second = start_worker(name="second")
    # What beat does every minute (the broker also redelivers, but only after its
    # visibility timeout and restore throttle, about 100 s here).
    time.sleep(3.5)  # past the dead worker's lease
    deliver_due_task.delay()
    wait_for(
        lambda: Delivery.objects.filter(status=DeliveryStatus.DELIVERED).exists(),
        timeout=90,
        what="the redelivery",
        worker=second,
    )
    keys = {r.headers["Idempotency-Key"] for r in receiver.requests}
    assert len(keys) == 1 and json.loads(receiver.requests[-1].body)["id"] in keys
