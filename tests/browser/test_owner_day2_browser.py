"""In Chromium: the Undo toast's countdown pauses while hovered or focused (the server
keeps its own window), the bulk bar appears with a count once rows are selected, every
nav item is in reach at 390 px, and the monthly review prints every account."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from signals.models import Candidate
from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def _reject_first(page: Page) -> int:
    row = page.locator("#queue-list tbody tr[data-queue-row]").first
    pk = int((row.get_attribute("id") or "").split("-")[1])
    row.locator("a.qrow-account").click()
    page.wait_for_selector(f'#detail article[data-candidate-id="{pk}"]')
    page.keyboard.press("r")
    form = page.locator(f"#decide-reject-{pk}")
    form.wait_for(state="visible")
    form.locator("select[name=reason_code]").select_option("bad_timing")
    form.locator("button[value=reject]").click()
    page.wait_for_selector(f"#candidate-{pk}", state="detached")
    return pk


def _left(page: Page) -> int:
    return int(page.locator("#toasts .toast-success").get_attribute("data-undo-left") or "-1")


def test_the_undo_countdown_pauses_while_hovered_or_focused(page: Page, js_errors: list[str], demo_data: str) -> None:
    sign_in(page, "dana@example.com")
    pk = _reject_first(page)
    toast = page.locator("#toasts .toast-success")
    expect(toast.locator(".toast-undo")).to_be_visible()
    toast.hover()
    expect(toast).to_have_class(re.compile(r"\bis-paused\b"))
    paused_at = _left(page)
    page.wait_for_timeout(2500)
    assert _left(page) == paused_at, "no time passes while the pointer is on the toast"
    expect(toast.locator(".toast-countdown")).to_have_text("paused")
    page.mouse.move(5, 5)
    page.wait_for_timeout(1600)
    assert _left(page) < paused_at, "the countdown runs again once the pointer leaves"
    toast.locator(".toast-undo").focus()
    expect(toast).to_have_class(re.compile(r"\bis-paused\b"))
    focused_at = _left(page)
    page.wait_for_timeout(1500)
    assert _left(page) == focused_at, "no time passes while the Undo button has focus"
    page.keyboard.press("Enter")
    expect(page.locator(f"#candidate-{pk}")).to_be_visible()
    assert Candidate.objects.get(pk=pk).status == "pending"
    assert js_errors == [], js_errors


def test_a_paused_toast_says_when_the_server_window_is_over(page: Page, demo_data: str) -> None:
    page.clock.install()
    sign_in(page, "dana@example.com")
    _reject_first(page)
    toast = page.locator("#toasts .toast-success")
    toast.hover()
    expect(toast).to_have_class(re.compile(r"\bis-paused\b"))
    page.clock.fast_forward(16_000)  # past ten seconds and the server's grace
    expect(toast.locator(".toast-undo")).to_have_text("Too late to undo")
    expect(toast.locator(".toast-undo")).to_be_disabled()


def test_the_bulk_bar_appears_with_a_count(page: Page, js_errors: list[str], demo_data: str, tmp_path) -> None:
    sign_in(page, "lee@example.com")
    bar = page.locator("#bulk-form")
    expect(bar).to_be_hidden()
    screenshot(page, "queue-leader", tmp_path)
    url = page.url
    boxes = page.locator("#queue-list input[name=ids]")
    boxes.nth(0).check()
    expect(bar).to_be_visible()
    expect(bar.locator("[data-bulk-count]")).to_have_text("1 selected")
    assert page.url == url, "ticking the box does not open the candidate"
    expect(page.locator("#detail article.candidate")).to_have_count(0)
    boxes.nth(1).check()
    expect(bar.locator("[data-bulk-count]")).to_have_text("2 selected")
    expect(bar.locator("[data-bulk-count]")).to_have_attribute("role", "status")
    bar.locator("#bulk-action").select_option("assign")
    expect(bar.locator("#bulk-owner")).to_be_visible()
    expect(bar.locator("#bulk-note")).to_be_hidden()
    screenshot(page, "queue-selected", tmp_path)
    bar.locator("#bulk-action").select_option("reject_duplicate")
    expect(bar.locator("#bulk-owner")).to_be_hidden()
    expect(bar.locator("#bulk-note")).to_be_visible()
    expect(bar.locator("#bulk-hint")).to_contain_text("only an account's owner can reject")
    bar.locator("[data-bulk-clear]").click()
    expect(bar).to_be_hidden()
    assert boxes.nth(0).is_checked() is False
    # keyboard: Space on a focused box selects it
    boxes.nth(2).focus()
    page.keyboard.press("Space")
    expect(bar.locator("[data-bulk-count]")).to_have_text("1 selected")
    bar.locator("#bulk-action").select_option("assign")
    bar.locator("#bulk-owner").select_option(index=1)
    bar.locator("button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("Assign an owner: 1 candidate?")
    assert js_errors == [], js_errors


@pytest.mark.parametrize("user", ["admin@example.com", "lee@example.com", "dana@example.com"])
def test_every_nav_item_is_in_reach_at_390(
    browser: Browser, live_server: LiveServer, demo_data: str, user: str, tmp_path
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=live_server.url)
    page = context.new_page()
    sign_in(page, user)
    for url in ("/queue/", "/dashboard/"):
        page.goto(url)
        links = page.locator(".topnav .nav-links a")
        assert links.count() >= 3
        for i in range(links.count()):
            box = links.nth(i).bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, (url, i, box)
        sign_out = page.locator(".topnav button", has_text="Sign out")
        box = sign_out.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 390
        hidden_scroll = page.evaluate(
            "[...document.querySelectorAll('.topnav, .topnav *')].some(e => e.scrollWidth > e.clientWidth + 1)"
        )
        assert not hidden_scroll, "no part of the nav scrolls sideways"
    if user.startswith("admin"):
        page.locator(".topnav .nav-links a", has_text="Admin").click()
        page.wait_for_url("**/admin/**")
    context.close()


def test_the_monthly_review_folds_per_account_and_prints_whole(page: Page, demo_data: str, tmp_path) -> None:
    sign_in(page, "dana@example.com")
    page.goto("/review/")
    sections = page.locator("details.review-account")
    assert sections.count() > 1
    screenshot(page, "review", tmp_path)
    first = sections.first
    expect(first.locator("dl.review-grid")).to_be_hidden()
    first.locator("summary").click()
    expect(first.locator("dl.review-grid")).to_be_visible()
    page.locator("[data-details-all=open]").click()
    expect(sections.last.locator("dl.review-grid")).to_be_visible()
    page.locator("[data-details-all=close]").click()
    expect(sections.last.locator("dl.review-grid")).to_be_hidden()
    page.emulate_media(media="print")
    expect(sections.last.locator("dl.review-grid")).to_be_visible()
    expect(page.locator(".review-tools")).to_be_hidden()
    page.emulate_media(media="screen")
    expect(sections.last.locator("dl.review-grid")).to_be_hidden()


def test_the_admin_previews_a_rule_change(page: Page, js_errors: list[str], demo_data: str, tmp_path) -> None:
    from signals.models import Rule

    sign_in(page, "admin@example.com")
    rule = Rule.objects.get(key="seats_threshold", segment="")
    page.goto(f"/admin/signals/rule/{rule.pk}/change/")
    page.fill("#id_value", "0.95")
    page.click("input[name=_preview]")
    expect(page.locator("#preview-summary")).to_contain_text("accounts use this value")
    screenshot(page, "admin-rule-preview", tmp_path)
    assert Rule.objects.get(pk=rule.pk).value == "0.90"
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/signals/rule/")
    assert Rule.objects.get(pk=rule.pk).value == "0.95"
