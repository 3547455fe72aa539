"""Malformed input answers 4xx with a clear message and writes nothing, never a 500."""

from io import StringIO
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from accounts.models import Account, Outcome, UsageDaily
from measurement.models import MeasurementEvent
from tests import factories

if TYPE_CHECKING:
    from tests.conftest import ApiClientFor, WriteFile

pytestmark = pytest.mark.django_db

DEEP = "[" * 20_000
JSON_ENDPOINTS = [
    "/api/v1/evidence/",
    "/api/v1/candidates/1/approve/",
    "/api/v1/candidates/1/reject/",
    "/api/v1/candidates/1/defer/",
    "/api/v1/candidates/1/outcomes/",
]
HUGE = "1" + "0" * 399


@pytest.mark.parametrize("path", JSON_ENDPOINTS)
def test_deeply_nested_json_is_400(api_client_for: "ApiClientFor", admin_user: User, path: str) -> None:
    response = api_client_for(admin_user).post(path, DEEP, content_type="application/json")

    assert response.status_code == 400, response.content
    assert "nested too deeply" in response.json()["detail"]


def test_a_400_digit_usage_value_is_a_line_error(api_client_for: "ApiClientFor", leader: User) -> None:
    body = (
        '{"records": [{"type": "account", "external_id": "acme", "name": "Acme"},'
        ' {"type": "usage", "account": "acme", "metric": "seats", "value": ' + HUGE + ', "date": "2026-11-02"}]}'
    )

    response = api_client_for(leader).post("/api/v1/evidence/", body, content_type="application/json")

    assert response.status_code == 400, response.content
    assert response.json()["errors"] == [{"line": 2, "field": "value", "reason": "is too large"}]
    assert not Account.objects.exists() and not UsageDaily.objects.exists()


def test_a_400_digit_outcome_value_is_a_line_error(api_client_for: "ApiClientFor", leader: User) -> None:
    body = (
        '{"records": [{"type": "account", "external_id": "acme", "name": "Acme"},'
        ' {"type": "outcome", "external_id": "o1", "account": "acme", "title": "t",'
        ' "recorded_at": "2026-10-15T09:00:00Z", "baseline": 1, "value": ' + HUGE + "}]}"
    )

    response = api_client_for(leader).post("/api/v1/evidence/", body, content_type="application/json")

    assert response.status_code == 400, response.content
    assert response.json()["errors"] == [{"line": 2, "field": "value", "reason": "is too large"}]
    assert not Outcome.objects.exists()


def test_a_400_digit_usage_value_in_a_file_is_a_line_error(write_file: "WriteFile") -> None:
    path = write_file(
        "u.jsonl",
        '{"type": "account", "external_id": "acme", "name": "Acme"}\n'
        '{"type": "usage", "account": "acme", "metric": "seats", "value": ' + HUGE + ', "date": "2026-11-02"}\n',
    )
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_evidence", str(path), stdout=StringIO(), stderr=err)
    assert "2: " in err.getvalue()
    assert not Account.objects.exists()


def test_a_deeply_nested_extra_field_is_a_line_error(write_file: "WriteFile") -> None:
    deep = "[" * 600 + "]" * 600
    path: Path = write_file(
        "deep.jsonl", '{"type": "account", "external_id": "acme", "name": "Acme", "x": ' + deep + "}\n"
    )
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_evidence", str(path), stdout=StringIO(), stderr=err)
    assert "1: " in err.getvalue() and "nested too deeply" in err.getvalue()
    assert not Account.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "/review/?month=9999-12",
        "/review/?month=0001-01",
        "/review.csv?month=9999-12",
        "/review.csv?month=0001-01",
        "/dashboard/?start=9999-12-30&end=9999-12-31",
        "/dashboard/?start=0001-01-01&end=0001-01-02",
        "/events.csv?until=9999-12-31",
        "/events.csv?since=9999-12-31",
        "/dashboard/funnel.csv?end=9999-12-31",
    ],
)
def test_dates_at_the_edges_are_a_400(client: Client, leader: User, url: str) -> None:
    client.force_login(leader)

    response = client.get(url)

    assert response.status_code == 400, response.status_code
    assert b"must be between 1900-01" in response.content


@pytest.mark.parametrize("query", ["until=9999-12-31", "since=9999-12-31", "since=0001-01-01"])
def test_event_api_dates_at_the_edges_are_a_400(api_client_for: "ApiClientFor", leader: User, query: str) -> None:
    response = api_client_for(leader).get(f"/api/v1/events/?{query}")

    assert response.status_code == 400, response.content
    assert "must be between 1900-01-01 and 2999-12-31" in str(response.json())
    assert MeasurementEvent.objects.count() == 0


@pytest.mark.parametrize("path", ["/api/v1/accounts/a%00b/tickets/", "/api/v1/accounts/a%00b/"])
def test_nul_in_a_url_path_is_400(api_client_for: "ApiClientFor", owner: User, path: str) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL refuses NUL in text (a 500 there); SQLite just finds nothing")
    factories.AccountFactory.create(owner=owner, external_id="ab")

    response = api_client_for(owner).get(path)

    assert response.status_code == 400, response.content
    assert response.json() == {"detail": "The URL must not contain NUL characters."}


def test_nul_in_a_page_path_is_400(client: Client, owner: User) -> None:
    client.force_login(owner)

    response = client.get("/candidates/a%00b/")

    assert response.status_code == 400
    assert b"must not contain NUL" in response.content


def test_a_key_repeated_in_one_object_is_refused_by_the_api(api_client_for, leader) -> None:
    from accounts.models import Account

    body = '{"records": [{"type": "account", "external_id": "dup", "name": "A", "name": "B"}]}'
    response = api_client_for(leader).post("/api/v1/evidence/", body, content_type="application/json")
    assert response.status_code == 400
    assert "'name' appears more than once" in response.json()["detail"]
    assert not Account.objects.filter(external_id="dup").exists()
