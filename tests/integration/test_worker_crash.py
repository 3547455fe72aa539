"""At-least-once with idempotent tasks: a worker killed with SIGKILL mid-run loses no
work and leaves no duplicate candidates or events once another worker takes over."""

import os
import signal
import time
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.models import Account, Interaction, Outcome
from measurement.models import EventKind, MeasurementEvent
from signals.models import Candidate
from signals.tasks import score_accounts_task
from tests.integration.conftest import StartWorker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ACCOUNTS = 2000
BATCH = 10


@pytest.fixture
def worker_env(worker_env: dict[str, str]) -> dict[str, str]:
    # Redeliver what the killed worker had taken after 10 s instead of hours.
    return {**worker_env, "CELERY_VISIBILITY_TIMEOUT": "10", "CELERY_UNACKED_MUTEX_EXPIRE": "10"}


def make_book() -> list[int]:
    now = timezone.now()
    Account.objects.bulk_create(
        [Account(external_id=f"crash-{i}", name=f"Crash {i}", seats_purchased=50) for i in range(ACCOUNTS)],
        batch_size=1000,
    )
    ids = list(Account.objects.filter(external_id__startswith="crash-").values_list("pk", flat=True))
    Outcome.objects.bulk_create(
        [
            Outcome(
                account_id=pk,
                external_id=f"o-{pk}",
                title="Close down to 3 days",
                recorded_at=now,
                verified=True,
                source="cs_platform",
            )
            for pk in ids
        ],
        batch_size=1000,
    )
    Interaction.objects.bulk_create(
        [
            Interaction(
                account_id=pk,
                external_id=f"m-{pk}",
                occurred_at=now,
                source="cs_platform",
                text="Our team is expanding: we need 20 more seats by March, the VP signed off.",
            )
            for pk in ids
        ],
        batch_size=1000,
    )
    return ids


def test_a_killed_worker_loses_no_work_and_duplicates_nothing(
    send_to_worker: None, start_worker: StartWorker, tmp_path: Path
) -> None:
    ids = make_book()
    first = start_worker(concurrency=2, name="first")
    for start in range(0, len(ids), BATCH):
        score_accounts_task.delay(ids[start : start + BATCH])

    wait_for(
        lambda: Candidate.objects.count() >= ACCOUNTS // 5,
        timeout=180,
        what="the first worker to get going",
        worker=first,
    )
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    killed_at = Candidate.objects.count()
    assert killed_at < ACCOUNTS, "the worker was killed mid-run"

    second = start_worker(concurrency=2, name="second")
    wait_for(
        lambda: Candidate.objects.count() == ACCOUNTS, timeout=300, what="every account to be scored", worker=second
    )
    time.sleep(12)  # past the visibility timeout: redelivered work must change nothing

    assert Candidate.objects.count() == ACCOUNTS
    assert Candidate.objects.values("account").distinct().count() == ACCOUNTS
    assert MeasurementEvent.objects.filter(kind=EventKind.SIGNAL_CREATED).count() == ACCOUNTS
    assert not MeasurementEvent.objects.exclude(kind=EventKind.SIGNAL_CREATED).exists()
    assert set(Candidate.objects.values_list("recommendation", flat=True)) == {"pursue"}
