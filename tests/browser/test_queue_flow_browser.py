"""After a decision the queue keeps up, in a real browser: an earlier error toast goes,
the row leaves, the counts change, the next candidate opens, and Undo brings it back."""

import pytest
from playwright.sync_api import expect

from signals.models import Candidate
from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def _all_count(page) -> int:
    return int(page.locator("#rec-tabs .rec-tab").first.locator(".count").inner_text())


def test_reject_then_undo(page, js_errors, demo_data, tmp_path) -> None:
    sign_in(page, "dana@example.com")
    page.evaluate("window.__noReload = true")
    total = _all_count(page)
    row = page.locator("#queue-list tbody tr[data-queue-row]").first
    pk = int(row.get_attribute("id").split("-")[1])
    row.locator("a.qrow-account").click()
    page.wait_for_selector(f'#detail article[data-candidate-id="{pk}"]')

    page.keyboard.press("r")
    form = page.locator(f"#decide-reject-{pk}")
    form.wait_for(state="visible")
    form.locator("select[name=reason_code]").select_option("other")
    form.locator("button[value=reject]").click()
    expect(page.locator("#toasts .toast-error")).to_have_count(1)
    expect(page.locator(f"#rj-note-{pk}-err")).to_contain_text("other reason")

    form = page.locator(f"#decide-reject-{pk}")
    form.locator("select[name=reason_code]").select_option("bad_timing")
    form.locator("button[value=reject]").click()
    page.wait_for_selector(f"#candidate-{pk}", state="detached")
    expect(page.locator("#toasts .toast-error")).to_have_count(0)
    expect(page.locator("#toasts .toast-success")).to_contain_text("Rejected")
    expect(page.locator("#rec-tabs .rec-tab").first.locator(".count")).to_have_text(str(total - 1))
    shown = page.locator("#detail article.candidate")
    expect(shown).not_to_have_attribute("data-candidate-id", str(pk))
    screenshot(page, "queue-undo", tmp_path)

    page.locator("#toasts .toast-undo").click()
    expect(page.locator(f'#detail article[data-candidate-id="{pk}"]')).to_be_visible()
    expect(page.locator(f"#candidate-{pk}")).to_be_visible()
    expect(page.locator("#rec-tabs .rec-tab").first.locator(".count")).to_have_text(str(total))
    assert Candidate.objects.get(pk=pk).status == "pending"
    assert page.evaluate("window.__noReload") is True
    # the one refused submission above is the only failed request
    assert [e for e in js_errors if "status of 400" not in e] == [], js_errors


def test_snooze_presets_fill_the_date(page, demo_data, tmp_path) -> None:
    sign_in(page, "dana@example.com")
    row = page.locator("#queue-list tbody tr[data-queue-row]").first
    pk = int(row.get_attribute("id").split("-")[1])
    row.locator("a.qrow-account").click()
    page.wait_for_selector(f'#detail article[data-candidate-id="{pk}"]')
    page.keyboard.press("d")
    form = page.locator(f"#decide-defer-{pk}")
    form.wait_for(state="visible")
    preset = form.locator("[data-set-date]").first
    preset.click()
    assert form.locator("input[name=defer_until]").input_value() == preset.get_attribute("data-set-date")
    screenshot(page, "candidate-defer", tmp_path)
    page.locator("#detail a", has_text="Account").first.click()
    page.wait_for_url("**/accounts/**")
    assert page.locator(".sparkline").count() or page.locator("#acct-usage").is_visible()
    screenshot(page, "account", tmp_path)


def test_a_decided_candidates_record_stays_in_the_page_flow(page, demo_data) -> None:
    """The decision area sticks to the bottom of the screen while a decision is to be made
    (a short bar); once decided it holds the record, notices and the follow-up log, which
    as a sticky panel covered the brief, so it scrolls with the page."""
    sign_in(page, "dana@example.com")
    pending = (
        Candidate.objects.filter(status="pending", recommendation="pursue", account__owner__email="dana@example.com")
        .order_by("pk")
        .first()
    )
    assert pending is not None
    page.goto(f"/candidates/{pending.pk}/")
    area = page.locator(f"#decision-area-{pending.pk}")
    assert area.evaluate("e => getComputedStyle(e).position") == "sticky"

    page.keyboard.press("a")
    form = page.locator(f"#decide-approve-{pending.pk}")
    form.wait_for(state="visible")
    form.locator("textarea[name=next_step], input[name=next_step]").first.fill("Call the COO about the Porto team")
    consent = form.locator("input[name=consent_reviewed]")
    if consent.count():
        consent.check()
    form.locator("button[value=approve]").click()
    expect(page.locator("#toasts .toast-success")).to_contain_text("Approved")
    page.goto(f"/candidates/{pending.pk}/")
    area = page.locator(f"#decision-area-{pending.pk}")
    expect(area.locator(".decision-done")).to_be_visible()
    assert area.evaluate("e => getComputedStyle(e).position") == "static"
    assert Candidate.objects.get(pk=pending.pk).status == "approved"
