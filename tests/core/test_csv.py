"""Every CSV the app writes goes through one writer that neutralises spreadsheet formulas."""

import csv
import datetime as dt
import io
from typing import TYPE_CHECKING

import pytest
from django.contrib.auth.models import User
from django.http import StreamingHttpResponse
from django.test import Client

from core.csv import safe_cell, writer
from tests import factories
from tests.measurement.book import RANGE, Book, build

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

FORMULA = '=HYPERLINK("https://evil.example/phish","Click")'


@pytest.fixture
def book(owner: User, other_owner: User, leader: User) -> Book:
    return build(owner, other_owner, leader)


def _rows(response: "_MonkeyPatchedWSGIResponse") -> list[list[str]]:
    body = b"".join(response.streaming_content) if isinstance(response, StreamingHttpResponse) else response.content
    return list(csv.reader(io.StringIO(body.decode())))


@pytest.mark.parametrize(
    "text",
    [FORMULA, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1", "-", "+", "=", "@"],
)
def test_it_quotes_text_that_a_spreadsheet_would_run(text: str) -> None:
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize(
    "value", ["-12", "-12.5", "+3", "-0.5e3", ".5", -12, -12.5, None, "", "Acme", "a=b", "'=already quoted", "#", "12"]
)
def test_it_leaves_numbers_and_plain_text_alone(value: object) -> None:
    assert safe_cell(value) == value


def test_the_writer_quotes_every_cell_it_writes() -> None:
    out = io.StringIO()
    writer(out).writerow(["=1+1", -3, "-3", "Acme"])
    assert out.getvalue() == "'=1+1,-3,-3,Acme\r\n"


@pytest.mark.django_db
def test_the_monthly_review_csv_neutralises_account_names_and_outcome_titles(client: Client, owner: User) -> None:
    account = factories.AccountFactory.create(owner=owner, name=FORMULA, external_id="evil")
    factories.OutcomeFactory.create(
        account=account, title="@SUM(1+1)*cmd|' /C calc'!A0", recorded_at=dt.datetime(2026, 3, 5, tzinfo=dt.UTC)
    )
    client.force_login(owner)

    rows = _rows(client.get("/review.csv", {"month": "2026-03"}))

    assert rows[1][1] == "'" + FORMULA
    assert rows[1][4].startswith("'@SUM")


@pytest.mark.django_db
def test_the_events_csv_and_the_dashboard_csvs_neutralise_account_names(client: Client, book: Book) -> None:
    acme = book.accounts["A1"]
    acme.name = FORMULA
    acme.save()
    client.force_login(book.leader)

    events = _rows(client.get("/events.csv"))
    names = {row[4] for row in events[1:] if row[3] == "acme"}
    assert names == {"'" + FORMULA}
    assert all(not row[4].startswith("=") for row in events[1:])

    audit = _rows(client.get("/dashboard/audit.csv", {"pilot": "all", **RANGE, "n": "20"}))
    cells = [cell for row in audit for cell in row]
    assert any(cell.startswith("'" + FORMULA) for cell in cells)
    assert not any(cell.startswith("=") for cell in cells)
