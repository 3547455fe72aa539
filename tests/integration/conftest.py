"""A real Celery worker on Redis, working on the test database (PostgreSQL only: the
worker is another process and must see what the test committed)."""

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from config.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("REDIS_URL", "")


def _redis_up() -> bool:
    if not REDIS_URL:
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def worker_env(transactional_db: None) -> dict[str, str]:
    if connection.vendor != "postgresql" or not _redis_up():
        if os.environ.get("REQUIRE_SERVICES"):
            pytest.fail("REQUIRE_SERVICES is set but PostgreSQL or Redis is not available")
        pytest.skip("needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)")
    db = connection.settings_dict
    queue = f"test-{uuid.uuid4().hex[:8]}"
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": REDIS_URL,
        "CELERY_QUEUE": queue,
        "DB_CONN_MAX_AGE": "0",
        # as in the test process (config/settings/test.py): the holdout's own tests turn it on
        "HOLDOUT_ENABLED": "0",
    }


@pytest.fixture
def send_to_worker(worker_env: dict[str, str]) -> Iterator[None]:
    """This process enqueues on Redis instead of running tasks in-process."""
    old = {k: celery_app.conf[k] for k in ("task_always_eager", "broker_url", "task_default_queue")}
    celery_app.conf.update(
        task_always_eager=False, broker_url=worker_env["REDIS_URL"], task_default_queue=worker_env["CELERY_QUEUE"]
    )
    _reset_connections()
    try:
        yield
    finally:
        celery_app.conf.update(old)
        _reset_connections()


def _reset_connections() -> None:
    """Drop pooled broker connections so the next send uses the current broker URL."""
    from kombu import pools

    pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


class WorkerProcess(subprocess.Popen[bytes]):
    """A Celery worker process and the file its output goes to (shown when a wait times out)."""

    def __init__(self, args: list[str], *, log_path: Path, **kwargs: Any) -> None:
        super().__init__(args, **kwargs)
        self.log_path = log_path


StartWorker = Callable[..., WorkerProcess]


@pytest.fixture
def start_worker(worker_env: dict[str, str], tmp_path: Path) -> Iterator[StartWorker]:
    started: list[WorkerProcess] = []

    def start(concurrency: int = 1, name: str = "w1") -> WorkerProcess:
        log = (tmp_path / f"{name}.log").open("w")
        process = WorkerProcess(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "-Q",
                worker_env["CELERY_QUEUE"],
                "--concurrency",
                str(concurrency),
                "--pool",
                "prefork",
                "-n",
                f"{name}@%h",
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            log_path=tmp_path / f"{name}.log",
            cwd=ROOT,
            env=worker_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def wait_for(
    check: Callable[[], bool], timeout: float = 90, what: str = "condition", worker: WorkerProcess | None = None
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.5)
    log = worker.log_path.read_text()[-3000:] if worker is not None else ""
    raise AssertionError(f"timed out after {timeout}s waiting for {what}\n{log}")
