"""GET /api/v1/events/: leaders and admins only, filtered and paginated."""

from typing import TYPE_CHECKING

import pytest
from django.contrib.auth.models import User
from pytest_django import DjangoAssertNumQueries

from measurement.models import MeasurementEvent
from tests.measurement.book import Book

if TYPE_CHECKING:
    from tests.conftest import ApiClientFor

pytestmark = pytest.mark.django_db

URL = "/api/v1/events/"


def test_it_lists_events_for_a_leader_with_pagination(api_client_for: "ApiClientFor", book: Book) -> None:
    client = api_client_for(book.leader)
    total = MeasurementEvent.objects.count()
    response = client.get(URL, {"page_size": 5})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == total and len(body["results"]) == 5 and body["next"]
    first = body["results"][0]
    assert set(first) >= {"id", "kind", "occurred_at", "account", "owner", "actor", "candidate", "data"}
    ids = [e["id"] for e in body["results"]] + [e["id"] for e in client.get(body["next"]).json()["results"]]
    assert len(set(ids)) == 10


def test_it_filters_by_kind_date_and_account(api_client_for: "ApiClientFor", book: Book) -> None:
    client = api_client_for(book.leader)
    rows = client.get(URL, {"kind": "closed_won"}).json()["results"]
    assert [(r["account"], r["data"]["amount"]) for r in rows] == [("acme", "12000.00"), ("acme", "3000.50")]
    assert client.get(URL, {"kind": "approved,rejected"}).json()["count"] == 7
    march_3 = client.get(URL, {"since": "2026-03-03", "until": "2026-03-03"}).json()["results"]
    assert {r["kind"] for r in march_3} == {"approved", "rejected", "false_positive"}
    assert {r["account"] for r in client.get(URL, {"account": "cobalt"}).json()["results"]} == {"cobalt"}
    bad = client.get(URL, {"kind": "nope", "since": "yesterday"})
    assert bad.status_code == 400 and "kind" in bad.json() and "since" in bad.json()
    # by candidate; an unknown parameter is a 400, not the whole list (the stranger's ?candidate=4 was)
    some = MeasurementEvent.objects.filter(candidate__isnull=False).first()
    assert some is not None and some.candidate_id is not None
    pk: int = some.candidate_id
    rows = client.get(URL, {"candidate": pk}).json()["results"]
    assert rows and {r["candidate"] for r in rows} == {pk}
    assert len(rows) == MeasurementEvent.objects.filter(candidate_id=pk).count()
    bad = client.get(URL, {"candidat": "4"})
    assert bad.status_code == 400 and "Unknown query parameter" in bad.json()["candidat"][0]
    assert client.get(URL, {"candidate": "x"}).status_code == 400


def test_owners_are_refused_and_admins_allowed(api_client_for: "ApiClientFor", book: Book, admin_user: User) -> None:
    assert api_client_for(book.dana).get(URL).status_code == 403
    assert api_client_for(None).get(URL).status_code in (401, 403)
    assert api_client_for(admin_user).get(URL).status_code == 200


def test_the_list_query_count_is_bounded(
    api_client_for: "ApiClientFor", book: Book, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    client = api_client_for(book.leader)
    with django_assert_max_num_queries(6):
        response = client.get(URL, {"page_size": 100})
    assert len(response.json()["results"]) == MeasurementEvent.objects.count()
