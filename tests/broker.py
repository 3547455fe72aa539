"""A broker that cannot be reached, for the tests of what the app does then."""

from collections.abc import Iterator
from contextlib import contextmanager

KEYS = (
    "task_always_eager",
    "broker_url",
    "broker_connection_retry",
    "broker_connection_max_retries",
    "broker_transport_options",
)


def reset_producers() -> None:
    """Forget pooled broker connections, so the next publish uses the settings as they are now."""
    from kombu import pools

    from config.celery import app as celery_app

    pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def broker_down() -> Iterator[None]:
    """Tasks are sent to a broker (not run in-process) and nothing listens where it is."""
    from config.celery import app as celery_app

    old = {k: celery_app.conf[k] for k in KEYS}
    celery_app.conf.update(
        task_always_eager=False,
        broker_url="redis://127.0.0.1:1/0",  # nothing listens on this port
        broker_connection_retry=False,
        broker_connection_max_retries=0,
        broker_transport_options={"max_retries": 0, "socket_connect_timeout": 1},
    )
    reset_producers()
    try:
        yield
    finally:
        celery_app.conf.update(old)
        reset_producers()
