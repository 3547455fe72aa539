"""The owner's review flow in a real browser on demo data: approve, reject, defer,
without full page loads, and no way into another owner's candidate."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from signals.models import Candidate
from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def _rows(page: Page) -> Locator:
    return page.locator("#queue-list tbody tr[data-queue-row]")


def _open_first(page: Page) -> int:
    row = _rows(page).first
    pk = int((row.get_attribute("id") or "").split("-")[1])
    row.locator("a.qrow-account").click()
    page.wait_for_selector(f'#detail article[data-candidate-id="{pk}"]')
    return pk


def _shown_after(page: Page, decided: int) -> int:
    """The candidate the pane opened by itself after deciding on `decided`."""
    shown = page.locator("#detail article.candidate")
    expect(shown).not_to_have_attribute("data-candidate-id", str(decided))
    return int(shown.get_attribute("data-candidate-id") or 0)


def test_an_owner_reviews_the_queue_without_full_page_loads(
    page: Page, js_errors: list[str], demo_data: str, tmp_path: Path
) -> None:
    sign_in(page, "dana@example.com")
    # A marker on window survives htmx swaps but not a full page load.
    page.evaluate("window.__noReload = true")
    start = _rows(page).count()
    assert start >= 3, demo_data

    pk = _open_first(page)
    assert re.search(rf"/candidates/{pk}/$", page.url), "the detail URL is pushed"
    detail = page.locator("#detail")
    assert detail.locator(".rec-panel").is_visible()
    assert detail.locator(".brief").first.locator(".brief-item").count() == 5  # the brief; the play has its own
    screenshot(page, "queue-detail", tmp_path)

    # Approve, with the override reason when the recommendation asks to wait or stop.
    page.keyboard.press("a")
    form = page.locator(f"#decide-approve-{pk}")
    form.wait_for(state="visible")
    form.locator("textarea[name=next_step]").fill("Call the champion about the seats they asked for")
    if form.locator("textarea[name=override_reason]").count():
        form.locator("textarea[name=override_reason]").fill("The CFO asked us to call this week")
    form.locator("input[name=consent_reviewed]").check()
    form.locator("button[value=approve]").click()
    page.wait_for_selector(f"#candidate-{pk}", state="detached")
    assert page.locator("#toasts").inner_text().startswith("Approved")
    assert Candidate.objects.get(pk=pk).status == "approved"

    # Auto-advance: the next candidate is already open, and its row is selected.
    pk = _shown_after(page, pk)
    expect(page.locator(f"#candidate-{pk}")).to_have_class(re.compile("is-selected"))

    # Reject: an empty reason is refused and the form is kept, then a reason is accepted.
    page.keyboard.press("r")
    form = page.locator(f"#decide-reject-{pk}")
    form.wait_for(state="visible")
    form.locator("button[value=reject]").click()
    assert form.locator("select[name=reason_code]").evaluate("el => !el.validity.valid"), "a reason is required"
    assert Candidate.objects.get(pk=pk).status == "pending"
    form.locator("select[name=reason_code]").select_option("false_positive")
    form.locator("textarea[name=note]").fill("They asked about a car seat, not licences")
    form.locator("button[value=reject]").click()
    page.wait_for_selector(f"#candidate-{pk}", state="detached")
    assert Candidate.objects.get(pk=pk).status == "rejected"

    # Defer to a date.
    pk = _shown_after(page, pk)
    page.keyboard.press("d")
    form = page.locator(f"#decide-defer-{pk}")
    form.wait_for(state="visible")
    form.locator("textarea[name=reason]").fill("Budget cycle opens next month")
    form.locator("button[value=defer]").click()
    page.wait_for_selector(f"#candidate-{pk}", state="detached")
    assert Candidate.objects.get(pk=pk).status == "deferred"

    assert _rows(page).count() == start - 3
    assert page.evaluate("window.__noReload") is True, "the queue updated without a full page load"
    assert not [e for e in js_errors if "favicon" not in e], js_errors


def test_keyboard_moves_through_the_queue_and_filters_swap_the_list(page: Page, demo_data: str, tmp_path: Path) -> None:
    sign_in(page, "dana@example.com")
    page.evaluate("window.__noReload = true")
    page.keyboard.press("j")
    page.wait_for_selector("#detail article.candidate")
    first = page.locator("#detail article.candidate").get_attribute("data-candidate-id")
    page.keyboard.press("j")
    expect(page.locator("#detail article.candidate")).not_to_have_attribute("data-candidate-id", first)
    page.keyboard.press("?")
    assert page.locator("#shortcut-help").is_visible()
    page.keyboard.press("Escape")

    tab = next(t for t in page.locator(".rec-tab").all()[1:] if t.locator(".count").inner_text() != "0")
    label = tab.inner_text().replace(tab.locator(".count").inner_text(), "").strip()
    tab.click()
    expect(page.locator('.rec-tab[aria-current="true"]')).to_contain_text(label)
    recs = page.locator("#queue-list tbody .rec").all_inner_texts()
    assert recs and set(recs) == {label}
    assert page.evaluate("window.__noReload") is True
    screenshot(page, "queue", tmp_path)


def test_an_owner_cannot_open_another_owners_candidate(page: Page, demo_data: str) -> None:
    theirs = Candidate.objects.exclude(account__owner__username="dana@example.com").exclude(account__owner=None).first()
    sign_in(page, "dana@example.com")
    assert theirs is not None
    response = page.goto(f"/candidates/{theirs.pk}/")
    assert response is not None and response.status == 404
    assert theirs.account.name not in page.content()


def test_the_basic_flow_works_without_javascript(browser: Browser, live_server: LiveServer, demo_data: str) -> None:
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    sign_in(page, "dana@example.com")
    page.locator("#queue-list tbody a.qrow-account").first.click()
    page.wait_for_url(re.compile(r"/candidates/\d+/$"))
    pk = int(page.url.rstrip("/").split("/")[-1])
    form = page.locator(f"#decide-defer-{pk}")
    form.locator("textarea[name=reason]").fill("Waiting for the QBR")
    form.locator("button[value=defer]").click()
    page.wait_for_url("**/queue/**")
    assert "Deferred to" in page.locator(".flash-stack").inner_text()
    assert Candidate.objects.get(pk=pk).status == "deferred"
    context.close()
