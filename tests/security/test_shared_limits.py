"""API throttles and the login lockout count in the shared cache (Redis), so separate web
processes share one count: with a per-process cache three gunicorn workers let through
three times the limit. Each probe is a process of its own on the base settings."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

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
def probe_env(tmp_path: Path) -> dict[str, str]:
    if not _redis_up():
        if os.environ.get("REQUIRE_SERVICES"):
            pytest.fail("REQUIRE_SERVICES is set but Redis is not available")
        pytest.skip("needs Redis (REDIS_URL)")
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "REDIS_URL": REDIS_URL,
        # Keys of this test alone, so nothing else in that Redis database is counted.
        "CACHE_KEY_PREFIX": f"test-{uuid.uuid4().hex[:8]}",
        "THROTTLE_DECISIONS": "3/min",
        "AXES_FAILURE_LIMIT": "5",
        # An empty database: the shared limits must not need one (they live in Redis).
        "DATABASE_URL": f"sqlite:///{tmp_path / 'untouched.sqlite3'}",
    }


def probe(env: dict[str, str], *args: str) -> object:
    done = subprocess.run(
        [sys.executable, "-m", "tests.security.shared_limits_probe", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def test_two_processes_share_the_decisions_throttle(probe_env: dict[str, str]) -> None:
    assert probe(probe_env, "throttle", "7", "2") == [True, True]
    # A second process sees the first one's two calls: one more passes, then the limit holds.
    assert probe(probe_env, "throttle", "7", "2") == [True, False]
    # Counted per user: another user has a count of its own.
    assert probe(probe_env, "throttle", "8", "1") == [True]


def test_two_processes_share_the_login_lockout(probe_env: dict[str, str]) -> None:
    assert probe(probe_env, "fail", "dana@example.com", "3") is False
    assert probe(probe_env, "fail", "dana@example.com", "2") is True
    assert probe(probe_env, "locked", "marcus@example.com") is False


def test_production_refuses_to_start_without_redis() -> None:
    env = {
        **os.environ,
        "SECRET_KEY": "x" * 60,
        "REDIS_URL": "",
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
    }
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "RuntimeError: REDIS_URL must be set in production" in done.stderr
    env["REDIS_URL"] = "redis://127.0.0.1:6379/15"  # only read at start, never contacted here
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings; print(settings.CACHES['default']['BACKEND'], settings.AXES_HANDLER)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "axes.handlers.cache.AxesCacheHandler",
    ]
