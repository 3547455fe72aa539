import os
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests import factories

# The real SMTP server fixture (`smtp`), for the digest tests here and in the browser.
pytest_plugins = ["tests.digests.smtp"]

# The types of the fixtures that hand out a function, for the tests' signatures.
ApiClientFor = Callable[[User | None], APIClient]
WriteFile = Callable[[str, str | bytes], Path]


# Tests that start real Celery workers on the shared Redis, race on real connections or
# bend the database connection run one after another on a single xdist worker.
SERIAL_PATHS = ("tests/integration/", "tests/lifecycle/test_races.py", "tests/security/test_outages.py")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # CI sets REQUIRE_SERVICES: a test that needs PostgreSQL must not silently skip there.
    if os.environ.get("REQUIRE_SERVICES") and os.environ.get("DATABASE_URL", "").startswith("sqlite"):
        raise pytest.UsageError("REQUIRE_SERVICES is set but DATABASE_URL is SQLite")
    for item in items:
        if item.nodeid.startswith(SERIAL_PATHS):
            item.add_marker(pytest.mark.xdist_group("services"))


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Throttle counts and login lockouts live in the cache: each test starts without
    those of the tests before it in the same process (the database is reset per test,
    the in-process cache is not)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def owner(db: None) -> User:
    return factories.owner(username="dana@example.com", first_name="Dana")


@pytest.fixture
def other_owner(db: None) -> User:
    return factories.owner(username="omar@example.com", first_name="Omar")


@pytest.fixture
def leader(db: None) -> User:
    return factories.leader(username="lee@example.com", first_name="Lee")


@pytest.fixture
def admin_user(db: None) -> User:
    return factories.admin(username="ada@example.com", first_name="Ada")


@pytest.fixture
def api_client_for() -> ApiClientFor:
    def make(user: User | None) -> APIClient:
        client = APIClient()
        if user is not None:
            token, _ = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture
def write_file(tmp_path: Path) -> WriteFile:
    def write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return write
