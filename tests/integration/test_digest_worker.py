"""Digests on a real Celery worker and Redis, to a real SMTP server (aiosmtpd): one task
per recipient, so a refused address does not hold up the others, and the worker retries
it with backoff until the server takes it, sending every digest exactly once."""

import socket
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from django.contrib.auth.models import User
from django.utils import timezone
from pytest_django import Settings

from digests.models import DigestPreference, DigestSent
from digests.services import digests_due
from tests import factories
from tests.digests.smtp import Inbox
from tests.integration.conftest import StartWorker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    box = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, port
    controller.stop()


@pytest.fixture
def worker_env(worker_env: dict[str, str], inbox: tuple[Inbox, int]) -> dict[str, str]:
    return {
        **worker_env,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(inbox[1]),
        "EMAIL_USE_TLS": "0",
        "SITE_URL": "https://signals.example.com",
        "DIGEST_RETRY_BASE_SECONDS": "1",
        "DIGEST_MAX_ATTEMPTS": "8",
    }


def test_a_refused_recipient_is_retried_by_the_worker_and_the_others_are_not_held_up(
    inbox: tuple[Inbox, int], send_to_worker: None, start_worker: StartWorker, settings: Settings
) -> None:
    box, _ = inbox
    settings.DIGEST_HOUR = 0  # due now, whatever the hour
    for i in range(3):
        user = User.objects.create_user(f"owner{i}", email=f"owner{i}@example.com")
        DigestPreference.objects.create(user=user, frequency="daily", time_zone="UTC")
        factories.CandidateFactory.create(account=factories.AccountFactory.create(owner=user))
    box.refuse = {"owner1@example.com"}
    worker = start_worker(concurrency=2)
    assert digests_due(now=timezone.now())["owner"] == 3
    wait_for(lambda: len(box.messages) == 2, timeout=60, what="the two good digests", worker=worker)
    wait_for(
        lambda: DigestSent.objects.filter(user__username="owner1", attempts__gte=2).exists(),
        timeout=60,
        what="a retry of the refused one",
        worker=worker,
    )
    box.refuse = set()
    wait_for(lambda: len(box.messages) == 3, timeout=90, what="the retried digest", worker=worker)
    assert sorted(m["To"] for m in box.messages) == [f"owner{i}@example.com" for i in range(3)]
    assert set(DigestSent.objects.values_list("status", flat=True)) == {"sent"}
    # a rerun the same day queues nothing and sends nothing
    assert digests_due(now=timezone.now())["owner"] == 0
    assert len(box.messages) == 3
