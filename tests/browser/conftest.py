"""Playwright driving Debian's Chromium against Django's live server.

Playwright never downloads a browser here: the tests launch /usr/bin/chromium (or
$CHROMIUM). Without it the browser tests skip, except where REQUIRE_BROWSER is set
(CI), where a missing browser is a failure.
"""

import os
import shutil
import threading
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page
from pytest_django.live_server_helper import LiveServer

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DEMO_PASSWORD = "expansion-demo"

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are ordinary synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _requests_done_before_the_database_is_reset(transactional_db: None, live_server: LiveServer) -> Iterator[None]:
    """Wait for the live server's request threads before the test database is reset.

    A request still running when a browser test ends (an htmx swap the test did not wait for)
    keeps using the database while pytest-django flushes it. On the embedded SQLite the live
    server shares the test's in-memory connection, and the flush failed with "cannot open
    savepoint - SQL statements in progress"; every later test on that worker then failed with it
    (a fresh clone's `make test`, twice in sessions 10 and 11). Set up after the database
    fixture, so it is torn down (waits) before the database is reset.
    """
    yield
    for thread in threading.enumerate():
        if thread.name.endswith("(process_request_thread)"):
            thread.join(timeout=15)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM:
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail("REQUIRE_BROWSER is set but Debian's chromium is not installed")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def js_errors() -> list[str]:
    """What the page reported: uncaught exceptions and console errors."""
    return []


@pytest.fixture
def page(browser: Browser, live_server: LiveServer, js_errors: list[str]) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1440, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    page.on("pageerror", lambda exc: js_errors.append(str(exc)))
    page.on("console", lambda msg: js_errors.append(msg.text) if msg.type == "error" else None)
    yield page
    context.close()


@pytest.fixture
def demo_data(transactional_db: None) -> str:
    """A small demo book (the real generator, importer and engine), with the demo logins."""
    out = StringIO()
    call_command("load_demo", "--accounts", "40", stdout=out)
    return out.getvalue()


def sign_in(page: Page, username: str) -> None:
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/queue/**")


def screenshot(page: Page, name: str, tmp_dir: Path | None = None) -> Path:
    """docs/screenshots/ is refreshed with UPDATE_SCREENSHOTS=1; otherwise shots go to a temp dir."""
    folder = SCREENSHOTS if os.environ.get("UPDATE_SCREENSHOTS") else (tmp_dir or Path("/tmp/expansion-screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path))
    return path
