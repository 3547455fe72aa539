"""The account-planning summary in Chromium: one click from the account page, readable on
a phone, and printed through Chromium's own print to PDF: one account per page, no
navigation, the usage charts on the page."""

import io
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page
from pypdf import PdfReader
from pytest_django.live_server_helper import LiveServer

from signals.models import Candidate
from tests import factories
from tests.browser.conftest import DEMO_PASSWORD, SCREENSHOTS, screenshot, sign_in
from tests.planning.book import planning_book

pytestmark = pytest.mark.django_db(transaction=True)


def _pdf_pages(page: Page) -> list[str]:
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF-")
    return [p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages]


def _users() -> tuple:
    dana = factories.owner(username="dana@example.com", first_name="Dana")
    omar = factories.owner(username="omar@example.com", first_name="Omar")
    lee = factories.leader(username="lee@example.com", first_name="Lee")
    for u in (dana, omar, lee):
        u.set_password(DEMO_PASSWORD)
        u.save()
    return dana, omar, lee


def test_the_leaders_document_prints_one_account_per_page(page: Page, live_server: LiveServer) -> None:
    dana, omar, _ = _users()
    planning_book(dana, name="Acme Corp", external_id="acme", renewal_in=20)
    planning_book(omar, name="Globex", external_id="globex", renewal_in=40)
    sign_in(page, "lee@example.com")
    page.goto("/plans/?renewal=90")
    page.emulate_media(media="print")
    chart = page.locator("svg.plan-sparkline").first
    box = chart.bounding_box()
    assert chart.is_visible() and box is not None and box["width"] > 100  # charts print
    assert not page.locator(".topnav").is_visible() and not page.locator("form.filterbar").is_visible()

    pages = _pdf_pages(page)
    acme = next(i for i, t in enumerate(pages) if "Acme Corp acme" in t)
    globex = next(i for i, t in enumerate(pages) if "Globex globex" in t)
    assert acme == 0 and globex > acme  # soonest renewal first, each account from a new page
    assert "Globex" not in "".join(pages[acme:globex])
    text = "\n".join(pages)
    for absent in ("Sign out", "Shortcuts", "Print or save as PDF", "Markdown"):
        assert absent not in text
    assert "unresolved risks" in text.lower() and "acme-ZD-881" in text and "globex-ZD-881" in text


def test_one_click_from_the_account_page(page: Page, live_server: LiveServer, js_errors: list[str]) -> None:
    dana, _, _ = _users()
    book = planning_book(dana)
    sign_in(page, "dana@example.com")
    page.goto(f"/accounts/{book.account.pk}/")
    page.get_by_role("link", name="QBR summary").click()
    page.wait_for_url(f"**/accounts/{book.account.pk}/plan/")
    assert page.get_by_role("heading", name="Unresolved risks").is_visible()
    page.locator(".plan-section").get_by_role("link", name="acme-ZD-881").first.click()
    item = page.locator(f"#a{book.account.pk}-ev-acme-ZD-881")  # the app's chip handler marks the cited item
    item.wait_for(state="visible")
    assert "is-flash" in (item.get_attribute("class") or "") and "Scheduled exports fail" in item.inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="Markdown").click()
    assert download.value.suggested_filename.startswith("account-plan-")
    pages = _pdf_pages(page)
    assert pages[0].lstrip().startswith("Acme Corp") and "Account plan for the next QBR" in pages[0]
    assert "renewal" in pages[0].lower() and "goals and verified outcomes" in pages[0].lower()
    assert js_errors == []


def test_it_on_the_demo_book(browser: Browser, live_server: LiveServer, demo_data: str, tmp_path: Path) -> None:
    """The demo's richest account of Dana's: fits a phone; screenshots of the page at both
    widths and of the PDF's first page (Chromium's own PDF viewer)."""
    account_id = (
        Candidate.objects.filter(account__owner__username="dana@example.com", account__external_id="northwind")
        .values_list("account_id", flat=True)
        .first()
    ) or Candidate.objects.filter(account__owner__username="dana@example.com").values_list("account_id", flat=True)[0]
    for width, height, name in ((1440, 900, "qbr-summary"), (390, 844, "phone-qbr-summary-dana")):
        context = browser.new_context(viewport={"width": width, "height": height}, base_url=live_server.url)
        page = context.new_page()
        sign_in(page, "dana@example.com")
        page.goto(f"/accounts/{account_id}/plan/")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), f"overflows at {width}"
        screenshot(page, name, tmp_path)
        if width == 1440:
            pdf = page.pdf(format="A4", print_background=True)
            assert len(PdfReader(io.BytesIO(pdf)).pages) >= 1
            path = tmp_path / "plan.pdf"
            path.write_bytes(pdf)
            viewer = context.new_page()
            viewer.set_viewport_size({"width": 794, "height": 1123})
            viewer.goto(path.as_uri() + "#toolbar=0&navpanes=0&view=Fit")
            viewer.wait_for_timeout(1500)
            screenshot(viewer, "qbr-summary-pdf", tmp_path)
        context.close()
    assert SCREENSHOTS.exists()
