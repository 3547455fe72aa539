"""The pilot dashboard in a real browser on the demo book and its demo history."""

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from measurement.demo import demo_history_create
from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def history(demo_data: str) -> int:
    """load_demo already wrote the demo history; a second call must add nothing."""
    from reviews.models import Decision

    assert demo_history_create(seed=20261123, today=timezone.now().date()) == 0
    return Decision.objects.count()


def test_a_leader_reads_the_pilot_dashboard(page: Page, js_errors: list[str], history: int, tmp_path: Path) -> None:
    assert history > 0
    sign_in(page, "lee@example.com")
    page.goto("/dashboard/?pilot=all")
    funnel = page.locator("#fig-funnel")
    expect(funnel.locator("svg.chart")).to_be_visible()
    assert funnel.locator("rect.chart-bar, rect.chart-bar-alt, rect.chart-bar-won").count() == 7
    assert funnel.locator("text.chart-label").all_text_contents()[:3] == [
        "Signals surfaced",
        "Reviewed by the owner",
        "Owner-approved",
    ]
    surfaced = int((funnel.locator("text.chart-value").first.text_content() or "").split()[0].replace(",", ""))
    assert surfaced > 0
    # A chart's numbers are one click away, beside it, and the CSV next to the title.
    funnel.locator("summary").click()
    expect(funnel.locator("table")).to_be_visible()
    assert (funnel.locator("a.csv-link").get_attribute("href") or "").startswith("/dashboard/funnel.csv?")
    weekly = page.locator("#fig-weekly svg.chart")
    expect(weekly).to_be_visible()
    assert weekly.locator("rect.chart-bar").count() >= 8
    expect(page.locator("#fig-readiness .check-result")).to_have_count(3)
    expect(page.locator("#audit tbody tr")).to_have_count(10)

    # The breakdown switches without a page load.
    page.evaluate("window.__noReload = true")
    page.select_option("#d-dim", "recommendation")
    expect(page.locator("#breakdown .panel-title")).to_have_text("Breakdown by recommendation")
    expect(page.locator("#breakdown .rec").first).to_be_visible()
    assert page.evaluate("window.__noReload") is True

    page.goto("/dashboard/")
    expect(page.locator("h1.page-title")).to_contain_text("Top 50 healthy accounts")
    screenshot(page, "dashboard", tmp_path)
    page.set_viewport_size({"width": 1440, "height": 2400})
    screenshot(page, "dashboard-long", tmp_path)
    assert js_errors == [], js_errors


def test_an_owner_sees_only_their_slice(page: Page, js_errors: list[str], history: int, tmp_path: Path) -> None:
    sign_in(page, "dana@example.com")
    page.goto("/dashboard/?pilot=all&dim=owner")
    expect(page.locator("main .notice")).to_contain_text("your own accounts only")
    owners = page.locator("#breakdown tbody th").all_inner_texts()
    assert owners == ["Dana Whitfield"]
    deciders = page.locator("#fig-decisions-per-owner text.chart-label").all_text_contents()
    assert set(deciders) <= {"Dana Whitfield"}
    body = page.locator("main").inner_text()
    assert "Marcus Oyelaran" not in body and "Sofia Lindqvist" not in body
    screenshot(page, "dashboard-owner", tmp_path)
    assert js_errors == [], js_errors
