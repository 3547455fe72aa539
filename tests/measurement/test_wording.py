"""The dashboard speaks the product's language: no words from the requirements
documents ("the seed's 'not ready if'") or internal metric ids in what a leader reads."""

import re

import pytest
from django.http import StreamingHttpResponse
from django.test import Client

from tests.measurement.book import RANGE, Book

pytestmark = pytest.mark.django_db

INTERNAL = re.compile(r"\bseed\b|expansion_signal_review_quality|unique workflow test|not ready if|\bcontract\b", re.I)


def _visible_text(html: str) -> str:
    """The page's text without tags (attributes such as name="seed" are not read by anyone)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_the_dashboard_has_no_internal_wording(client: Client, book: Book) -> None:
    client.force_login(book.leader)
    text = _visible_text(client.get("/dashboard/", {"pilot": "all", **RANGE}).content.decode())
    assert "Review quality" in text and "Sample audit" in text
    assert not INTERNAL.findall(text), INTERNAL.findall(text)


def test_the_figure_exports_have_no_internal_wording(client: Client, book: Book) -> None:
    client.force_login(book.leader)
    for name in ("quality", "readiness", "audit"):
        response = client.get(f"/dashboard/{name}.csv", {"pilot": "all", **RANGE})
        assert response.status_code == 200, name
        body = b"".join(response.streaming_content) if isinstance(response, StreamingHttpResponse) else response.content
        header = "\n".join(line for line in body.decode().splitlines() if line.startswith("#"))
        assert not INTERNAL.findall(header), (name, header)
