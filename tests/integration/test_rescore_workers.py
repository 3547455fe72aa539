"""The full rescore fanned out over real Celery workers on Redis: a chord of chunk tasks
and a summary. Two workers share the chunks; a worker killed mid-chunk loses nothing and
duplicates nothing (acks_late: the chunk is redelivered and run again)."""

import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from config.celery import app as celery_app
from measurement.models import EventKind, MeasurementEvent
from signals.models import Candidate
from signals.tasks import rescore_fan_out
from tests.integration.conftest import StartWorker, _reset_connections, wait_for
from tests.signals.rescore_book import AS_OF, make_book, state

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker_env(worker_env: dict[str, str]) -> dict[str, str]:
    # Redeliver what a killed worker had taken after 10 s instead of hours.
    return {**worker_env, "CELERY_VISIBILITY_TIMEOUT": "10", "CELERY_UNACKED_MUTEX_EXPIRE": "10"}


@pytest.fixture
def chord_backend(send_to_worker: None, worker_env: dict[str, str]) -> Iterator[None]:
    """This process reads the chord's summary from Redis, as the workers write it."""
    old = celery_app.conf.result_backend
    celery_app.conf.result_backend = worker_env["REDIS_URL"]
    celery_app._local = threading.local()  # the backend is cached per thread
    _reset_connections()
    try:
        yield
    finally:
        celery_app.conf.result_backend = old
        celery_app._local = threading.local()
        _reset_connections()


def chunks_run(log: Path) -> int:
    return log.read_text().count("signals.rescore_chunk[") // 2  # "received" and "succeeded"


def test_two_workers_share_the_chunks_and_the_summary_adds_up(chord_backend: None, start_worker: StartWorker) -> None:
    make_book(40)
    first = start_worker(name="one")
    second = start_worker(name="two")
    summary: dict[str, Any] = rescore_fan_out(as_of=AS_OF, chunk_size=5).get(timeout=240)
    assert summary["chunks"] == 8
    assert summary["accounts"] == 40
    assert summary["created"] == Candidate.objects.count() == 40
    assert summary["open"] == {"pending": 40}
    assert MeasurementEvent.objects.filter(kind=EventKind.SIGNAL_CREATED).count() == 40
    assert chunks_run(first.log_path) + chunks_run(second.log_path) == 8

    # The whole fan-out again, same day: every chunk finds its accounts' inputs unchanged
    # and skips them (tests/signals/test_rescore_skip.py).
    before = state()
    again = rescore_fan_out(as_of=AS_OF, chunk_size=5).get(timeout=240)
    assert (again["created"], again["updated"], again["expired"], again["skipped"]) == (0, 0, 0, 40)
    assert again["accounts"] == 40
    assert state() == before


def test_a_worker_lost_mid_chunk_loses_nothing_and_duplicates_nothing(
    chord_backend: None, start_worker: StartWorker
) -> None:
    make_book(600, prefix="lost")
    doomed = start_worker(name="doomed")
    result = rescore_fan_out(as_of=AS_OF, chunk_size=200)
    wait_for(lambda: "signals.rescore_chunk[" in doomed.log_path.read_text(), what="a chunk to start", worker=doomed)
    os.killpg(doomed.pid, signal.SIGKILL)
    doomed.wait()
    assert Candidate.objects.count() < 600, "the worker was killed before the rescore was done"

    survivor = start_worker(name="survivor")
    summary: dict[str, Any] = result.get(timeout=300)
    wait_for(lambda: Candidate.objects.count() == 600, what="every account scored", worker=survivor)
    assert summary["open"] == {"pending": 600}
    assert Candidate.objects.values("account").distinct().count() == 600
    assert MeasurementEvent.objects.filter(kind=EventKind.SIGNAL_CREATED).count() == 600
    assert not MeasurementEvent.objects.exclude(kind=EventKind.SIGNAL_CREATED).exists()
