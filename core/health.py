"""What /healthz reports besides the database: whether the broker answers.

The probe has its own one-second timeouts and its answer is kept for a few seconds per
process, so a hung broker costs a health check at most a second now and then, never
the minute a default socket would wait, and load balancers polling often add no load.
"""

import logging
import time

logger = logging.getLogger(__name__)

PROBE_TIMEOUT = 1
CACHE_SECONDS = 10
_last: tuple[float, str] | None = None


def broker_status() -> str:
    """`ok`, `unavailable`, or `in-process` when no broker is configured (tasks run eagerly)."""
    global _last
    from config.celery import app

    if app.conf.task_always_eager:
        return "in-process"
    now = time.monotonic()
    if _last is not None and now - _last[0] < CACHE_SECONDS:
        return _last[1]
    status = "ok"
    try:
        with app.connection_for_write(
            connect_timeout=PROBE_TIMEOUT,
            transport_options={"socket_connect_timeout": PROBE_TIMEOUT, "socket_timeout": PROBE_TIMEOUT},
        ) as connection:
            connection.ensure_connection(max_retries=0)
    except Exception as exc:  # kombu raises OperationalError and friends for a broker that does not answer
        logger.warning("broker unavailable: %s", exc)
        status = "unavailable"
    _last = (time.monotonic(), status)
    return status


def forget() -> None:
    """Drop the kept answer (tests, or after the broker URL changed)."""
    global _last
    _last = None
